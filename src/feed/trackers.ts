import type { ShowConfig } from '../model/show.js'

/**
 * The word a show's `trackers` may hold for "the tracker `seedcast serve` runs at my base
 * URL", so a show names its own tracker without spelling out (or repeating) its URL, and
 * moving the show to another base URL moves its tracker with it.
 */
export const SELF_TRACKER = 'self'

/** Where `seedcast serve` answers announces for a show: below its base URL's path. */
export const ANNOUNCE_PATH = 'announce'

/**
 * The announce URLs of the tracker at a base URL: HTTP for BitTorrent clients (aria2c,
 * libtorrent, seedcast) and WebSocket for WebTorrent in browsers, both at <base>announce
 * (ws:// beside http://, wss:// beside https://).
 */
export function selfTrackerUrls (baseUrl: string): { http: string, ws: string } {
  const http = new URL(ANNOUNCE_PATH, baseUrl)
  const ws = new URL(http.href)
  ws.protocol = http.protocol === 'https:' ? 'wss:' : 'ws:'
  return { http: http.href, ws: ws.href }
}

/** A show's trackers as torrents, magnets and feeds carry them: `self` expanded, duplicates dropped. */
export function showTrackers (show: Pick<ShowConfig, 'baseUrl' | 'trackers'>): string[] {
  const urls = show.trackers.flatMap(tracker => {
    if (tracker !== SELF_TRACKER) return [tracker]
    const self = selfTrackerUrls(show.baseUrl)
    return [self.http, self.ws]
  })
  return [...new Set(urls)]
}
