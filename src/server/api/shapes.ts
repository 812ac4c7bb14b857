/*
 * The seed box API's answers as JSON shapes, and nothing else: no imports, no code, so the
 * dashboard in the browser (web/dashboard) types its calls with the very interfaces the
 * server fills in, and a field renamed on one side fails the other's typecheck.
 */

/** The transports a swarm serves an episode over. */
export type PeerTransportName = 'tcp' | 'utp' | 'webrtc'
export type PerTransport = Record<PeerTransportName, number>

/** Cumulative bytes of one show at one moment: over HTTP, and to BitTorrent peers. */
export interface TrafficSample {
  /** Milliseconds since the epoch. */
  t: number
  http: number
  peers: number
}

/** One episode's row of the dashboard. */
export interface EpisodeStats {
  slug: string
  title: string
  pubDate: string
  draft: boolean
  infoHash: string
  /** Media size, bytes. */
  length: number
  http: {
    /** Bytes of the episode's media, .torrent and chapters delivered over HTTP. */
    bytes: number
    /** Media downloads in flight (web seeds, podcast apps, browsers). */
    active: number
  }
  /** BitTorrent peers connected now, by transport. */
  peers: PerTransport
  /** Bytes uploaded to BitTorrent peers, by transport. */
  peerBytes: PerTransport
  /** All bytes of the episode sent, HTTP and BitTorrent. */
  uploaded: number
  /** BitTorrent bytes uploaded / media size (the swarm's seed ratio). */
  ratio: number
  /** Share of the bytes sent that went over BitTorrent, 0..1 (0 before any). */
  peerShare: number
}

/** GET /api/shows/<id>/stats: a show's live traffic, for the dashboard. */
export interface ShowStats {
  id: string
  title: string
  /** Milliseconds since the epoch. */
  at: number
  episodes: EpisodeStats[]
  /** Cumulative bytes of the whole show at intervals, oldest first (the last taken now). */
  history: TrafficSample[]
}
