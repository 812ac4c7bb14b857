// The CLI's bundles of a few heavy third-party packages (cli/bundled-deps.ts says which and
// why): dist/vendor/<name>.js, each exporting exactly the names this package's own code
// (src/, commands/, cli/) imports from it, found here by reading those imports, so the
// tree-shaking keeps what is used and nothing can be missing. Node built-ins stay external;
// chunks shared by two bundles (rolldown's runtime) are loaded once. Also written:
// dist/vendor/bundled.json (package, version, file, exports: read by the CLI at start and by
// test/unit/bundled-deps.test.ts) and dist/vendor/LICENSES.md (the bundled packages'
// licenses; their legal comments stay in the code too). Run by `npm run build`, after tsc.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import { BUNDLED_PACKAGES } from '../dist/cli/bundled-deps.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const SOURCE_DIRS = ['src', 'commands', 'cli']

function sourceFiles (dir) {
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map(entry => join(entry.parentPath, entry.name))
}

/** The names imported (as values) from each bundled package: 'default', named exports, or '*' for a namespace or dynamic import. */
export function importedNames () {
  const names = new Map(BUNDLED_PACKAGES.map(name => [name, new Set()]))
  for (const file of SOURCE_DIRS.flatMap(sourceFiles)) {
    const text = readFileSync(file, 'utf8')
    for (const [, typeOnly, clause, from] of text.matchAll(/\bimport\s+(type\s+)?([\w*{}\s,$]*?)\s*from\s*['"]([^'"]+)['"]/g)) {
      const used = names.get(from)
      if (!used || typeOnly) continue
      const braces = /\{([^}]*)\}/.exec(clause)
      const outside = clause.replace(/\{[^}]*\}/, '').split(',').map(part => part.trim()).filter(Boolean)
      for (const part of outside) used.add(part.startsWith('*') ? '*' : 'default')
      for (const spec of braces?.[1]?.split(',') ?? []) {
        const name = spec.trim()
        if (!name || name.startsWith('type ')) continue
        used.add(name.split(/\s+as\s+/)[0].trim())
      }
    }
    for (const [, from] of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) names.get(from)?.add('*')
  }
  return names
}

function entrySource (name, used) {
  const lines = []
  if (used.has('*')) lines.push(`export * from '${name}'`)
  if (used.has('*') || used.has('default')) lines.push(`export { default } from '${name}'`)
  const named = [...used].filter(part => part !== '*' && part !== 'default').sort()
  if (named.length > 0) lines.push(`export { ${named.join(', ')} } from '${name}'`)
  return lines.join('\n') + '\n'
}

const fileName = name => `${name.replaceAll('/', '+')}.js`
const PREFIX = '\0seedcast-vendor:'
const used = importedNames()
const wanted = BUNDLED_PACKAGES.filter(name => used.get(name).size > 0)

export default defineConfig({
  root,
  logLevel: 'warn',
  configFile: false,
  publicDir: false,
  plugins: [{
    name: 'seedcast-vendor-entries',
    resolveId (id) { return id.startsWith('seedcast-vendor:') ? `\0${id}` : undefined },
    load (id) { return id.startsWith(PREFIX) ? entrySource(id.slice(PREFIX.length), used.get(id.slice(PREFIX.length))) : undefined },
    generateBundle () {
      const packages = Object.fromEntries(wanted.map(name => {
        const { version } = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8'))
        return [name, { version, file: fileName(name), exports: [...used.get(name)].sort() }]
      }))
      this.emitFile({ type: 'asset', fileName: 'bundled.json', source: JSON.stringify({ packages }, null, 2) + '\n' })
    }
  }],
  // CommonJS code read as ES modules: write-file-atomic hashes __filename into its temporary
  // names. (test/unit/bundled-deps.test.ts runs the bundles through the CLI.)
  define: { __filename: 'import.meta.filename', __dirname: 'import.meta.dirname' },
  ssr: { noExternal: true, target: 'node' },
  build: {
    ssr: true,
    outDir: 'dist/vendor',
    emptyOutDir: true,
    target: 'node22',
    minify: false,
    sourcemap: false,
    copyPublicDir: false,
    license: { fileName: 'LICENSES.md' },
    rollupOptions: {
      input: Object.fromEntries(wanted.map(name => [fileName(name).slice(0, -3), `seedcast-vendor:${name}`])),
      output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' }
    }
  }
})
