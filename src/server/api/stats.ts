import { sortNewestFirst } from '../../feed/published.js'
import { readCatalog } from '../../show/load.js'
import type { MountedShow } from '../mounts.js'
import type { Traffic } from '../traffic.js'
import type { EpisodeStats, PerTransport, ShowStats } from './shapes.js'

export type { EpisodeStats, ShowStats } from './shapes.js'

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
  // In the feeds' order: by time, not by the dates' text (a hand-edited date may carry an offset), ties alike.
  const episodes = sortNewestFirst(catalog.episodes).map((episode): EpisodeStats => {
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
