// The real `seedcast seed` and `serve --seed` processes run against a bittorrent-protocol whose private
// `_message` has been renamed, as a dependency update could rename it: each must print
// exactly one `seedcast: warning: piece framing is off (…)` line on stderr and still seed
// (seed: aria2c gets every byte, nothing framed). Nothing in seedcast is told about the
// test: the process runs from a copy of the built CLI whose node_modules links to the
// repository's packages except bittorrent-protocol, which is a copy with the member
// renamed in its source (call sites included, so the library itself still works).
// `--preserve-symlinks` makes webtorrent, reached through that link, load the copy too.
import { copyFile, cp, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createTorrent } from '../../src/torrent/create.js'
import { aria2Download } from '../helpers/aria2.js'
import { repoRoot } from '../helpers/cli.js'
import { startJsonProcess, waitForLines, within } from '../helpers/json-process.js'
import { tempDir } from '../helpers/tmp.js'
import { startTracker } from '../helpers/tracker.js'
import { makePublishedShow } from './serve-helpers.js'

const FRAMING_OFF = 'seedcast: warning: piece framing is off (bittorrent-protocol Wire.prototype._message is missing in this version; each block goes out as two chunks: check the pinned versions of webtorrent and bittorrent-protocol)'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

/**
 * A runnable copy of the built CLI in `dir` (bin, dist, package.json, manifest) whose
 * node_modules links every package of the repository's but bittorrent-protocol, copied
 * with `member` renamed to `renamed` wherever its source names it. Returns the bin path.
 */
async function cliWithRenamedMember (dir: string, member: string, renamed: string): Promise<string> {
  for (const entry of ['bin', 'dist', 'package.json', 'oclif.manifest.json']) await cp(join(repoRoot, entry), join(dir, entry), { recursive: true })
  const modules = join(dir, 'node_modules')
  await mkdir(modules)
  for (const name of await readdir(join(repoRoot, 'node_modules'))) {
    if (name === 'bittorrent-protocol' || name === '.bin' || name.startsWith('.package-lock')) continue
    await symlink(join(repoRoot, 'node_modules', name), join(modules, name))
  }
  const library = join(modules, 'bittorrent-protocol')
  await cp(join(repoRoot, 'node_modules', 'bittorrent-protocol'), library, { recursive: true })
  const source = await readFile(join(library, 'index.js'), 'utf8')
  const pattern = new RegExp(`\\b${member}\\b`, 'g')
  expect(source.match(pattern)?.length ?? 0).toBeGreaterThan(1)
  await writeFile(join(library, 'index.js'), source.replace(pattern, renamed))
  return join(dir, 'bin', 'run.js')
}

/**
 * The copy's compile cache in its own temporary folder: in the user's (bin/run.js's default)
 * every run of this file added ~1,800 entries for a path that is gone after it.
 */
function ownCompileCache (dir: string): NodeJS.ProcessEnv {
  return { NODE_COMPILE_CACHE: join(dir, 'compile-cache') }
}

describe('seedcast seed with a WebTorrent internal renamed by an update', () => {
  it('prints one warning line naming the fast path that is off, and aria2c still gets every byte', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const tree = join(tmp.path, 'cli')
    await mkdir(tree)
    const bin = await cliWithRenamedMember(tree, '_message', '_sendMessage')

    const tracker = await startTracker({ ws: false, interval: 1_000 })
    cleanups.push(tracker.close)
    const media = join(tmp.path, 'media')
    await mkdir(media)
    const episode = join(repoRoot, 'fixtures', 'episode.mp3')
    await copyFile(episode, join(media, 'episode.mp3'))
    const { torrent } = await createTorrent(join(media, 'episode.mp3'), { announce: [[tracker.httpUrl]], pieceLength: 64 * 1024 })
    const torrentPath = join(tmp.path, 'episode.torrent')
    await writeFile(torrentPath, torrent)

    const seeder = startJsonProcess(['--preserve-symlinks', bin, 'seed', torrentPath, '--data', media, '--no-dht', '--no-lsd', '--no-utp', '--host', '127.0.0.1', '--state', join(tmp.path, 'state'), '--json'], ownCompileCache(tmp.path))
    cleanups.push(seeder.kill)
    await waitForLines('seeder: seeding', 20_000, () => seeder.lines.some(line => line.event === 'seeding'), [seeder])
    // seed prints it once seedTorrents has resolved, just after the 'seeding' events.
    await waitForLines('seeder: the warning line', 10_000, () => seeder.stderr().includes('\n'), [seeder])
    expect(seeder.stderr()).toBe(FRAMING_OFF + '\n')

    const aria = await aria2Download(torrentPath, join(tmp.path, 'aria2'), 45_000)
    expect(aria.code, aria.output).toBe(0)
    expect(Buffer.compare(await readFile(join(tmp.path, 'aria2', 'episode.mp3')), await readFile(episode))).toBe(0)

    seeder.child.kill('SIGTERM')
    expect((await within(seeder.exited, 15_000, 'seeder stop')).code).toBe(0)
    const stopped = seeder.lines.find(line => line.event === 'stopped')!
    // The slow path ran: no piece framed, while write batching (its members intact) did its work.
    expect(stopped.fastPaths.framedPieces).toBe(0)
    expect(stopped.fastPaths.batchedWrites).toBeGreaterThan(0)
    expect(seeder.stderr().split('\n').filter(line => line.startsWith('seedcast: warning:'))).toHaveLength(1)
  })

  it('serve --seed prints the same one line and seeds the show', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const tree = join(tmp.path, 'cli')
    await mkdir(tree)
    const bin = await cliWithRenamedMember(tree, '_message', '_sendMessage')
    const show = join(tmp.path, 'show')
    await makePublishedShow(show, 'http://127.0.0.1:8080/', ['episode.mp3'], 'Renamed Internals Show')
    const serve = startJsonProcess(['--preserve-symlinks', bin, 'serve', show, '--port', '0', '--seed', '--no-dht', '--host', '127.0.0.1', '--state', join(tmp.path, 'state'), '--json'], ownCompileCache(tmp.path))
    cleanups.push(serve.kill)
    await waitForLines('serve --seed: seeding', 30_000, () => serve.lines.some(line => line.event === 'seeding'), [serve])
    // serve prints it once seedTorrents has resolved, just after the first 'seeding' events.
    await waitForLines('serve --seed: the warning line', 10_000, () => serve.stderr().includes('seedcast: warning:'), [serve])
    serve.child.kill('SIGTERM')
    await within(serve.exited, 15_000, 'serve stop')
    expect(serve.stderr().split('\n').filter(line => line.startsWith('seedcast: warning:'))).toEqual([FRAMING_OFF])
  })
})
