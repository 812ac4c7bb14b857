// `seedcast peers` counts each real peer once: aria2c over TCP and libtorrent over uTP
// leech (slowly, so they stay connected) from a `seedcast seed` whose torrent names a web
// seed. The seeder's own connection to that web seed was listed as a 'webSeed' peer, and a
// libtorrent uTP connection stayed listed after libtorrent had closed it (its FIN carries an
// extension utp-native's libutp drops; see webtorrent-internals.ts): a peer that had left
// was still counted, and a peer reached over two addresses was counted twice.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { readStatuses } from '../../src/swarm/status-file.js'
import { createTorrent } from '../../src/torrent/create.js'
import { ARIA2_LISTEN_PORTS } from '../helpers/aria2.js'
import { binPath, runCli, runCliJson } from '../helpers/cli.js'
import { startJsonProcess, waitForLines, within } from '../helpers/json-process.js'
import { startLibtorrentLeecher } from '../helpers/libtorrent.js'
import { tempDir } from '../helpers/tmp.js'
import { startTracker } from '../helpers/tracker.js'
import { startWebSeed, stopProcess } from './get-helpers.js'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

/** Both leechers take at most this many bytes a second: 2 MiB lasts them minutes. */
const LEECH_LIMIT = 16 * 1024

type Line = Record<string, any>

/** `seedcast seed` (uTP on) of 2 MiB whose torrent names a live web seed, with a tracker; resolves once seeding. */
async function seedTwoMiB (): Promise<{ seeder: ReturnType<typeof startJsonProcess>, port: number, torrentPath: string, directPath: string, infoHash: string, state: string, dir: string }> {
  const tmp = await tempDir()
  cleanups.push(tmp.cleanup)
  const tracker = await startTracker({ ws: false, interval: 2_000 })
  cleanups.push(tracker.close)
  const media = join(tmp.path, 'media')
  await mkdir(media)
  await writeFile(join(media, 'episode.bin'), randomBytes(2 * 1024 * 1024))
  const webSeed = await startWebSeed(join(media, 'episode.bin'), 'episode.bin', { bytesPerSecond: LEECH_LIMIT })
  cleanups.push(webSeed.close)
  const { torrent, infoHash } = await createTorrent(join(media, 'episode.bin'), { announce: [[tracker.httpUrl]], webSeeds: [webSeed.url], pieceLength: 16384 })
  const torrentPath = join(tmp.path, 'episode.torrent')
  await writeFile(torrentPath, torrent)
  // libtorrent gets the same torrent without the tracker and dials the seeder itself: told of
  // each other by the tracker, both sides would dial at once, and which of the two
  // connections survives is a race between WebTorrent (first one wins) and libtorrent
  // (the one dialled by the greater peer id wins) that can leave neither for a while.
  const direct = await createTorrent(join(media, 'episode.bin'), { announce: [], pieceLength: 16384 })
  expect(direct.infoHash).toBe(infoHash)
  const directPath = join(tmp.path, 'direct.torrent')
  await writeFile(directPath, direct.torrent)
  const state = join(tmp.path, 'state')
  const seeder = startJsonProcess([binPath, 'seed', torrentPath, '--data', media, '--no-dht', '--no-lsd', '--state', state, '--json'])
  cleanups.push(seeder.kill)
  await waitForLines('seeder: seeding', 20_000, () => seeder.lines.some(line => line.event === 'seeding'), [seeder])
  const started = seeder.lines.find(line => line.event === 'started')!
  expect(started.peers).toMatchObject({ utp: true })
  return { seeder, port: started.port, torrentPath, directPath, infoHash, state, dir: tmp.path }
}

/** The peers the seeders' status files list (rewritten every second). */
async function statusPeers (state: string): Promise<Array<{ transport: string, address?: string }>> {
  return (await readStatuses(state)).flatMap(status => status.torrents.flatMap(entry => entry.peerList))
}

async function waitForStatus (state: string, what: string, test: (peers: Array<{ transport: string, address?: string }>) => boolean, ms: number): Promise<void> {
  for (const deadline = Date.now() + ms; !test(await statusPeers(state));) {
    if (Date.now() > deadline) throw new Error(`${what}: not in the status file within ${ms} ms (it lists ${JSON.stringify(await statusPeers(state))})`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

const peerEvents = (lines: Line[], action: string, address: string) => lines.filter(line => line.event === 'peer' && line.action === action && line.address === address)

describe('seedcast peers', () => {
  it('lists one aria2c (tcp) and one libtorrent (utp) leecher, and not the web seed', async () => {
    const { seeder, port, torrentPath, directPath, infoHash, state, dir } = await seedTwoMiB()
    const ariaDir = join(dir, 'aria2')
    const aria = spawn('aria2c', ['--enable-dht=false', '--enable-dht6=false', '--bt-enable-lpd=false', '--enable-peer-exchange=false',
      `--listen-port=${ARIA2_LISTEN_PORTS}`, `--max-download-limit=${LEECH_LIMIT}`, '--seed-time=0', '--console-log-level=warn',
      '--summary-interval=0', '--file-allocation=none', '--dir', ariaDir, torrentPath], { stdio: 'ignore' })
    cleanups.push(() => stopProcess(aria))
    const leechDir = join(dir, 'libtorrent')
    await mkdir(leechDir)
    const libtorrent = await startLibtorrentLeecher(directPath, leechDir, port, { transport: 'utp', downloadLimit: LEECH_LIMIT })
    cleanups.push(libtorrent.stop)
    await waitForStatus(state, 'aria2c and libtorrent', peers => peers.some(peer => peer.transport === 'tcp') && peers.some(peer => peer.transport === 'utp'), 30_000)

    const { result, json } = await runCliJson(['peers', torrentPath, '--state', state])
    expect(result.code, result.stderr).toBe(0)
    // On a failure, the seeder's connection history says which extra connection was counted.
    const history = () => JSON.stringify(seeder.lines.filter(line => line.event === 'peer'))
    expect(json.byTransport, history()).toEqual({ tcp: 1, utp: 1 })
    expect(json.peers.map((peer: { transport: string }) => peer.transport).sort()).toEqual(['tcp', 'utp'])
    expect(json.peers.find((peer: { transport: string }) => peer.transport === 'utp').address).toBe(`127.0.0.1:${libtorrent.port}`)
    expect(json.peers.find((peer: { transport: string }) => peer.transport === 'tcp').address).toMatch(/^127\.0\.0\.1:\d+$/)
    const text = await runCli(['peers', infoHash, '--state', state])
    expect(text.stdout, history()).toContain(`episode.bin (${infoHash}): 2 peers,`)
    expect(text.stdout, history()).toContain('by transport: tcp 1, utp 1\n')

    // The seeder's own figures agree: its next stats line counts two peers, none a web seed.
    const statsSeen = seeder.lines.length
    await waitForLines('seeder: a stats line', 5_000, () => seeder.lines.slice(statsSeen).some(line => line.event === 'stats'), [seeder])
    const stats = seeder.lines.slice(statsSeen).find(line => line.event === 'stats')!
    expect(stats.peers, history()).toBe(2)
    expect(stats.torrents[0].peersByTransport).toEqual({ tcp: 1, utp: 1, webrtc: 0, webSeed: 0 })
    expect(seeder.lines.filter(line => line.event === 'peer' && line.transport === 'webSeed')).toEqual([])

    seeder.child.kill('SIGTERM')
    expect((await within(seeder.exited, 15_000, 'seeder stop')).code).toBe(0)
  })

  it('drops a libtorrent uTP peer as soon as it leaves', async () => {
    const { seeder, port, directPath, state, dir } = await seedTwoMiB()
    const leechDir = join(dir, 'libtorrent')
    await mkdir(leechDir)
    const libtorrent = await startLibtorrentLeecher(directPath, leechDir, port, { transport: 'utp', downloadLimit: LEECH_LIMIT })
    cleanups.push(libtorrent.stop)
    const address = `127.0.0.1:${libtorrent.port}`
    await waitForLines('seeder: libtorrent connected', 20_000, () => peerEvents(seeder.lines, 'connected', address).length > 0, [seeder])
    libtorrent.leave()
    // libtorrent closes with a FIN at once; the seeder used to keep the connection until a keep-alive drew a RESET.
    await waitForLines('seeder: libtorrent gone', 10_000, () => peerEvents(seeder.lines, 'disconnected', address).length > 0, [seeder])
    await waitForStatus(state, 'no peer', peers => peers.length === 0, 5_000)
    seeder.child.kill('SIGTERM')
    expect((await within(seeder.exited, 15_000, 'seeder stop')).code).toBe(0)
    expect(seeder.lines.find(line => line.event === 'stopped')!.fastPaths.unreadUtpFins).toBeGreaterThan(0)
  })
})
