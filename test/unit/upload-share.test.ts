import { describe, expect, it } from 'vitest'
import { shareFloor, splitUploadLimit, UploadShare } from '../../src/swarm/upload-share.js'

const LIMIT = 100_000

describe('splitUploadLimit (one --upload-limit for the seeder and its WebRTC child)', () => {
  it('always adds up to the limit, each side at least the floor', () => {
    const rates = [0, 1, 4_000, 5_000, 20_000, 42_500, 50_000, 80_000, 95_000, 200_000]
    for (const shareA of [shareFloor(LIMIT), 30_000, 50_000, LIMIT - shareFloor(LIMIT)]) {
      for (const rateA of rates) {
        for (const rateB of rates) {
          const [a, b] = splitUploadLimit(LIMIT, { share: shareA, rate: rateA }, { share: LIMIT - shareA, rate: rateB })
          expect(a + b).toBe(LIMIT)
          expect(Math.min(a, b)).toBeGreaterThanOrEqual(shareFloor(LIMIT))
          expect(Number.isInteger(a) && Number.isInteger(b)).toBe(true)
        }
      }
    }
  })

  it('gives a busy side everything but the floor while the other is idle, and half each when both are busy', () => {
    expect(splitUploadLimit(LIMIT, { share: 50_000, rate: 50_000 }, { share: 50_000, rate: 0 })).toEqual([95_000, 5_000])
    expect(splitUploadLimit(LIMIT, { share: 50_000, rate: 0 }, { share: 50_000, rate: 50_000 })).toEqual([5_000, 95_000])
    // The idle side starts using its floor: half each at once.
    expect(splitUploadLimit(LIMIT, { share: 95_000, rate: 95_000 }, { share: 5_000, rate: 5_000 })).toEqual([50_000, 50_000])
  })

  it('leaves a side that does not use its share what it uses plus headroom; the rest to the other', () => {
    // B uploads 10 kB/s of its 50: it keeps 15 (1.5×), A (busy) gets 85.
    expect(splitUploadLimit(LIMIT, { share: 50_000, rate: 50_000 }, { share: 50_000, rate: 10_000 })).toEqual([85_000, 15_000])
    // Neither busy: each its want, what is left split evenly.
    expect(splitUploadLimit(LIMIT, { share: 50_000, rate: 20_000 }, { share: 50_000, rate: 10_000 })).toEqual([57_500, 42_500])
  })

  it('counts a side whose throttle is the bottleneck as busy, though its peers asked for nothing new', () => {
    // The WebRTC leecher has every request answered, the answers waiting in the child's
    // throttle: no new bytes (rate 0) but saturated. It keeps half, not the floor.
    expect(splitUploadLimit(LIMIT, { share: 50_000, rate: 50_000 }, { share: 50_000, rate: 0, saturated: true })).toEqual([50_000, 50_000])
    expect(splitUploadLimit(LIMIT, { share: 50_000, rate: 50_000 }, { share: 50_000, rate: 0, saturated: false })).toEqual([95_000, 5_000])
    // Saturated alone (the other idle): all but the floor.
    expect(splitUploadLimit(LIMIT, { share: 5_000, rate: 0, saturated: true }, { share: 95_000, rate: 0 })).toEqual([95_000, 5_000])
  })

  it('works for limits too small to split in twentieths', () => {
    expect(splitUploadLimit(3, { share: 2, rate: 2 }, { share: 1, rate: 0 })).toEqual([2, 1])
    expect(shareFloor(1)).toBe(1)
  })
})

describe('UploadShare', () => {
  it('holds the whole limit without a child, lends a started child the floor, follows its reports, takes it all back when it dies', () => {
    let here = 0
    let uploadedHere = 0
    const sets: number[] = []
    const childs: number[] = []
    const share = new UploadShare(LIMIT, () => uploadedHere, rate => { here = rate; sets.push(rate) }, rate => childs.push(rate))
    expect(share.shares()).toEqual({ here: LIMIT })
    expect(share.childStarted()).toBe(5_000)
    expect(here).toBe(95_000)
    // Reports come every half second; here they are made to look like it by moving the clock.
    const realNow = Date.now
    let now = realNow()
    Date.now = () => now
    try {
      share.childStarted()
      // The seeder busy, the child idle: the seeder keeps 95 %.
      now += 500; uploadedHere += 47_500; share.childUsage(0)
      expect(share.shares()).toEqual({ here: 95_000, child: 5_000 })
      // The child uses its floor: half each.
      now += 500; uploadedHere += 47_500; share.childUsage(2_500)
      expect(share.shares()).toEqual({ here: 50_000, child: 50_000 })
      expect(childs.at(-1)).toBe(50_000)
      // The seeder goes idle: the child gets all but the floor, the seeder's share halving
      // at each report on the way.
      const heres: number[] = []
      for (let uploaded = 27_500; heres.at(-1) !== 5_000; uploaded += 47_500) {
        now += 500; share.childUsage(uploaded)
        heres.push(share.shares().here)
      }
      expect(heres).toEqual([25_000, 12_500, 6_250, 5_000])
      expect(share.shares()).toEqual({ here: 5_000, child: 95_000 })
      // Both busy, then the child's peer stops asking while its answers drain from its
      // throttle (saturated): its share stays where it is instead of halving to the floor.
      now += 500; uploadedHere += 47_500; share.childUsage(95_000 * 2)
      expect(share.shares()).toEqual({ here: 50_000, child: 50_000 })
      for (let report = 0; report < 4; report++) { now += 500; uploadedHere += 25_000; share.childUsage(95_000 * 2, true) }
      expect(share.shares()).toEqual({ here: 50_000, child: 50_000 })
      // Not saturated any more and idle: it halves away as before.
      now += 500; uploadedHere += 25_000; share.childUsage(95_000 * 2, false)
      expect(share.shares()).toEqual({ here: 75_000, child: 25_000 })
      share.childGone()
      expect(share.shares()).toEqual({ here: LIMIT })
      expect(sets.at(-1)).toBe(LIMIT)
    } finally {
      Date.now = realNow
    }
  })
})
