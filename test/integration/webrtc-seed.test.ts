// WebRTC-only swarms between real processes: a `seedcast seed` process and leecher
// processes running seedcast's swarm client, signalling through a ws:// tracker started
// here. No http tracker, DHT, LSD, PEX or uTP, so the only way to find a peer is a
// WebRTC offer; every wire is checked to be WebRTC. The five-leecher rounds start all
// six processes at once, which is when crossing offers (WebRTC glare) used to kill
// connections until the next announce: with the tracker's interval set to 60 s, a
// glare hang would blow the 25 s bound, so finishing proves the tie-break works.
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startJsonProcess, waitForLines, within, type JsonProcess } from '../helpers/json-process.js'
import { startWebRtcLeecher } from '../helpers/webrtc-leecher.js'
import { makeWebRtcSwarm, webRtcSeedArgs } from '../helpers/webrtc-swarm.js'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

/** Killed after the test if still running. */
function track (proc: JsonProcess): JsonProcess {
  cleanups.push(proc.kill)
  return proc
}

function startSeeder (torrentPath: string, stateDir: string): JsonProcess {
  return track(startJsonProcess(webRtcSeedArgs(torrentPath, stateDir)))
}

function startLeecher (torrentPath: string, dir: string): JsonProcess {
  return track(startWebRtcLeecher(torrentPath, dir))
}

/** Resolves when the leecher has the whole file; fails at once (with its stderr) if it or the seeder dies first. */
function done (leecher: JsonProcess, seeder: JsonProcess, ms: number, what: string): Promise<void> {
  return waitForLines(what, ms, () => leecher.lines.some(line => line.event === 'done'), [leecher, seeder])
}

async function expectDownloaded (leecher: JsonProcess, dir: string, data: Buffer): Promise<void> {
  expect(leecher.lines.some(line => line.event === 'done')).toBe(true)
  const wires = leecher.lines.filter(line => line.event === 'wire')
  expect(wires.length).toBeGreaterThan(0)
  expect(new Set(wires.map(wire => wire.type))).toEqual(new Set(['webrtc']))
  expect(Buffer.compare(await readFile(join(dir, 'episode.bin')), data)).toBe(0)
}

describe('WebRTC-only swarm', () => {
  it('two seedcast processes exchange a torrent over WebRTC only', async () => {
    const { dir, torrentPath, data } = await makeWebRtcSwarm(3 * 1024 * 1024 + 123, cleanups)
    const seeder = startSeeder(torrentPath, join(dir, 'state'))
    const leechDir = join(dir, 'leech')
    await mkdir(leechDir)
    const leecher = startLeecher(torrentPath, leechDir)
    await done(leecher, seeder, 30_000, 'the WebRTC download')
    await expectDownloaded(leecher, leechDir, data)
    leecher.child.kill('SIGTERM')
    expect(await within(leecher.exited, 10_000, 'leecher shutdown')).toEqual({ code: 0, signal: null })
    const peers = seeder.lines.filter(line => line.event === 'peer' && line.action === 'connected')
    expect(peers.length).toBeGreaterThan(0)
    expect(new Set(peers.map(peer => peer.transport))).toEqual(new Set(['webrtc']))
    seeder.child.kill('SIGTERM')
    expect(await within(seeder.exited, 10_000, 'seeder shutdown')).toEqual({ code: 0, signal: null })
    expect(seeder.lines.at(-1)).toMatchObject({ event: 'stopped', reason: 'SIGTERM' })
    // The totals hold what the WebRTC child uploaded, under webrtc, and its fast-path counts:
    // every piece it sent went the library's way (unframed), none of them in this process.
    const stopped = seeder.lines.find(line => line.event === 'stopped')!
    expect(stopped.uploaded).toBeGreaterThanOrEqual(data.length)
    expect(stopped.uploadedByTransport).toMatchObject({ tcp: 0, utp: 0 })
    expect(stopped.uploadedByTransport.webrtc).toBe(stopped.uploaded)
    expect(stopped.fastPaths.unframedPieces).toBeGreaterThanOrEqual(Math.ceil(data.length / 16384))
    expect(stopped.fastPaths.framedPieces).toBe(0)
  })

  it('five leechers started at the same moment as the seeder all finish, three rounds', async () => {
    for (let round = 1; round <= 3; round++) {
      const { dir, torrentPath, data, tracker } = await makeWebRtcSwarm(1024 * 1024 + round, cleanups)
      const leechDirs = await Promise.all([1, 2, 3, 4, 5].map(async n => { const d = join(dir, `leech-${n}`); await mkdir(d); return d }))
      const started = Date.now()
      const seeder = startSeeder(torrentPath, join(dir, 'state'))
      const leechers = leechDirs.map(d => startLeecher(torrentPath, d))
      // A bound, not a speed goal: seven Node processes (seeder, its WebRTC child, five
      // leechers) start at once, ~7 s on a quiet machine, over 25 s at load 20.
      await Promise.all(leechers.map(leecher => done(leecher, seeder, 50_000, `round ${round}: five simultaneous WebRTC leechers`)))
      for (const [index, leecher] of leechers.entries()) await expectDownloaded(leecher, leechDirs[index]!, data)
      console.log(`webrtc round ${round}: 5 leechers done in ${Date.now() - started} ms`)
      for (const leecher of [seeder, ...leechers]) leecher.child.kill('SIGTERM')
      const codes = await within(Promise.all([seeder, ...leechers].map(p => p.exited)), 10_000, 'shutdown')
      expect(codes).toEqual(Array(6).fill({ code: 0, signal: null }))
      await tracker.close()
    }
  }, 200_000)
})
