/** What `follow run` reports, one object per line with --json. */
export type FollowEvent =
  | { event: 'poll', feed: string, url: string, status: 'updated' | 'not-modified' | 'error', episodes?: number, message?: string }
  | { event: 'moved', feed: string, from: string, to: string, why: string }
  | { event: 'skipped', feed: string, message: string }
  | { event: 'episode', feed: string, guid: string, title: string, action: 'downloaded' | 'failed' | 'dropped', source?: 'torrent' | 'http', infoHash?: string, path?: string, length?: number, seed?: boolean, message?: string, code?: string }
  | { event: 'pass', feeds: number, requests: number, feedBytes: number, downloaded: number, failed: number, dropped: number, receivedBytes: number }
