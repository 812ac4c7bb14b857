// The CLI's bundles of a few heavy third-party packages (cli/bundled-deps.ts says which and
// why): dist/vendor/<specifier>.js, one for each specifier this package's own code (src/,
// commands/, cli/, bin/) imports from them, found here by reading those imports; and one for
// each module of SEPARATE_IMPORTERS, of the names it imports (re-exports) alone. An ES
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
import { basename, join, relative } from 'node:path'
import { defineConfig } from 'vite'
import { nodeBundleConfig, root } from './node-bundle.js'
import { BUNDLED_PACKAGES, SEPARATE_IMPORTERS, separateKey, WHOLE_PACKAGES } from '../dist/cli/bundled-deps.js'

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

/** The module of dist/ a source file compiles to ('src/feed/rss.js'). */
const distPath = file => relative(root, file).replace(/\.ts$/, '.js')

/**
 * The specifiers of the bundled packages the sources import (as values), each with the names
 * imported: 'default', named exports, or '*' for a namespace or dynamic import; re-exported
 * names (`export { x } from`) count as imported. A specifier of a package bundled whole has
 * all its module's names. A module of SEPARATE_IMPORTERS has its own entries, under
 * separateKey(specifier, module).
 */
export function importedNames () {
  return new Map([...importsOf()].map(([key, { names }]) => [key, names]))
}

/** importedNames with each key's specifier, and module for those of SEPARATE_IMPORTERS. */
function importsOf () {
  const bundled = new Set(BUNDLED_PACKAGES)
  const imports = new Map()
  let importer
  const use = (specifier, name) => {
    if (!bundled.has(packageOf(specifier))) return
    const key = importer === undefined ? specifier : separateKey(specifier, importer)
    if (!imports.has(key)) imports.set(key, { specifier, importer, names: new Set() })
    imports.get(key).names.add(name)
  }
  for (const file of SOURCES.flatMap(sourceFiles)) {
    const text = readFileSync(file, 'utf8')
    importer = SEPARATE_IMPORTERS.includes(distPath(file)) ? distPath(file) : undefined
    const reExports = [...text.matchAll(/\bexport\s+(type\s+)?(\{[^}]*\})\s*from\s*['"]([^'"]+)['"]/g)]
    for (const [, typeOnly, clause, from] of [...text.matchAll(/\bimport\s+(type\s+)?([\w*{}\s,$]*?)\s*from\s*['"]([^'"]+)['"]/g), ...reExports]) {
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
  for (const { specifier, names } of imports.values()) {
    if (!WHOLE_PACKAGES.includes(packageOf(specifier))) continue
    names.clear()
    for (const name of Object.keys(require(specifier))) names.add(name === '__esModule' ? 'default' : name)
    names.add('default')
  }
  return imports
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
 * The bundle of a module of SEPARATE_IMPORTERS is made from its own copy of the package's
 * modules (their ids suffixed with COPY and the entry's name), so it shares no chunk with the
 * package's other bundles: a chunk two entries share holds every statement either needs,
 * and feedsmith's writers would have loaded its HTML entity tables and XML validator from
 * the chunk they shared with its parsers (219 kB for the writers instead of 158). Such a
 * package must keep no state and hand out no class that the copies would not share.
 */
const COPY = '?seedcast-copy='
const withoutCopy = id => id.split(COPY)[0]
/** The copy the module `id` belongs to: the entry's name, or undefined outside the copies. */
function copyOf (id) {
  if (id.includes(COPY)) return id.slice(id.indexOf(COPY) + COPY.length)
  if (!id.startsWith(PREFIX)) return undefined
  const key = decodeURIComponent(id.slice(PREFIX.length))
  return imports.get(key)?.importer === undefined ? undefined : entryName(key)
}

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
const imports = importsOf()
const keys = [...imports.keys()].sort()
/** The entry's name, and so its file: dist/vendor/<specifier with _ for />(.<importer's name>).js. */
const entryName = key => {
  const { specifier, importer } = imports.get(key)
  return specifier.replaceAll('/', '_') + (importer === undefined ? '' : `.${basename(importer, '.js')}`)
}

export default defineConfig(nodeBundleConfig({
  outDir: 'dist/vendor',
  plugin: {
    name: 'seedcast-vendor-entries',
    // Before Vite's resolver: the modules of a separate copy are resolved here.
    enforce: 'pre',
    async resolveId (source, importer) {
      if (source.startsWith('seedcast-vendor:')) return `\0${source}`
      const copy = importer === undefined ? undefined : copyOf(importer)
      if (copy === undefined || source.startsWith('\0') || source.startsWith('node:')) return undefined
      const resolved = await this.resolve(source, importer.startsWith(PREFIX) ? undefined : withoutCopy(importer), { skipSelf: true })
      return resolved && !resolved.external && !resolved.id.startsWith('\0') ? { ...resolved, id: resolved.id + COPY + copy } : resolved
    },
    load (id) {
      if (id.includes(COPY)) return readFileSync(withoutCopy(id), 'utf8')
      if (!id.startsWith(PREFIX)) return undefined
      const { specifier, names } = imports.get(decodeURIComponent(id.slice(PREFIX.length)))
      return entrySource(specifier, names)
    },
    transform (code, id) { return deferRequires(code, id) },
    // rolldown names each module in a comment: by its file, as in the other bundles.
    renderChunk (code) { return code.includes(COPY) ? code.replace(/\?seedcast-copy=[\w.-]+/g, '') : null },
    generateBundle (_options, bundle) {
      const files = new Map(Object.values(bundle).filter(chunk => chunk.type === 'chunk' && chunk.isEntry).map(chunk => [chunk.facadeModuleId, chunk.fileName]))
      const packages = Object.fromEntries(keys.map(key => {
        const { specifier, importer, names } = imports.get(key)
        const { version } = JSON.parse(readFileSync(join(root, 'node_modules', packageOf(specifier), 'package.json'), 'utf8'))
        const file = files.get(PREFIX + encodeURIComponent(key))
        if (!file) throw new Error(`no bundle was made for ${key}`)
        return [key, { package: packageOf(specifier), version, file, exports: [...names].sort(), ...(importer === undefined ? {} : { specifier, importer }) }]
      }))
      this.emitFile({ type: 'asset', fileName: 'bundled.json', source: JSON.stringify({ packages }, null, 2) + '\n' })
    }
  },
  input: Object.fromEntries(keys.map(key => [entryName(key), `seedcast-vendor:${encodeURIComponent(key)}`])),
  // oclif's optional loaders of TypeScript commands (development only): left to Node.
  external: ['typescript', 'ts-node', 'tsx'],
  // CommonJS code read as ES modules: write-file-atomic hashes __filename into its temporary
  // names. (test/unit/bundled-deps.test.ts runs the bundles through the CLI.)
  define: { __filename: 'import.meta.filename', __dirname: 'import.meta.dirname' },
  ssr: { noExternal: true },
  build: { license: { fileName: 'LICENSES.md' } }
}))
