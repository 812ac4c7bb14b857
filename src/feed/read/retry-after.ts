import type { SeedcastError } from '../../errors.js'

/**
 * The wait a host asked for with a 429 or 503 answer's Retry-After (RFC 9110 §10.2.3:
 * seconds, or an HTTP date), kept with the error fetchFeed throws so the poller can honour
 * it instead of its own shorter backoff: a feed host that rate-limits and is polled again
 * at once tends to block the poller's address altogether.
 */
const asked = new WeakMap<SeedcastError, number>()

/** Milliseconds from `now` the header asks to wait; undefined when absent or unreadable. */
export function parseRetryAfter (value: string | null, now = Date.now()): number | undefined {
  const text = value?.trim()
  if (!text) return undefined
  if (/^\d+$/.test(text)) return Number(text) * 1000
  // An HTTP date names its day and month in letters ("Sun, 06 Dec 2026 09:30:00 GMT");
  // Date.parse would take "-5" for a year.
  const date = /[a-z]/i.test(text) ? Date.parse(text) : Number.NaN
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

export function withRetryAfter (error: SeedcastError, ms: number | undefined): SeedcastError {
  if (ms !== undefined) asked.set(error, ms)
  return error
}

/** The wait the host asked for with the answer behind `error`, if it did. */
export function retryAfterOf (error: SeedcastError): number | undefined {
  return asked.get(error)
}
