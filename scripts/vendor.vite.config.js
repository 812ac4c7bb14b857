// The CLI's bundles of a few heavy third-party packages (cli/bundled-deps.ts says which and
// why): dist/vendor/<specifier>.js, one for each specifier this package's own code (src/,
// commands/, cli/, bin/) imports from them, found here by reading those imports. An ES
// module package's bundle exports exactly the names imported from it, so tree-shaking keeps
// what is used and nothing can be missing; a CommonJS package bundled whole (WHOLE_PACKAGES)
// exports every name its module has. Node built-ins stay external; chunks shared by bundles
// (rolldown's runtime, oclif's modules) are loaded once. Also written:
// dist/vendor/bundled.json (specifier: package, version, file, exports; read by the CLI at
// start and by test/unit/bundled-deps.test.ts) and dist/vendor/LICENSES.md (the bundled
// packages' licenses; their legal comments stay in the code too). Run by `npm run build`,
// after tsc.
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { defineConfig } from 'vite'
import { nodeBundleConfig, root } from './node-bundle.js'
import { BUNDLED_PACKAGES, WHOLE_PACKAGES } from '../dist/cli/bundled-deps.js'

const SOURCES = ['src', 'commands', 'cli', 'bin']
const require = createRequire(join(root, 'package.json'))

function sourceFiles (dir) {
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile() && /\.(ts|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map(entry => join(entry.parentPath, entry.name))
}

/** The package a specifier imports from ('@oclif/core/flags': '@oclif/core'). */
export function packageOf (specifier) {
  return specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/')
}

/**
 * The specifiers of the bundled packages the sources import (as values), each with the names
 * imported: 'default', named exports, or '*' for a namespace or dynamic import. A specifier of
 * a package bundled whole has all its module's names.
 */
export function importedNames () {
  const bundled = new Set(BUNDLED_PACKAGES)
  const names = new Map()
  const use = (specifier, name) => {
    if (!bundled.has(packageOf(specifier))) return
    if (!names.has(specifier)) names.set(specifier, new Set())
    names.get(specifier).add(name)
  }
  for (const file of SOURCES.flatMap(sourceFiles)) {
    const text = readFileSync(file, 'utf8')
    for (const [, typeOnly, clause, from] of text.matchAll(/\bimport\s+(type\s+)?([\w*{}\s,$]*?)\s*from\s*['"]([^'"]+)['"]/g)) {
      if (typeOnly) continue
      const braces = /\{([^}]*)\}/.exec(clause)
      const outside = clause.replace(/\{[^}]*\}/, '').split(',').map(part => part.trim()).filter(Boolean)
      for (const part of outside) use(from, part.startsWith('*') ? '*' : 'default')
      for (const spec of braces?.[1]?.split(',') ?? []) {
        const name = spec.trim()
        if (!name || name.startsWith('type ')) continue
        use(from, name.split(/\s+as\s+/)[0].trim())
      }
    }
    for (const [, from] of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) use(from, '*')
  }
  for (const [specifier, used] of names) {
    if (!WHOLE_PACKAGES.includes(packageOf(specifier))) continue
    used.clear()
    for (const name of Object.keys(require(specifier))) used.add(name === '__esModule' ? 'default' : name)
    used.add('default')
  }
  return names
}

function entrySource (specifier, used) {
  const quoted = JSON.stringify(specifier)
  if (WHOLE_PACKAGES.includes(packageOf(specifier))) {
    // CommonJS: its names read once from module.exports, as Node's own import of it would.
    const named = [...used].filter(name => name !== 'default').sort()
    return `import module from ${quoted}\nexport const { ${named.join(', ')} } = module\nexport default module\n`
  }
  const lines = []
  if (used.has('*')) lines.push(`export * from ${quoted}`)
  if (used.has('*') || used.has('default')) lines.push(`export { default } from ${quoted}`)
  const named = [...used].filter(part => part !== '*' && part !== 'default').sort()
  if (named.length > 0) lines.push(`export { ${named.join(', ')} } from ${quoted}`)
  return lines.join('\n') + '\n'
}

const PREFIX = '\0seedcast-vendor:'

/**
 * Modules of oclif that a one-shot command never runs but oclif requires at load (its config
 * loader: minimatch, tinyglobby, lilconfig...; its module loader; the help renderer, wanted
 * only to show help): required when first used instead, in the bundle. importing the bundled
 * @oclif/core/command took 19 ms of CPU, 16 with these deferred (median of 15 runs at load 12). The build fails if
 * oclif's code no longer reads as expected.
 */
const DEFERRED_REQUIRES = [
  { file: '/@oclif/core/lib/command.js', binding: 'config_1', from: './config', names: ['Config'] },
  { file: '/@oclif/core/lib/help/index.js', binding: 'module_loader_1', from: '../module-loader', names: ['load'] },
  { file: '/@oclif/core/lib/flags.js', binding: 'help_1', from: './help', names: ['loadHelpClass'] },
  { file: '/@oclif/core/lib/errors/handle.js', binding: 'index_1', from: '../help/index', names: ['Help'] }
]

function deferRequires (code, id) {
  const deferred = DEFERRED_REQUIRES.filter(entry => id.endsWith(entry.file))
  for (const { binding, from, names } of deferred) {
    const statement = `const ${binding} = require("${from}");`
    const uses = [...code.matchAll(new RegExp(`\\b${binding}\\.(\\w+)`, 'g'))].map(match => match[1])
    if (!code.includes(statement) || uses.some(name => !names.includes(name))) throw new Error(`${id}: ${statement} or its uses changed; update DEFERRED_REQUIRES`)
    code = code.replace(statement, `const ${binding} = { ${names.map(name => `get ${name} () { return require("${from}").${name} }`).join(', ')} };`)
  }
  return deferred.length > 0 ? code : undefined
}
const used = importedNames()
const specifiers = [...used.keys()].sort()

export default defineConfig(nodeBundleConfig({
  outDir: 'dist/vendor',
  plugin: {
    name: 'seedcast-vendor-entries',
    resolveId (id) { return id.startsWith('seedcast-vendor:') ? `\0${id}` : undefined },
    load (id) { return id.startsWith(PREFIX) ? entrySource(id.slice(PREFIX.length), used.get(id.slice(PREFIX.length))) : undefined },
    transform (code, id) { return deferRequires(code, id) },
    generateBundle (_options, bundle) {
      const files = new Map(Object.values(bundle).filter(chunk => chunk.type === 'chunk' && chunk.isEntry).map(chunk => [chunk.facadeModuleId, chunk.fileName]))
      const packages = Object.fromEntries(specifiers.map(specifier => {
        const { version } = JSON.parse(readFileSync(join(root, 'node_modules', packageOf(specifier), 'package.json'), 'utf8'))
        const file = files.get(PREFIX + specifier)
        if (!file) throw new Error(`no bundle was made for ${specifier}`)
        return [specifier, { package: packageOf(specifier), version, file, exports: [...used.get(specifier)].sort() }]
      }))
      this.emitFile({ type: 'asset', fileName: 'bundled.json', source: JSON.stringify({ packages }, null, 2) + '\n' })
    }
  },
  input: Object.fromEntries(specifiers.map(specifier => [specifier.replaceAll('/', '_'), `seedcast-vendor:${specifier}`])),
  // oclif's optional loaders of TypeScript commands (development only): left to Node.
  external: ['typescript', 'ts-node', 'tsx'],
  // CommonJS code read as ES modules: write-file-atomic hashes __filename into its temporary
  // names. (test/unit/bundled-deps.test.ts runs the bundles through the CLI.)
  define: { __filename: 'import.meta.filename', __dirname: 'import.meta.dirname' },
  ssr: { noExternal: true },
  build: { license: { fileName: 'LICENSES.md' } }
}))
