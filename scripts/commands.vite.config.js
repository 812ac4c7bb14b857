// The CLI's one-shot commands bundled (dist/bundle/, code-split): the command modules of
// dist/commands with the modules of dist/src and dist/cli they import, in a few files instead
// of about 80 (`seedcast publish`: importing the command took about 116 ms of CPU from its
// modules, 91 from a bundle). Run by `npm run build`, after tsc; bin/run.js's fast path
// imports a command from here when dist/bundle/commands.json names it (cli/bundled-deps.ts).
// Left out of the bundle (imported from dist/ as they are, through `seedcast-dist:` specifiers
// the CLI's resolve hook maps back): the modules the CLI loads before the command (bin/run.js's
// fast start, and the early hashing and copying it starts: one copy of each, shared with the
// command), the modules that find files beside themselves from import.meta.url, the modules
// given their own bundles of a package's names (cli/bundled-deps.ts SEPARATE_IMPORTERS: the
// CLI's resolve hook tells them apart by their URL), and everything these import.
// Third-party packages stay bare imports (their bundles in dist/vendor, or the packages). The
// long-running commands are not bundled, nor get (its own bundle).
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { defineConfig } from 'vite'
import { nodeBundleConfig, relativeImportClosure, root } from './node-bundle.js'
import { bundlesFor, DIST_SPECIFIER, SEPARATE_IMPORTERS } from '../dist/cli/bundled-deps.js'
import { FAST_RUN_COMMANDS } from '../dist/cli/fast-start.js'

const dist = join(root, 'dist')

/**
 * The commands bundled: those bin/run.js's fast path runs, but the long-running ones, and get,
 * whose command stays in dist/commands (scripts/download.vite.config.js bundles what it loads
 * after its flags, leaving out the modules the command loads itself: one copy of each).
 */
export const BUNDLED_COMMANDS = [...FAST_RUN_COMMANDS].filter(id => bundlesFor(id.split(':')) && id !== 'get').sort()
const entryOf = id => `commands/${id.replaceAll(':', '/')}`
const manifest = JSON.parse(readFileSync(join(root, 'oclif.manifest.json'), 'utf8'))
const input = Object.fromEntries(BUNDLED_COMMANDS.map(id => [entryOf(id), join(root, ...manifest.commands[id].relativePath)]))

// What bin/run.js loads before the command, every module of the commands' graph that reads
// import.meta (files beside itself, its own source), and SEPARATE_IMPORTERS, with what they import.
const BEFORE_THE_COMMAND = ['cli/fast-start.js', 'cli/bundled-deps.js', 'cli/quick-answer.js', 'cli/hashing-command.js'].map(path => join(dist, path))
const selfLocating = [...relativeImportClosure(Object.values(input), { dynamic: true })].filter(file => readFileSync(file, 'utf8').includes('import.meta'))
export const external = relativeImportClosure([...BEFORE_THE_COMMAND, ...selfLocating, ...SEPARATE_IMPORTERS.map(path => join(dist, path))], { dynamic: true })

export default defineConfig(nodeBundleConfig({
  outDir: 'dist/bundle',
  plugin: {
    name: 'seedcast-command-bundle',
    enforce: 'pre',
    resolveId (source, importer) {
      if (!source.startsWith('.') || importer === undefined) return undefined
      const path = resolve(dirname(importer), source)
      return external.has(path) ? { id: `${DIST_SPECIFIER}${relative(dist, path)}`, external: true } : undefined
    },
    generateBundle (_options, bundle) {
      const files = new Map(Object.values(bundle).filter(chunk => chunk.type === 'chunk' && chunk.isEntry).map(chunk => [chunk.name, chunk.fileName]))
      const commands = Object.fromEntries(BUNDLED_COMMANDS.map(id => {
        if (!files.has(entryOf(id))) throw new Error(`no bundle was made for the command ${id}`)
        return [id, files.get(entryOf(id))]
      }))
      // Each module bundled, with the SHA-1 of the file it was bundled from: the test finds a
      // bundle older than the modules it holds (test/unit/bundled-deps.test.ts).
      const modules = Object.fromEntries([...this.getModuleIds()].filter(id => id.startsWith(dist + '/')).sort()
        .map(id => [relative(dist, id), createHash('sha1').update(readFileSync(id)).digest('hex')]))
      const index = { commands, external: [...external].map(path => relative(dist, path)).sort(), modules }
      this.emitFile({ type: 'asset', fileName: 'commands.json', source: JSON.stringify(index, null, 2) + '\n' })
    }
  },
  input,
  // Packages and Node's modules: left to Node (and the CLI's map to dist/vendor).
  external: source => !source.startsWith('.') && !source.startsWith('/') && !source.startsWith('\0')
}))
