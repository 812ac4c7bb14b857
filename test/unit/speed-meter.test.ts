// seedcast's speed meter (src/swarm/speed-meter.ts), which get and seed load in place of the
// `throughput` package, gives the same figures as that package for the same calls at the
// same instants: both read a clock faked here (throughput reads process.hrtime()).
import throughput from 'throughput'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createSpeedMeter } from '../../src/swarm/speed-meter.js'

describe('speed meter', () => {
  afterEach(() => { vi.restoreAllMocks() })

  it('gives what throughput gives: the first second, a steady rate, bursts, gaps longer than the window', () => {
    let ms = 1_000_000
    vi.spyOn(process, 'hrtime').mockImplementation(() => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)])
    const theirs = throughput()
    const ours = createSpeedMeter(undefined, () => ms)
    const both = (bytes?: number) => [ours(bytes), theirs(bytes)]
    // Calls at these steps (ms) with these bytes: a block every few ms, a pause, a burst, a long silence.
    const steps: Array<[number, number]> = []
    for (let i = 0; i < 400; i++) steps.push([7, 16384])
    steps.push([2500, 0], [1, 16384], [1, 16384])
    for (let i = 0; i < 300; i++) steps.push([33, i % 3 === 0 ? 0 : 16384])
    steps.push([12_000, 0], [50, 16384], [100, 16384])
    let compared = 0
    for (const [advance, bytes] of steps) {
      ms += advance
      const [mine, reference] = both(bytes || undefined)
      expect(mine).toBeCloseTo(reference!, 6)
      compared++
      // Reading without bytes gives the same too.
      const [read, referenceRead] = both()
      expect(read).toBeCloseTo(referenceRead!, 6)
    }
    expect(compared).toBe(steps.length)
    // A steady 16 KiB every 7 ms is about 2.3 MB/s once the window is full: a rate, not a total.
    ms += 1
    const steadyOurs = createSpeedMeter(undefined, () => ms)
    for (let i = 0; i < 1000; i++) { ms += 7; steadyOurs(16384) }
    expect(steadyOurs()).toBeGreaterThan(16384 / 0.007 * 0.9)
    expect(steadyOurs()).toBeLessThan(16384 / 0.007 * 1.1)
  })
})
