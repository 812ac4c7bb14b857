import type { PodcastFeed } from './types.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** How long an RRULE's FREQ (with INTERVAL) waits between two episodes. */
const FREQ_MS: Record<string, number> = {
  MINUTELY: MINUTE,
  HOURLY: HOUR,
  DAILY: DAY,
  WEEKLY: 7 * DAY,
  MONTHLY: 30 * DAY,
  YEARLY: 365 * DAY
}

/**
 * How long to wait before asking the feed again, as the feed asks: its `ttl` (minutes),
 * else `podcast:updateFrequency`'s rrule (FREQ × INTERVAL; a completed show is polled
 * weekly at most), else `fallbackMs`. Always clamped to [minMs, maxMs] so a hostile
 * feed can neither make us hammer its host nor stop us from ever looking again.
 */
export function pollInterval (feed: Pick<PodcastFeed, 'ttlMinutes' | 'updateFrequency'>, options: { fallbackMs: number, minMs: number, maxMs: number }): number {
  let wanted = options.fallbackMs
  if (feed.ttlMinutes) {
    wanted = feed.ttlMinutes * MINUTE
  } else if (feed.updateFrequency?.complete) {
    wanted = 7 * DAY
  } else if (feed.updateFrequency?.rrule) {
    const fields = Object.fromEntries(feed.updateFrequency.rrule.toUpperCase().split(';').map(part => part.split('=') as [string, string]))
    const every = FREQ_MS[fields.FREQ ?? '']
    const interval = Number.parseInt(fields.INTERVAL ?? '1', 10)
    // An episode a day does not mean news only once a day: ask a few times between two.
    if (every) wanted = every * (interval > 0 ? interval : 1) / 4
  }
  return Math.min(options.maxMs, Math.max(options.minMs, Math.round(wanted)))
}
