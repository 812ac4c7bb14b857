// The download bundle of `seedcast get` (dist/download/): the two modules the command imports
// once its flags are read (src/swarm/download/download.js and src/swarm/webtorrent-internals.js),
// with webtorrent and every package and module of dist/ under them, in a few files instead of
// about 240 modules. Node resolved, read and linked those one by one: importing them took
// about 270 ms of CPU over `node -e 0`, most of it in module resolution, not in the code.
// Built with the stand-ins and replacements of a download-only process (src/swarm/lean-imports.ts,
// standInsFor, replacementsFor) in place, so what `get` never runs is not in it, but the DHT library: it stays
// a bare import, for the process to load or leave out by --dht (lean-imports' hook then).
// Left out of it (imported from dist/ as they are, through `seedcast-dist:` specifiers the
// CLI's resolve hook maps back): the modules the command loads itself before the bundle, so
// that the process holds one copy of each (one SeedcastError class, one lean-imports state).
// Run by `npm run build`, after tsc; cli/download-modules.ts imports it when
// dist/download/download.json is there.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { defineConfig } from 'vite'
import { nodeBundleConfig, relativeImportClosure, root } from './node-bundle.js'
import { DIST_SPECIFIER } from '../dist/cli/bundled-deps.js'
import { fileURLToPath } from 'node:url'
import { replacementsFor, replaces, standInsFor, trackerClientOnly } from '../dist/src/swarm/lean-imports.js'

const dist = join(root, 'dist')
export const ENTRIES = { download: 'src/swarm/download/download.js', internals: 'src/swarm/webtorrent-internals.js' }
export const COMMAND = 'commands/get.js'

export const external = relativeImportClosure([join(dist, COMMAND)], { dynamic: false })
const options = { dht: true, webrtc: false, downloadOnly: true }
const standIns = Object.values(standInsFor(options))
const replacements = replacementsFor(options)
const STAND_IN = '\0seedcast-stand-in:'

export default defineConfig(nodeBundleConfig({
  outDir: 'dist/download',
  plugin: {
    name: 'seedcast-download-bundle',
    enforce: 'pre',
    resolveId (source, importer) {
      if (importer === undefined) return undefined
      if (source === 'bittorrent-tracker' && importer.includes('/node_modules/torrent-discovery/')) return `${STAND_IN}tracker-client`
      const replacement = replacements.find(entry => replaces(entry, source, importer))
      if (replacement) return fileURLToPath(replacement.url)
      const index = standIns.findIndex(entry => replaces(entry, source, importer))
      if (index >= 0) return `${STAND_IN}${index}`
      if (!source.startsWith('.')) return undefined
      const path = resolve(dirname(importer), source)
      return external.has(path) ? { id: `${DIST_SPECIFIER}${relative(dist, path)}`, external: true } : undefined
    },
    load (id) {
      if (!id.startsWith(STAND_IN)) return undefined
      const which = id.slice(STAND_IN.length)
      return which === 'tracker-client' ? trackerClientOnly('bittorrent-tracker/client') : standIns[Number(which)].source
    },
    generateBundle (_options, bundle) {
      const files = Object.fromEntries(Object.values(bundle).filter(chunk => chunk.type === 'chunk' && chunk.isEntry).map(chunk => [chunk.name, chunk.fileName]))
      for (const name of Object.keys(ENTRIES)) if (!files[name]) throw new Error(`no bundle was made for ${name}`)
      // Each module of dist/ bundled, with the SHA-1 of the file it was bundled from: the test
      // finds a bundle older than the modules it holds (test/unit/download-bundle.test.ts).
      const modules = Object.fromEntries([...this.getModuleIds()].filter(id => id.startsWith(dist + '/') && !external.has(id)).sort()
        .map(id => [relative(dist, id), createHash('sha1').update(readFileSync(id)).digest('hex')]))
      const index = { entries: files, external: [...external].map(path => relative(dist, path)).sort(), modules }
      this.emitFile({ type: 'asset', fileName: 'download.json', source: JSON.stringify(index, null, 2) + '\n' })
    }
  },
  input: Object.fromEntries(Object.entries(ENTRIES).map(([name, path]) => [name, join(dist, path)])),
  // The DHT library (left out by --no-dht at run time), and the native addons' packages.
  external: ['bittorrent-dht', 'utp-native', 'fs-native-extensions'],
  define: { __filename: 'import.meta.filename', __dirname: 'import.meta.dirname' },
  ssr: { noExternal: true },
  // The bundle holds webtorrent and about a hundred packages under it: their licenses go
  // beside it, as dist/vendor's do (dist/ is in package.json's "files").
  build: { license: { fileName: 'LICENSES.md' } }
}))
