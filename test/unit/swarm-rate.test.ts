import { describe, expect, it } from 'vitest'
import { SeedcastError } from '../../src/errors.js'
import { NO_RATE_LIMIT, parseRate } from '../../src/swarm/rate.js'

describe('parseRate (--upload-limit, --download-limit)', () => {
  it('reads bytes per second with binary units', () => {
    expect(parseRate('1048576')).toBe(1048576)
    expect(parseRate('500k')).toBe(512000)
    expect(parseRate('1M')).toBe(1048576)
    expect(parseRate('2.5m')).toBe(2621440)
    expect(parseRate('1GiB/s')).toBe(1073741824)
  })

  it('takes 0 as no limit, as aria2c does (to WebTorrent 0 would mean: send nothing)', () => {
    expect(parseRate('0')).toBe(NO_RATE_LIMIT)
    expect(parseRate('0k')).toBe(NO_RATE_LIMIT)
    expect(NO_RATE_LIMIT).toBe(-1)
  })

  it('refuses anything else as a usage error (exit 2) naming the flag', () => {
    for (const bad of ['', 'fast', '-1M', '1T', '1 2']) {
      let error: unknown
      try { parseRate(bad, '--upload-limit') } catch (caught) { error = caught }
      expect(error, bad).toBeInstanceOf(SeedcastError)
      expect((error as SeedcastError).exitCode).toBe(2)
      expect((error as SeedcastError).message).toBe(`invalid --upload-limit "${bad}"`)
    }
  })
})
