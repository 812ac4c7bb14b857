// aria2c (a real, independent BitTorrent client) downloads an episode from a
// `seedcast seed` process over TCP on 127.0.0.1, with a tracker started here; then a
// rate-limited leecher stays connected long enough for `seedcast peers` to show it.
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createClient, closeClient } from '../../src/swarm/client.js'
import { readStatuses } from '../../src/swarm/status-file.js'
import { createTorrent } from '../../src/torrent/create.js'
import { binPath, repoRoot, runCli, runCliJson } from '../helpers/cli.js'
import { startJsonProcess, waitForLines, within } from '../helpers/json-process.js'
import { aria2Download } from '../helpers/aria2.js'
import { tempDir } from '../helpers/tmp.js'
import { startTracker } from '../helpers/tracker.js'

const episode = join(repoRoot, 'fixtures', 'episode.mp3')

/** Waits (at most `ms`) until a seeder's status file under `state` lists a connected peer. */
async function waitForStatusPeer (state: string, ms: number): Promise<void> {
  const hasPeer = async () => (await readStatuses(state)).some(status => status.torrents.some(torrent => torrent.peerList.length > 0))
  for (const deadline = Date.now() + ms; !(await hasPeer());) {
    if (Date.now() > deadline) throw new Error(`no peer in the status file within ${ms} ms`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}
const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

type Line = Record<string, any>

/** `seedcast seed ... --json` in a child process, its events as they come. */
function startSeeder (args: string[]): { lines: Line[], waitFor: (test: (line: Line) => boolean, ms: number) => Promise<Line>, stop: () => Promise<number | null> } {
  const proc = startJsonProcess([binPath, 'seed', ...args, '--json'])
  cleanups.push(proc.kill)
  return {
    lines: proc.lines,
    waitFor: async (test, ms) => {
      await waitForLines('seeder: a matching event', ms, () => proc.lines.some(test), [proc]).catch((error: Error) => {
        throw new Error(`${error.message}; stderr: ${proc.stderr()}; events: ${JSON.stringify(proc.lines)}`)
      })
      return proc.lines.find(test)!
    },
    stop: async () => { proc.child.kill('SIGTERM'); return (await within(proc.exited, 15_000, 'seeder stop')).code }
  }
}

describe('seedcast seed with real peers', () => {
  it('aria2c downloads a seedcast-seeded episode and the bytes match', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const tracker = await startTracker()
    cleanups.push(tracker.close)
    const media = join(tmp.path, 'media')
    await mkdir(media)
    await copyFile(episode, join(media, 'episode.mp3'))
    const { torrent } = await createTorrent(join(media, 'episode.mp3'), { announce: [[tracker.httpUrl]], pieceLength: 16384 })
    const torrentPath = join(tmp.path, 'episode.torrent')
    await writeFile(torrentPath, torrent)

    const seeder = startSeeder([torrentPath, '--data', media, '--no-dht', '--no-lsd', '--state', join(tmp.path, 'state')])
    const seeding = await seeder.waitFor(line => line.event === 'seeding', 20_000)
    expect(seeding).toMatchObject({ name: 'episode.mp3', resumed: false, dataPath: media })
    expect(seeding.hashedPieces).toBe(seeding.pieces)

    const out = join(tmp.path, 'aria2')
    // Asynchronously: the tracker runs in this process and must keep answering.
    const aria = await aria2Download(torrentPath, out, 45_000)
    expect(aria.code, aria.output).toBe(0)
    expect(Buffer.compare(await readFile(join(out, 'episode.mp3')), await readFile(episode))).toBe(0)

    const peer = await seeder.waitFor(line => line.event === 'peer' && line.action === 'connected', 5_000)
    expect(peer).toMatchObject({ transport: 'tcp', name: 'episode.mp3' })
    expect(peer.address).toMatch(/^127\.0\.0\.1:\d+$/)
    expect(await seeder.stop()).toBe(0)
    const stopped = seeder.lines.find(line => line.event === 'stopped')!
    expect(stopped.uploaded).toBeGreaterThanOrEqual((await readFile(episode)).length)
  })

  it('--upload-limit caps what aria2c gets', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const tracker = await startTracker()
    cleanups.push(tracker.close)
    await copyFile(episode, join(tmp.path, 'episode.mp3'))
    const { torrent, length } = await createTorrent(join(tmp.path, 'episode.mp3'), { announce: [[tracker.httpUrl]], pieceLength: 16384 })
    const torrentPath = join(tmp.path, 'episode.torrent')
    await writeFile(torrentPath, torrent)
    const seeder = startSeeder([torrentPath, '--upload-limit', '64k', '--max-conns', '5', '--no-dht', '--no-lsd', '--state', join(tmp.path, 'state')])
    await seeder.waitFor(line => line.event === 'seeding', 20_000)
    const started = performance.now()
    const out = join(tmp.path, 'aria2')
    const aria = await aria2Download(torrentPath, out, 45_000)
    const seconds = (performance.now() - started) / 1000
    expect(aria.code, aria.output).toBe(0)
    expect(Buffer.compare(await readFile(join(out, 'episode.mp3')), await readFile(episode))).toBe(0)
    // 287 KiB at 64 KiB/s takes about 4.5 s; unlimited it takes aria2c's ~1 s start-up.
    expect(seconds).toBeGreaterThan(length / (64 * 1024) * 0.6)
    console.log(`upload limit 64 KiB/s: aria2c took ${seconds.toFixed(1)} s for ${(length / 1024).toFixed(0)} KiB`)
    expect(await seeder.stop()).toBe(0)
  })

  it('seedcast peers shows a connected leecher by transport', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const tracker = await startTracker()
    cleanups.push(tracker.close)
    await copyFile(episode, join(tmp.path, 'episode.mp3'))
    const { torrent, infoHash, length } = await createTorrent(join(tmp.path, 'episode.mp3'), { announce: [[tracker.httpUrl]], pieceLength: 16384 })
    const torrentPath = join(tmp.path, 'episode.torrent')
    await writeFile(torrentPath, torrent)
    const state = join(tmp.path, 'state')
    // Data next to the .torrent (no --data).
    const seeder = startSeeder([torrentPath, '--no-dht', '--no-lsd', '--no-utp', '--state', state])
    await seeder.waitFor(line => line.event === 'seeding', 20_000)

    // A slow leecher (16 KiB/s) stays connected while we look.
    const leechDir = join(tmp.path, 'leech')
    await mkdir(leechDir)
    const leecher = createClient({ dht: false, lsd: false, utp: false, downloadLimit: 16 * 1024, webrtc: false })
    cleanups.push(() => closeClient(leecher))
    leecher.add(torrent, { path: leechDir })
    await seeder.waitFor(line => line.event === 'peer' && line.action === 'connected', 20_000)
    await seeder.waitFor(line => line.event === 'stats' && line.peers > 0, 5_000)
    // The status file (rewritten every second) names the leecher: wait for that, at most 5 s.
    await waitForStatusPeer(state, 5_000)

    const { result, json } = await runCliJson(['peers', torrentPath, '--state', state])
    expect(result.code).toBe(0)
    expect(json).toMatchObject({ infoHash, name: 'episode.mp3', byTransport: { tcp: 1 } })
    expect(json.peers[0]).toMatchObject({ transport: 'tcp' })
    expect(json.peers[0].address).toMatch(/^127\.0\.0\.1:\d+$/)
    const byHash = await runCliJson(['peers', infoHash, '--state', state])
    expect(byHash.json.infoHash).toBe(infoHash)
    const text = await runCli(['peers', infoHash, '--state', state])
    expect(text.code).toBe(0)
    expect(text.stdout).toContain('episode.mp3 (' + infoHash + '): 1 peer,')
    expect(text.stdout).toContain('by transport: tcp 1\n')
    expect(text.stdout).toMatch(/^ {2}tcp {5}127\.0\.0\.1:\d+/m)
    expect(length).toBeGreaterThan(16 * 1024 * 4)

    expect(await seeder.stop()).toBe(0)
    const after = await runCliJson(['peers', infoHash, '--state', state])
    expect(after.result.code).toBe(1)
    expect(after.json.error.message).toContain('no running seeder')
  })
})
