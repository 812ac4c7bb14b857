#!/usr/bin/env node
// The seedcast CLI. Commands live in ../commands (compiled to ../dist/commands);
// `npm ci` builds them through the `prepare` script.
import { statSync } from 'node:fs'
import module from 'node:module'
import { homedir, tmpdir } from 'node:os'
import { fileURLToPath } from 'node:url'

// seedcast's dependencies (webtorrent, music-metadata, oclif) need Node 22 or newer. An
// older Node gets one line and exit 1 here, before oclif would warn on every command and
// a dependency would fail later with a less clear error.
const MINIMUM_NODE = 22
if (Number(process.versions.node.split('.')[0]) < MINIMUM_NODE) {
  process.stderr.write(`seedcast: Node ${process.versions.node} is too old, seedcast needs Node ${MINIMUM_NODE} or newer (put a newer node first on PATH, or run \`npx seedcast\` inside the clone, which uses its own Node 24; see README "Installing")\n`)
  process.exit(1)
}

// Node's on-disk compile cache saves parsing time on every later run, which matters for
// short commands run from scripts (`seedcast info`: 40 ms of 150 ms CPU). Enabled before
// anything else is imported, so it covers all. In the user's own cache folder: Node's
// default, os.tmpdir()/node-compile-cache, belongs to whichever user ran Node there first,
// and for every other user the cache silently failed ("permission denied"); it also goes
// with /tmp at each reboot. A NODE_COMPILE_CACHE of the user's own is left as it is.
if (module.enableCompileCache && !process.env.NODE_COMPILE_CACHE) {
  const cacheHome = process.env.XDG_CACHE_HOME || `${process.env.HOME || homedir()}/.cache`
  let base = `${cacheHome}/seedcast/compile-cache`
  if (module.enableCompileCache(base).status === module.constants.compileCacheStatus.FAILED) {
    base = `${tmpdir()}/seedcast-compile-cache-${process.getuid?.() ?? 'user'}`
    module.enableCompileCache(base)
  }
  // Node never deletes from it (a folder per Node version, a file per script path: each
  // upgrade adds more). Once a day a detached process bounds it (cli/compile-cache-prune.ts);
  // the check is one stat of the marker.
  const current = module.getCompileCacheDir()
  if (current) {
    const marker = `${base}/last-pruned`
    let due = true
    try { due = Date.now() - statSync(marker).mtimeMs > 24 * 60 * 60 * 1000 } catch { /* never pruned */ }
    if (due) {
      Promise.all([import('../dist/cli/compile-cache-prune.js'), import('node:child_process')]).then(([{ markPruned }, { spawn }]) => {
        markPruned(marker)
        spawn(process.execPath, [fileURLToPath(new URL('../dist/cli/compile-cache-prune.js', import.meta.url)), base, current], { detached: true, stdio: 'ignore' }).unref()
      }).catch(() => {})
    }
  }
}

const root = new URL('..', import.meta.url)
// `seedcast help [COMMAND...]` is `seedcast [COMMAND...] --help`, as with git and npm (oclif
// has no help command without its help plugin: "command help not found").
if (process.argv[2] === 'help') process.argv = [...process.argv.slice(0, 2), ...process.argv.slice(3), '--help']
const argv = process.argv.slice(2)

// For a command that hashes a large input, the hash worker's thread starts first of all
// (cli/hashing-command.ts): its isolate boots on the other core while this thread loads
// the command. Only a guess from argv; the command adopts the thread.
import('../dist/cli/hashing-command.js').then(({ startHashWorkerFor }) => startHashWorkerFor(argv)).catch(() => {})

// Not a top-level await: oclif may end the process itself (--help, exit codes), and Node
// warns about an unsettled top-level await when that happens.
// --version and the help pages rendered at build time are answered with Node's own modules
// only (quick-answer); other help from the committed manifest without oclif's plugin
// loading (fast-start), and so are the one-shot commands (create, publish, info, episodes
// list...) and seed (fastRun: the command class from the manifest's path, run as oclif runs it);
// everything else, and anything these cannot answer exactly as oclif would, goes to oclif.
const rootPath = decodeURIComponent(root.pathname)
import('../dist/cli/quick-answer.js')
  .then(({ quickAnswer }) => quickAnswer(argv, rootPath))
  .catch(() => false)
  // Past the pre-rendered answers, a command will load: its heavy dependencies (oclif,
  // feedsmith, zod, music-metadata...) come from their bundles in dist/vendor
  // (cli/bundled-deps.ts), for every path below, oclif's own run too, and fastRun takes the
  // one-shot commands from dist/bundle; not for the long-running commands.
  .then(handled => handled || import('../dist/cli/bundled-deps.js')
    .then(({ bundlesFor, useBundledDependencies }) => bundlesFor(argv) ? useBundledDependencies(rootPath) : [])
    .catch(() => [])
    .then(() => false))
  .then(handled => handled || import('../dist/cli/fast-start.js')
    .then(async ({ fastStart, fastRun, warmUpFor, answerNotACommand }) => {
      await warmUpFor(argv, rootPath)
      return await fastStart(argv, rootPath, { cache: false }) || await fastRun(argv, rootPath) || answerNotACommand(argv, rootPath)
    })
    .catch(() => false))
  .then(handled => handled || import('@oclif/core').then(({ execute }) => execute({ dir: import.meta.url })))
  .catch((error) => {
    process.stderr.write(`seedcast: ${error?.message ?? error}\n`)
    process.exitCode = 1
  })
