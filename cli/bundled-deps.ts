import { readFileSync } from 'node:fs'
import module from 'node:module'
import { pathToFileURL } from 'node:url'

/**
 * Third-party packages the CLI loads from bundles (dist/vendor/<specifier>.js, built by
 * `npm run build` with scripts/vendor.vite.config.js: one for each specifier src/,
 * commands/, cli/ and bin/ import from these packages), in place of their hundreds of
 * modules. feedsmith alone is 138 modules (all its parsers and generators: its package
 * exports only "."), zod 95, music-metadata with its tokenizers about 100, oclif with its
 * config loader (minimatch, tinyglobby, lilconfig...) about 100 for any command: on the
 * quiet machine, importing feedsmith took 57 ms over `node -e 0`, its bundle 7; `seedcast
 * info` took 98 ms of CPU, 68 with oclif bundled. The library (dist/src, imported as
 * `seedcast`) keeps its plain imports and loads the packages themselves: only the CLI's
 * process maps the bare specifiers, and only for importers inside this package's dist/ and
 * bin/. proper-lockfile too, with graceful-fs, retry and signal-exit: 9.3 -> 6.5 ms of CPU to
 * import, median of 21 alternated runs. Left out: mime-types (its bundle loaded slower than
 * the package: a JSON database as JavaScript).
 */
export const BUNDLED_PACKAGES = ['feedsmith', 'zod', 'music-metadata', 'uuid', 'write-file-atomic', '@oclif/core', 'proper-lockfile']

/**
 * The CommonJS packages bundled whole, exporting every name of each module imported (the
 * others are tree-shaken to the names imported). oclif: its modules require each other at
 * load, so little would shake off, and all of the CLI's imports of it must come from one
 * copy (one Command class, one error type, one settings object), oclif's own run too.
 */
export const WHOLE_PACKAGES = ['@oclif/core']

/**
 * Modules of src/ that import a bundled package for one use, each given a bundle of the names
 * it imports (dist/vendor/<package>.<module>.js, index key `<package> for <module>`) instead of
 * the package's bundle for every use. feedsmith exports all it has from one entry: its bundle
 * held its parsers beside its writers, and `seedcast publish`, which only writes feeds, loaded
 * them (424 kB; the writers' bundle is 158 kB). These modules only re-export names of the
 * package (as dist/ files, left out of the command bundles so their imports are theirs).
 */
export const SEPARATE_IMPORTERS = ['src/feed/feedsmith-writers.js', 'src/feed/read/feedsmith-readers.js']

/** The index key of the bundle `importer` (one of SEPARATE_IMPORTERS) gets for `specifier`. */
export function separateKey (specifier: string, importer: string): string {
  return `${specifier} for ${importer}`
}

/**
 * Commands that run for long (minutes to days) keep the packages themselves: their start-up
 * matters little, and what a process loads it holds for life. An idle seeder with the
 * bundles held more (heap after GC 13.44 -> 13.92 MB, RSS +1.1 MiB, two runs each): a bundle
 * chunk is read and kept whole, where the package's files that no code path reaches are
 * never loaded. Not get: a download is mostly its start-up and its CPU per byte, and its
 * start loads webtorrent from the download bundle (dist/download), whose dist/ modules it
 * imports through the resolve hook made here.
 */
const LONG_RUNNING = new Set(['seed', 'serve', 'mirror', 'peers', 'demo', 'follow run'])

/** Whether the CLI run with these arguments takes the bundles: all but the long-running commands. */
export function bundlesFor (argv: string[]): boolean {
  const [first, second] = argv
  return first === undefined || !(LONG_RUNNING.has(first) || LONG_RUNNING.has(`${first} ${second}`))
}

/** dist/vendor/bundled.json, written by the bundle's build: each package's version and bundle file, and the names it exports. */
export const BUNDLED_INDEX = 'dist/vendor/bundled.json'

export interface BundledIndex {
  /** By specifier ('@oclif/core/flags'), or separateKey's `<specifier> for <importer>` for one of SEPARATE_IMPORTERS. */
  packages: Record<string, { package: string, version: string, file: string, exports: string[], specifier?: string, importer?: string }>
}

/**
 * How the command bundles (dist/bundle, scripts/commands.vite.config.js) import the modules of
 * dist/ left out of them: `seedcast-dist:src/errors.js` is dist/src/errors.js.
 */
export const DIST_SPECIFIER = 'seedcast-dist:'

/** dist/bundle/commands.json, written by the command bundles' build: each bundled command's file. */
export const COMMANDS_INDEX = 'dist/bundle/commands.json'

/** dist/download/download.json, written by the download bundle's build (scripts/download.vite.config.js): its entries' files. */
export const DOWNLOAD_INDEX = 'dist/download/download.json'

/** The modules `get` imports once its flags are read: the download and WebTorrent's patches. */
export type DownloadEntry = 'download' | 'internals'

type ResolveHook = (specifier: string, context: { parentURL?: string }, next: (specifier: string, context: object) => unknown) => unknown
type RegisterHooks = (hooks: { resolve: ResolveHook }) => unknown

let mapped: string[] | undefined
let commandUrls: Map<string, string> | undefined
let downloadUrls: Record<DownloadEntry, string> | undefined

/**
 * The URL of the command's bundle (dist/bundle), when useBundledDependencies has mapped this
 * process's imports and the build made one; undefined otherwise (the command module of
 * dist/commands is run then).
 */
export function bundledCommand (id: string): string | undefined {
  return commandUrls?.get(id)
}

/**
 * The URLs of the download bundle's entries (dist/download), when useBundledDependencies has
 * mapped this process's imports (the bundle imports modules of dist/ through `seedcast-dist:`)
 * and the build made it; undefined otherwise (the modules of dist/src are imported then).
 */
export function downloadBundle (): Record<DownloadEntry, string> | undefined {
  return downloadUrls
}

/**
 * From here on, this process's modules under root/dist/ and root/bin/ (not the bundles
 * themselves) import the bundled packages from dist/vendor. Returns the index keys mapped: none when the
 * bundle's index is missing or unreadable (a build without the bundle step: everything then
 * loads as usual; test/unit/bundled-deps.test.ts fails on such a build) or Node has no
 * module.registerHooks. Call it before the first of those packages is imported: one
 * already loaded stays loaded (and a second copy would be loaded beside it).
 */
export function useBundledDependencies (root: string): string[] {
  if (mapped) return [...mapped]
  const registerHooks = (module as unknown as { registerHooks?: RegisterHooks }).registerHooks
  if (typeof registerHooks !== 'function') return []
  const rootUrl = pathToFileURL(root.endsWith('/') ? root : root + '/').href
  let index: BundledIndex
  try {
    index = JSON.parse(readFileSync(new URL(BUNDLED_INDEX, rootUrl), 'utf8')) as BundledIndex
  } catch {
    return []
  }
  const distUrl = new URL('dist/', rootUrl).href
  const urls = new Map<string, string>()
  // For the modules of SEPARATE_IMPORTERS: by their URL and a line break before the specifier.
  const separate = new Map<string, string>()
  for (const [name, { file, specifier, importer }] of Object.entries(index.packages ?? {})) {
    const url = new URL(`dist/vendor/${file}`, rootUrl).href
    if (specifier !== undefined && importer !== undefined) separate.set(`${new URL(importer, distUrl).href}\n${specifier}`, url)
    else urls.set(name, url)
  }
  let commands: Map<string, string> | undefined
  try {
    const { commands: files } = JSON.parse(readFileSync(new URL(COMMANDS_INDEX, rootUrl), 'utf8')) as { commands: Record<string, string> }
    commands = new Map(Object.entries(files).map(([id, file]) => [id, new URL(`dist/bundle/${file}`, rootUrl).href]))
  } catch {
    // No command bundles: the commands of dist/commands run, with the packages' bundles.
  }
  let download: Record<DownloadEntry, string> | undefined
  try {
    const { entries } = JSON.parse(readFileSync(new URL(DOWNLOAD_INDEX, rootUrl), 'utf8')) as { entries: Record<DownloadEntry, string> }
    if (typeof entries.download === 'string' && typeof entries.internals === 'string') download = { download: new URL(`dist/download/${entries.download}`, rootUrl).href, internals: new URL(`dist/download/${entries.internals}`, rootUrl).href }
  } catch {
    // No download bundle: get imports the modules of dist/src.
  }
  const importers = [new URL('dist/', rootUrl).href, new URL('bin/', rootUrl).href]
  const vendor = new URL('dist/vendor/', rootUrl).href
  registerHooks.call(module, {
    resolve (specifier, context, next) {
      if (specifier.startsWith(DIST_SPECIFIER)) return { url: new URL(specifier.slice(DIST_SPECIFIER.length), distUrl).href, format: 'module', shortCircuit: true }
      const parent = context.parentURL
      // A module of dist/ importing another by relative path (the bundles' chunks, tsc's
      // output): an ES module of this package (its package.json says "type": "module"; dist/
      // has no other), at the URL the path names. Node's own resolution of each stats the file,
      // takes its real path and reads the package.json of every folder up to the package's to
      // learn its format: about 90 modules for `seedcast publish`, 30-50 ms of its start.
      if (specifier.startsWith('.') && specifier.endsWith('.js') && parent?.startsWith(distUrl)) {
        const inDist = new URL(specifier, parent).href
        if (inDist.startsWith(distUrl)) return { url: inDist, format: 'module', shortCircuit: true }
      }
      const url = (parent === undefined ? undefined : separate.get(`${parent}\n${specifier}`)) ?? urls.get(specifier)
      if (url === undefined || parent === undefined || parent.startsWith(vendor) || !importers.some(importer => parent.startsWith(importer))) return next(specifier, context)
      return { url, format: 'module', shortCircuit: true }
    }
  })
  mapped = Object.keys(index.packages ?? {})
  commandUrls = commands
  downloadUrls = download
  return [...mapped]
}
