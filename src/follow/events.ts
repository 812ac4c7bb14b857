/** What `follow run` reports, one object per line with --json. */
export type FollowEvent =
  | { event: 'poll', feed: string, url: string, status: 'updated' | 'not-modified' | 'error' | 'deferred' | 'duplicate' | 'gone', episodes?: number, message?: string }
  | { event: 'moved', feed: string, from: string, to: string, why: string }
  | { event: 'skipped', feed: string, message: string }
  | { event: 'episode', feed: string, guid: string, title: string, action: 'downloaded' | 'failed' | 'dropped', source?: 'torrent' | 'http', infoHash?: string, path?: string, length?: number, seed?: boolean, message?: string, code?: string }
  | { event: 'pass', feeds: number, requests: number, feedBytes: number, downloaded: number, failed: number, dropped: number, receivedBytes: number, failures: EpisodeFailure[], feedErrors: FeedFailure[] }

/** An episode the pass could not download (tried again at the next pass, up to the attempt limit). */
export interface EpisodeFailure { feed: string, guid: string, title: string, code: string, message: string }
/** A feed the pass could not read (polled again after a backoff). */
export interface FeedFailure { feed: string, url: string, message: string }
