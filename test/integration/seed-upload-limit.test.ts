// One --upload-limit for the whole seed box, though it uploads from two processes: the
// seeder (TCP, uTP) and its WebRTC child. A `seedcast seed --upload-limit 256k` of two
// torrents serves aria2c (TCP, through the http tracker) alone, then a WebRTC leecher
// (seedcast's client, through a ws:// tracker only) of the other torrent alone, then that
// leecher and a second aria2c at once. From the seeder's own byte counts (its 'stats'
// lines, the WebRTC child's bytes folded in):
// - the whole run stays within the limit (before, each process had the whole limit:
//   twice the limit while both transports were busy);
// - while both transports upload, together they stay within the limit;
// - either transport alone uploads at nearly the whole limit (not a fixed half).
// Generous tolerances: a slow machine only makes the upper bounds easier to meet; the
// lower ones ask a loopback transfer for 0.6 x 256 KiB/s.
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
/** The WebRTC leecher's torrent, and the one two aria2c runs download one after the other. */
const WEBRTC_SIZE = 4 * 1024 * 1024
const TCP_SIZE = 2 * 1024 * 1024
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

    // 1. aria2c alone over TCP (the seeder's own figures: fresh at every sample).
    const firstAria = aria2Download(forTcp.torrentPath, join(tmp.path, 'aria2-first'), 120_000)
    const tcpFrom = await when('aria2c past its first 256 KiB', s => s.tcp >= 256 * 1024, [seeder])
    const tcpTo = await when('aria2c past 1.75 MiB', s => s.tcp >= 1.75 * MiB, [seeder])
    const tcpAlone = rate(tcpFrom, tcpTo, s => s.tcp)
    const firstResult = await firstAria
    expect(firstResult.code, firstResult.output).toBe(0)
    expect(Buffer.compare(await readFile(join(tmp.path, 'aria2-first', 'tcp.bin')), forTcp.data)).toBe(0)

    // 2. The WebRTC leecher alone (a magnet naming only the ws:// tracker: WebRTC is its only
    // way in). Its bytes reach the seeder's figures from the child once a second: a window of
    // several seconds keeps that lag small against what it measures.
    const webrtcDir = join(tmp.path, 'webrtc')
    await mkdir(webrtcDir)
    const leecher = startWebRtcLeecher(`magnet:?xt=urn:btih:${forWebRtc.infoHash}&tr=${encodeURIComponent(tracker.wsUrl)}`, webrtcDir)
    cleanups.push(leecher.kill)
    const webrtcFrom = await when('the WebRTC leecher past its first 512 KiB', s => s.webrtc >= 512 * 1024, [seeder, leecher])
    const webrtcTo = await when('the WebRTC leecher past 1.5 MiB', s => s.webrtc >= 1.5 * MiB, [seeder, leecher])
    const webrtcAlone = rate(webrtcFrom, webrtcTo, s => s.webrtc)

    // 3. A second aria2c joins over TCP: both at once until one of them is done.
    const secondAria = aria2Download(forTcp.torrentPath, join(tmp.path, 'aria2-second'), 120_000)
    const tcpBefore = TCP_SIZE
    const bothFrom = await when('the second aria2c downloading', s => s.tcp >= tcpBefore + 128 * 1024, [seeder, leecher])
    expect(bothFrom.webrtc).toBeLessThan(WEBRTC_SIZE - 512 * 1024)
    const bothTo = await when('one of the two done', s => s.webrtc >= WEBRTC_SIZE || s.tcp >= tcpBefore + TCP_SIZE, [seeder, leecher])
    const both = rate(bothFrom, bothTo, total)
    const tcpShare = rate(bothFrom, bothTo, s => s.tcp)
    const webrtcShare = rate(bothFrom, bothTo, s => s.webrtc)
    const secondResult = await secondAria
    expect(secondResult.code, secondResult.output).toBe(0)
    expect(Buffer.compare(await readFile(join(tmp.path, 'aria2-second', 'tcp.bin')), forTcp.data)).toBe(0)
    await waitForLines('the WebRTC leecher done', 60_000, () => leecher.lines.some(line => line.event === 'done'), [leecher])
    expect(Buffer.compare(await readFile(join(webrtcDir, 'webrtc.bin')), forWebRtc.data)).toBe(0)
    expect(new Set(leecher.lines.filter(line => line.event === 'wire').map(line => line.type))).toEqual(new Set(['webrtc']))

    const first = samples.find(s => total(s) > 0)!
    const end = await when('every byte counted', s => s.tcp >= 2 * TCP_SIZE && s.webrtc >= WEBRTC_SIZE, [seeder])
    const overall = rate(first, end, total)
    const seconds = (from: Sample, to: Sample) => `${((to.at - from.at) / 1000).toFixed(1)} s`
    console.log(`--upload-limit ${kib(LIMIT)}: TCP alone ${kib(tcpAlone)} over ${seconds(tcpFrom, tcpTo)}; WebRTC alone ${kib(webrtcAlone)} over ${seconds(webrtcFrom, webrtcTo)}; ` +
      `both ${kib(both)} (TCP ${kib(tcpShare)}, WebRTC ${kib(webrtcShare)}) over ${seconds(bothFrom, bothTo)}; ` +
      `whole run ${kib(overall)} (${((total(end) - total(first)) / MiB).toFixed(2)} MiB in ${seconds(first, end)}, idle gaps included)`)

    // Nothing went wrong on the way: no WebRTC child restart, no refused peer.
    expect(seeder.lines.filter(line => line.event === 'warning')).toEqual([])
    // Within the limit: over the whole run (one second of token-bucket burst allowed) and while both upload.
    expect(total(end) - total(first)).toBeLessThanOrEqual(LIMIT * 1.15 * (end.at - first.at) / 1000 + LIMIT)
    expect(bothTo.at - bothFrom.at).toBeGreaterThanOrEqual(2_000)
    expect(both).toBeLessThanOrEqual(LIMIT * 1.25)
    // Neither side starved while both upload: each gets about half (measured 118-130 KiB/s
    // each). A side whose peer has every request answered, the answers waiting in its
    // throttle, asks for nothing new and looked idle: its share fell to the 5 % floor and
    // it stayed there (WebRTC 0 KiB/s for the whole phase in 1 run of 4); a saturated
    // throttle now counts as busy (upload-share.ts).
    expect(tcpShare).toBeGreaterThan(LIMIT * 0.25)
    expect(webrtcShare).toBeGreaterThan(LIMIT * 0.25)
    // Either alone gets more than a fixed half of the limit would give (it gets 95 %).
    expect(tcpAlone).toBeGreaterThan(LIMIT * 0.6)
    expect(webrtcAlone).toBeGreaterThan(LIMIT * 0.6)

    // The 'stopped' totals hold both transports' bytes and the child's fast-path counts.
    leecher.child.kill('SIGTERM')
    seeder.child.kill('SIGTERM')
    expect(await within(seeder.exited, 15_000, 'seeder stop')).toEqual({ code: 0, signal: null })
    const stopped = seeder.lines.find(line => line.event === 'stopped')!
    expect(stopped.uploadedByTransport.tcp).toBeGreaterThanOrEqual(2 * TCP_SIZE)
    expect(stopped.uploadedByTransport.webrtc).toBeGreaterThanOrEqual(WEBRTC_SIZE)
    expect(stopped.uploaded).toBe(stopped.uploadedByTransport.tcp + stopped.uploadedByTransport.webrtc)
    // Pieces to WebRTC peers go the library's way (in the child), those to aria2c framed (here).
    expect(stopped.fastPaths.unframedPieces).toBeGreaterThanOrEqual(WEBRTC_SIZE / 16384)
    expect(stopped.fastPaths.framedPieces).toBeGreaterThan(0)
  }, 180_000)
})
