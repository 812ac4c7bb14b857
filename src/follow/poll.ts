import { SeedcastError } from '../errors.js'
import { fetchFeed } from '../feed/read/fetch-feed.js'
import { readPodcastFeed } from '../feed/read/podcast-feed.js'
import type { PodcastFeed } from '../feed/read/types.js'
import { retryAfterOf } from '../feed/read/retry-after.js'
import { pollInterval } from '../feed/read/update-interval.js'
import type { FeedState } from './state.js'

export interface PollOptions {
  timeoutMs?: number
  /** Bounds on the wait between two polls of one feed. */
  minIntervalMs?: number
  maxIntervalMs?: number
  /** Wait when the feed says nothing (no ttl, no updateFrequency). */
  defaultIntervalMs?: number
  /** Ask for the whole feed, without the last answer's validators (no 304). */
  unconditional?: boolean
  now?: Date
}

export interface PollResult {
  /** The feed as read, or undefined when it did not change (304) or the poll failed. */
  feed?: PodcastFeed
  requests: number
  bytes: number
  /** What moved (permanent redirect, itunes:new-feed-url), for the report. */
  moved: string[]
  error?: SeedcastError
  /** The host answered 410 Gone: state.goneAt is set, and the feed is not polled again. */
  gone?: boolean
}

const MINUTE = 60_000
/** How many itunes:new-feed-url hops one poll follows (a chain of moves, or a loop). */
const MAX_FEED_MOVES = 3

/**
 * Polls one feed and updates its state in place: conditional GET with the validators of the
 * last answer, a permanent redirect or an itunes:new-feed-url followed and remembered (the
 * old URL kept in previousUrls), the next poll time from the feed's ttl or
 * updateFrequency, and on failure a backoff doubling with each consecutive failure.
 */
export async function pollFeed (state: FeedState, options: PollOptions = {}): Promise<PollResult> {
  const now = options.now ?? new Date()
  const bounds = { minMs: options.minIntervalMs ?? 5 * MINUTE, maxMs: options.maxIntervalMs ?? 24 * 60 * MINUTE, fallbackMs: options.defaultIntervalMs ?? 60 * MINUTE }
  const result: PollResult = { requests: 0, bytes: 0, moved: [] }
  const moveTo = (url: string, why: string) => {
    if (url === state.url) return
    result.moved.push(`${state.url} → ${url} (${why})`)
    state.previousUrls = [...state.previousUrls.filter(previous => previous !== url), state.url]
    state.url = url
    // Validators belong to the old URL's answers.
    delete state.etag
    delete state.lastModified
  }
  state.checkedAt = now.toISOString()
  delete state.retryAfter
  try {
    for (let move = 0; ; move++) {
      result.requests++
      const validators = options.unconditional ? {} : { etag: state.etag, lastModified: state.lastModified }
      const fetched = await fetchFeed(state.url, { ...validators, timeoutMs: options.timeoutMs })
      result.bytes += fetched.bytes
      if (fetched.movedTo) moveTo(fetched.movedTo, 'permanent redirect')
      if (fetched.notModified) {
        state.failures = 0
        delete state.lastError
        state.nextCheckAt = new Date(now.getTime() + (state.intervalMs ?? bounds.fallbackMs)).toISOString()
        return result
      }
      const feed = readPodcastFeed(fetched.xml, { url: fetched.url })
      if (feed.newFeedUrl && feed.newFeedUrl !== state.url && !state.previousUrls.includes(feed.newFeedUrl) && move < MAX_FEED_MOVES) {
        moveTo(feed.newFeedUrl, 'itunes:new-feed-url')
        continue
      }
      state.etag = fetched.etag
      state.lastModified = fetched.lastModified
      if (!state.etag) delete state.etag
      if (!state.lastModified) delete state.lastModified
      state.title = feed.title || state.title
      state.license = feed.license?.id
      if (!state.license) delete state.license
      state.failures = 0
      delete state.lastError
      const interval = pollInterval(feed, bounds)
      state.nextCheckAt = new Date(now.getTime() + interval).toISOString()
      state.intervalMs = interval
      result.feed = feed
      return result
    }
  } catch (err) {
    if (!(err instanceof SeedcastError)) throw err
    state.failures += 1
    state.lastError = err.message
    // 2, 4, 8 … minutes after consecutive failures, up to the maximum; longer when the
    // host asked for it (Retry-After), which even a --once run then waits for.
    const backoff = Math.min(bounds.maxMs, Math.max(bounds.minMs, 2 ** Math.min(state.failures, 20) * MINUTE))
    const asked = retryAfterOf(err)
    const wait = asked !== undefined ? Math.min(bounds.maxMs, Math.max(backoff, asked)) : backoff
    state.nextCheckAt = new Date(now.getTime() + wait).toISOString()
    if (asked !== undefined) state.retryAfter = new Date(now.getTime() + Math.min(bounds.maxMs, asked)).toISOString()
    result.error = err
    // 410 says the feed will not come back: unlike a 404 (a mistake, a move half done), it
    // is not asked again with a backoff, for ever; the pass leaves it alone from now on.
    if (err.code === 'EGONE') {
      state.goneAt = now.toISOString()
      result.gone = true
    }
    return result
  }
}
