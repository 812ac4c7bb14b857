// A `seedcast seed` process must survive many WebRTC peers vanishing at once: ten
// leecher processes connect over WebRTC only (ws:// tracker started here), are killed
// together with SIGKILL in the middle of their downloads (their data channels and ICE
// transports die without a goodbye), and then the seeder must still be running and
// serve a fresh leecher to completion, and stop cleanly. Native WebRTC (@roamhq/wrtc)
// crashes now and then (SIGSEGV in RTCDataChannel::Send) when many peers disconnected at
// once: it runs in the seeder's WebRTC child process, so the seeder itself must never die;
// a crashed child is reported in one warning and restarted, and the seeder never maps the
// native module itself.
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startJsonProcess, waitForLines, within, type JsonProcess } from '../helpers/json-process.js'
import { startWebRtcLeecher } from '../helpers/webrtc-leecher.js'
import { makeWebRtcSwarm, webRtcSeedArgs } from '../helpers/webrtc-swarm.js'

const LEECHERS = 10
// Round 1 kills the leechers (SIGKILL: connections just go dark), round 2 stops them
// (SIGTERM: every leecher closes its peer connections at the same moment).
const ROUNDS: NodeJS.Signals[] = ['SIGKILL', 'SIGTERM']

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

/** Killed after the test if still running. */
function track (proc: JsonProcess): JsonProcess {
  cleanups.push(proc.kill)
  return proc
}

describe('WebRTC peers vanishing at once', () => {
  it(`the seeder survives ${LEECHERS} WebRTC leechers stopped together mid-download (SIGKILL, then SIGTERM) and keeps seeding`, async () => {
    const { dir, torrentPath, data } = await makeWebRtcSwarm(8 * 1024 * 1024, cleanups)
    const seeder = track(startJsonProcess(webRtcSeedArgs(torrentPath, join(dir, 'state'))))
    await waitForLines('seeder ready', 20_000, () => seeder.lines.some(line => line.event === 'seeding'), [seeder])

    const connected = () => seeder.lines.filter(line => line.event === 'peer' && line.action === 'connected').length
    const disconnected = () => seeder.lines.filter(line => line.event === 'peer' && line.action === 'disconnected').length
    for (const [index, signal] of ROUNDS.entries()) {
      const round = index + 1
      const leechers = await Promise.all(Array.from({ length: LEECHERS }, async (_, n) => {
        const leechDir = join(dir, `round-${round}-leech-${n}`)
        await mkdir(leechDir)
        return track(startWebRtcLeecher(torrentPath, leechDir, 256 * 1024))
      }))
      // Leechers also trade among themselves, so not every one is necessarily on the seeder.
      await waitForLines(`round ${round}: all ${LEECHERS} leechers downloading over WebRTC, half of them from the seeder`, 40_000,
        () => leechers.every(leecher => leecher.lines.some(line => line.event === 'downloading')) && connected() - disconnected() >= LEECHERS / 2, [seeder])
      const killedAt = Date.now()
      for (const leecher of leechers) leecher.child.kill(signal)
      await within(Promise.all(leechers.map(leecher => leecher.exited)), 10_000, `round ${round}: the leechers' exit after ${signal}`)
      // The seeder notices every vanished peer (ICE/data channel failure) and is still alive.
      await waitForLines(`round ${round}: seeder sees every peer gone`, 60_000, () => connected() === disconnected(), [seeder])
      console.log(`round ${round}: ${LEECHERS} leechers sent ${signal}; the seeder saw all of its ${connected()} connections so far go in ${Date.now() - killedAt} ms`)
      // Still running its loop, not merely not yet dead: a new 'stats' line comes after the last disconnect.
      const seen = seeder.lines.length
      await waitForLines(`round ${round}: the seeder's next stats line`, 10_000, () => seeder.lines.slice(seen).some(line => line.event === 'stats'), [seeder])
      expect(seeder.child.exitCode).toBeNull()
      expect(seeder.child.signalCode).toBeNull()
    }

    // Still seeding: a new leecher (unthrottled) gets the whole episode.
    const lastDir = join(dir, 'last')
    await mkdir(lastDir)
    const last = track(startWebRtcLeecher(torrentPath, lastDir))
    await waitForLines('a fresh leecher after the mass disconnect', 40_000, () => last.lines.some(line => line.event === 'done'), [seeder])
    expect(Buffer.compare(await readFile(join(lastDir, 'episode.bin')), data)).toBe(0)
    last.child.kill('SIGKILL')
    await within(last.exited, 10_000, 'the last leecher\'s exit')

    // The only warnings allowed are WebRTC child restarts (a native crash), one line each.
    const warnings = seeder.lines.filter(line => line.event === 'warning')
    for (const warning of warnings) expect(warning).toMatchObject({ code: 'EWEBRTC', message: expect.stringMatching(/^WebRTC seeding stopped \((SIG[A-Z]+|exit code \d+)[^)]*\); restarting in \d+ s$/) })
    console.log(`WebRTC child restarts during the test: ${warnings.length}`)
    expect((await readFile(`/proc/${seeder.child.pid}/maps`, 'utf8')).includes('wrtc.node')).toBe(false)

    seeder.child.kill('SIGTERM')
    expect(await within(seeder.exited, 10_000, 'seeder shutdown')).toEqual({ code: 0, signal: null })
    expect(seeder.lines.at(-1)).toMatchObject({ event: 'stopped', reason: 'SIGTERM' })
  }, 240_000)
})
