// One --upload-limit for the whole seed box, though it uploads from two processes: the
// seeder (TCP, uTP) and its WebRTC child. A `seedcast seed --upload-limit 256k` of two
// torrents serves a WebRTC leecher (seedcast's client, through a ws:// tracker only) of the
// smaller one alone, then that leecher and aria2c (TCP, through the http tracker) of the
// larger one at once, then, the smaller one done, aria2c alone. From the
// seeder's own byte counts (its 'stats' lines, the WebRTC child's bytes folded in):
// - the whole run stays within the limit (before, each process had the whole limit:
//   twice the limit while both transports were busy);
// - while both transports upload, together they stay within the limit;
// - either transport alone uploads at nearly the whole limit (not a fixed half).
// The bounds are the limit's, with generous tolerance; slowness of the code would only
// make the bounds on the limit easier to meet.
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createTorrent } from '../../src/torrent/create.js'
import { aria2Download } from '../helpers/aria2.js'
import { binPath } from '../helpers/cli.js'
import { startJsonProcess, waitForLines, within, type JsonProcess } from '../helpers/json-process.js'
import { tempDir } from '../helpers/tmp.js'
import { startTracker } from '../helpers/tracker.js'
import { startWebRtcLeecher } from '../helpers/webrtc-leecher.js'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

const LIMIT = 256 * 1024
/** The WebRTC leecher's torrent, and aria2c's (larger: it is still downloading when the other is done). */
const WEBRTC_SIZE = 3 * 1024 * 1024
const TCP_SIZE = 5 * 1024 * 1024
const MiB = 1024 * 1024

/** A seeder 'stats' line with the time the test read it (performance.now(), ms). */
interface Sample { at: number, tcp: number, webrtc: number }

/** Records every 'stats' line of `proc` with its arrival time. */
function sampleStats (proc: JsonProcess): Sample[] {
  const samples: Sample[] = []
  let seen = 0
  // Runs after startJsonProcess's own listener has parsed the chunk's lines.
  proc.child.stdout!.on('data', () => {
    const at = performance.now()
    for (; seen < proc.lines.length; seen++) {
      const line = proc.lines[seen]!
      if (line.event === 'stats') samples.push({ at, tcp: line.uploadedByTransport.tcp, webrtc: line.uploadedByTransport.webrtc })
    }
  })
  return samples
}

/** Bytes per second of `pick` between two samples. */
function rate (from: Sample, to: Sample, pick: (sample: Sample) => number): number {
  return (pick(to) - pick(from)) / ((to.at - from.at) / 1000)
}

const total = (sample: Sample) => sample.tcp + sample.webrtc
const kib = (bytesPerSecond: number) => `${Math.round(bytesPerSecond / 1024)} KiB/s`

describe('--upload-limit is one limit for the seeder and its WebRTC child', () => {
  it('aria2c over TCP and a WebRTC leecher at once get the limit together; either alone gets nearly all of it', async () => {
    const tmp = await tempDir('seedcast-upload-limit-')
    cleanups.push(tmp.cleanup)
    const tracker = await startTracker({ http: true, ws: true, interval: 60_000 })
    cleanups.push(tracker.close)
    const seedDir = join(tmp.path, 'seed')
    await mkdir(seedDir)
    const makeTorrent = async (name: string, size: number) => {
      const data = randomBytes(size)
      await writeFile(join(seedDir, `${name}.bin`), data)
      const { torrent, infoHash } = await createTorrent(join(seedDir, `${name}.bin`), { announce: [[tracker.httpUrl], [tracker.wsUrl]], pieceLength: 32768 })
      const torrentPath = join(seedDir, `${name}.torrent`)
      await writeFile(torrentPath, torrent)
      return { data, infoHash, torrentPath }
    }
    const forWebRtc = await makeTorrent('webrtc', WEBRTC_SIZE)
    const forTcp = await makeTorrent('tcp', TCP_SIZE)

    const seeder = startJsonProcess([binPath, 'seed', forWebRtc.torrentPath, forTcp.torrentPath, '--upload-limit', '256k', '--no-dht', '--no-lsd', '--no-utp', '--ice-server', 'none', '--state', join(tmp.path, 'state'), '--json'])
    cleanups.push(seeder.kill)
    const samples = sampleStats(seeder)
    await waitForLines('the seeder seeding both', 30_000, () => seeder.lines.filter(line => line.event === 'seeding').length === 2, [seeder])
    expect(seeder.lines.find(line => line.event === 'started')!.peers.uploadLimit).toBe(LIMIT)
    const last = () => samples.at(-1)
    const when = async (what: string, test: (sample: Sample) => boolean, alive: JsonProcess[], ms = 60_000): Promise<Sample> => {
      await waitForLines(what, ms, () => last() !== undefined && test(last()!), alive)
      return last()!
    }

    // 1. The WebRTC leecher alone (a magnet naming only the ws:// tracker: WebRTC is its only way in).
    const webrtcDir = join(tmp.path, 'webrtc')
    await mkdir(webrtcDir)
    const leecher = startWebRtcLeecher(`magnet:?xt=urn:btih:${forWebRtc.infoHash}&tr=${encodeURIComponent(tracker.wsUrl)}`, webrtcDir)
    cleanups.push(leecher.kill)
    const webrtcFrom = await when('the WebRTC leecher past its first 0.5 MiB', s => s.webrtc >= 0.5 * MiB, [seeder, leecher])
    const webrtcTo = await when('the WebRTC leecher past 1.5 MiB', s => s.webrtc >= 1.5 * MiB, [seeder, leecher])
    const webrtcAlone = rate(webrtcFrom, webrtcTo, s => s.webrtc)

    // 2. aria2c joins over TCP while the WebRTC leecher is at half.
    const ariaDir = join(tmp.path, 'aria2')
    const aria = aria2Download(forTcp.torrentPath, ariaDir, 120_000)
    const bothFrom = await when('aria2c downloading', s => s.tcp >= 128 * 1024, [seeder, leecher])
    // Some left for the WebRTC leecher: several seconds of both at once.
    expect(bothFrom.webrtc).toBeLessThan(WEBRTC_SIZE - 512 * 1024)
    const bothTo = await when('the WebRTC leecher done', s => s.webrtc >= WEBRTC_SIZE, [seeder, leecher])
    expect(bothTo.tcp).toBeLessThan(TCP_SIZE - 512 * 1024)
    const both = rate(bothFrom, bothTo, total)
    const tcpShare = rate(bothFrom, bothTo, s => s.tcp)
    const webrtcShare = rate(bothFrom, bothTo, s => s.webrtc)

    // 3. aria2c alone, from a second after the WebRTC leecher finished to its last 256 KiB.
    const tcpFrom = await when('a second of aria2c alone', s => s.at >= bothTo.at + 1_000, [seeder])
    const tcpTo = await when('aria2c nearly done', s => s.tcp >= TCP_SIZE - 256 * 1024, [seeder])
    const tcpAlone = rate(tcpFrom, tcpTo, s => s.tcp)
    const ariaResult = await aria
    expect(ariaResult.code, ariaResult.output).toBe(0)
    expect(Buffer.compare(await readFile(join(ariaDir, 'tcp.bin')), forTcp.data)).toBe(0)
    await waitForLines('the WebRTC leecher done', 10_000, () => leecher.lines.some(line => line.event === 'done'), [leecher])
    expect(Buffer.compare(await readFile(join(webrtcDir, 'webrtc.bin')), forWebRtc.data)).toBe(0)
    expect(new Set(leecher.lines.filter(line => line.event === 'wire').map(line => line.type))).toEqual(new Set(['webrtc']))

    const first = samples.find(s => total(s) > 0)!
    const end = await when('aria2c done', s => s.tcp >= TCP_SIZE, [seeder])
    const overall = rate(first, end, total)
    console.log(`--upload-limit ${kib(LIMIT)}: WebRTC alone ${kib(webrtcAlone)} over ${((webrtcTo.at - webrtcFrom.at) / 1000).toFixed(1)} s; ` +
      `both ${kib(both)} (TCP ${kib(tcpShare)}, WebRTC ${kib(webrtcShare)}) over ${((bothTo.at - bothFrom.at) / 1000).toFixed(1)} s; ` +
      `TCP alone ${kib(tcpAlone)} over ${((tcpTo.at - tcpFrom.at) / 1000).toFixed(1)} s; whole run ${kib(overall)} (${((total(end) - total(first)) / MiB).toFixed(2)} MiB in ${((end.at - first.at) / 1000).toFixed(1)} s)`)

    // Within the limit: over the whole run (one second of token-bucket burst allowed) and while both upload.
    expect(total(end) - total(first)).toBeLessThanOrEqual(LIMIT * 1.15 * (end.at - first.at) / 1000 + LIMIT)
    expect(both).toBeLessThanOrEqual(LIMIT * 1.25)
    // Both transports served meanwhile.
    expect(tcpShare).toBeGreaterThan(LIMIT * 0.1)
    expect(webrtcShare).toBeGreaterThan(LIMIT * 0.1)
    // Either alone gets more than a fixed half of the limit would give (it gets 95 %).
    expect(webrtcAlone).toBeGreaterThan(LIMIT * 0.65)
    expect(tcpAlone).toBeGreaterThan(LIMIT * 0.65)

    // The 'stopped' totals hold both transports' bytes and the child's fast-path counts.
    leecher.child.kill('SIGTERM')
    seeder.child.kill('SIGTERM')
    expect(await within(seeder.exited, 15_000, 'seeder stop')).toEqual({ code: 0, signal: null })
    const stopped = seeder.lines.find(line => line.event === 'stopped')!
    expect(stopped.uploadedByTransport.tcp).toBeGreaterThanOrEqual(TCP_SIZE)
    expect(stopped.uploadedByTransport.webrtc).toBeGreaterThanOrEqual(WEBRTC_SIZE)
    expect(stopped.uploaded).toBe(stopped.uploadedByTransport.tcp + stopped.uploadedByTransport.webrtc)
    // Pieces to WebRTC peers go the library's way (in the child), those to aria2c framed (here).
    expect(stopped.fastPaths.unframedPieces).toBeGreaterThanOrEqual(WEBRTC_SIZE / 16384)
    expect(stopped.fastPaths.framedPieces).toBeGreaterThan(0)
  }, 180_000)
})
