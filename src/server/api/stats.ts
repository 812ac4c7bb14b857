import { readCatalog } from '../../show/load.js'
import type { MountedShow } from '../mounts.js'
import type { PerTransport, Traffic, TrafficSample } from '../traffic.js'

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

function sum (figures: PerTransport): number {
  return figures.tcp + figures.utp + figures.webrtc
}

/**
 * A show's episodes (drafts too: the caller holds a token), newest first, each with the
 * traffic counters' figures, and the show's upload history. The catalog is read at each
 * call, so an episode published or removed a moment ago is there or gone.
 */
export async function showStats (id: string, show: MountedShow, traffic: Traffic): Promise<ShowStats> {
  const catalog = await readCatalog(show.paths).catch(() => show.catalog)
  const episodes = [...catalog.episodes].sort((a, b) => b.pubDate.localeCompare(a.pubDate)).map((episode): EpisodeStats => {
    const figures = traffic.episode(show, episode)
    const peerBytes = sum(figures.peerBytes)
    const uploaded = figures.httpBytes + peerBytes
    return {
      slug: episode.slug,
      title: episode.title,
      pubDate: episode.pubDate,
      draft: episode.draft,
      infoHash: episode.infoHash,
      length: episode.length,
      http: { bytes: figures.httpBytes, active: figures.httpActive },
      peers: figures.peers,
      peerBytes: figures.peerBytes,
      uploaded,
      ratio: episode.length ? peerBytes / episode.length : 0,
      peerShare: uploaded ? peerBytes / uploaded : 0
    }
  })
  return { id, title: show.config.title, at: Date.now(), episodes, history: traffic.history(show) }
}
