import type { FollowEvent } from '../src/follow/events.js'
import { formatBytes } from '../src/torrent/format.js'

/**
 * The line `follow run` writes for an event in a terminal or a service's log, or
 * undefined for none. A running follower wakes at least once a minute to see whether a
 * feed is due; a pass that polled nothing is not worth a line ("0 feed(s) polled, 0 new
 * episode(s)…" was 1,440 lines a day of a host's log). With `once` the pass is the
 * summary the user waits for, so it is always written.
 */
export function followLine (event: FollowEvent, { once = false } = {}): string | undefined {
  if (event.event === 'poll' && (event.status === 'error' || event.status === 'deferred' || event.status === 'duplicate' || event.status === 'gone')) return `${event.feed}: ${event.message}`
  if (event.event === 'moved') return `${event.feed}: moved to ${event.to} (${event.why})`
  if (event.event === 'episode' && event.action === 'downloaded') return `${event.feed}: got "${event.title}" (${formatBytes(event.length ?? 0)}, ${event.source === 'torrent' ? 'torrent' : 'HTTP'}${event.seed ? '' : ', not seeded: the license does not allow it'})`
  if (event.event === 'episode' && event.action === 'failed') return `${event.feed}: "${event.title}" failed: ${event.message}`
  if (event.event === 'episode' && event.action === 'dropped') return `${event.feed}: dropped "${event.title}" (retention)`
  if (event.event === 'pass' && (once || event.feeds > 0 || event.downloaded > 0 || event.failed > 0 || event.dropped > 0)) {
    return `${event.feeds} feed(s) polled, ${event.downloaded} new episode(s), ${event.failed} failed, ${event.dropped} dropped`
  }
  return undefined
}
