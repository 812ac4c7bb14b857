import { describe, expect, it } from 'vitest'
import { parseRetryAfter } from '../../src/feed/read/retry-after.ts'

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-12-06T08:00:00Z')
  it('reads seconds and HTTP dates, and nothing else', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000)
    expect(parseRetryAfter(' 0 ', now)).toBe(0)
    expect(parseRetryAfter('Sun, 06 Dec 2026 09:30:00 GMT', now)).toBe(90 * 60_000)
    // A date already past: no wait beyond the poller's own.
    expect(parseRetryAfter('Sun, 06 Dec 2026 07:00:00 GMT', now)).toBe(0)
    expect(parseRetryAfter(null, now)).toBeUndefined()
    expect(parseRetryAfter('', now)).toBeUndefined()
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter('-5', now)).toBeUndefined()
  })
})
