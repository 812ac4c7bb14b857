// A long-running seeder keeps fetch's HTTP parser (llhttp, WebAssembly) out of V8's
// optimising compiler (src/swarm/wasm-tiering.ts): that compile's ~20 MiB stayed in the
// process's peak RSS. V8's --trace-wasm-compilation-times prints a line per compiled wasm
// function naming its tier, so the test reads which tiers ran. The control first shows
// that three tracker announces through fetch, in a plain Node process, do bring TurboFan
// in; then `seedcast seed`, announcing more often than that, must never.
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { binPath, runCli, runProcess } from '../helpers/cli.ts'
import { tempDir } from '../helpers/tmp.ts'
import { startTracker } from '../helpers/tracker.ts'
import { fixture } from './publish-helpers.ts'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

const TRACE = '--trace-wasm-compilation-times'
/**
 * V8 compiles a tier-up on a background thread and prints its line when done: a process that
 * exits right after its third announce could end before that (the control then counted 0
 * TurboFan compiles, once in a full run and 1 in 25 runs with both cores busy). With tier-ups
 * compiled where they are triggered, the count is what the process did: 0 in 60 runs under the
 * same load. The seeder runs with it too, so a tier-up it triggered could not hide either.
 */
const SYNC_TIER_UP = '--wasm-sync-tier-up'
const turboFanCompiles = (output: string) => output.split('\n').filter(line => /Compiled function .* using TurboFan/.test(line)).length
const liftoffCompiles = (output: string) => output.split('\n').filter(line => /Compiled function .* using Liftoff/.test(line)).length

describe('seed keeps WebAssembly at its baseline tier', () => {
  it('three announces through fetch bring TurboFan into a plain process; a seeder announcing more never does', async () => {
    const tracker = await startTracker({ ws: false, interval: 1_000 })
    cleanups.push(tracker.close)
    let announces = 0
    tracker.server.on('start', () => { announces++ })
    tracker.server.on('update', () => { announces++ })

    // The control: what the seeder would do without wasm-tiering.ts.
    const announceThrice = `for (let i = 0; i < 3; i++) await (await fetch(${JSON.stringify(tracker.httpUrl + '?info_hash=x')})).arrayBuffer()`
    const control = await runProcess(process.execPath, [TRACE, SYNC_TIER_UP, '--input-type=module', '-e', announceThrice], { timeoutMs: 30_000 })
    expect(control.code, control.stderr).toBe(0)
    expect(liftoffCompiles(control.stdout)).toBeGreaterThan(0)
    expect(turboFanCompiles(control.stdout)).toBeGreaterThan(0)

    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const torrentPath = join(tmp.path, 'episode.torrent')
    const created = await runCli(['create', fixture('episode.mp3'), '--announce', tracker.httpUrl, '--output', torrentPath])
    expect(created.code, created.stderr).toBe(0)
    // The tracker asks for an announce every second: a started one, then updates, then stopped.
    const seeded = await runProcess(process.execPath, [TRACE, SYNC_TIER_UP, binPath, 'seed', torrentPath, '--data', fixture('.'), '--no-dht', '--no-lsd', '--no-webrtc',
      '--state', join(tmp.path, 'state'), '--duration', '6', '--json'], { timeoutMs: 60_000 })
    expect(seeded.code, seeded.stderr).toBe(0)
    expect(seeded.stdout).toContain('"event":"started"')
    expect(announces).toBeGreaterThanOrEqual(4)
    // llhttp did run (compiled at its baseline), and nothing was recompiled by TurboFan.
    expect(liftoffCompiles(seeded.stdout)).toBeGreaterThan(0)
    expect(turboFanCompiles(seeded.stdout)).toBe(0)
  })
})
