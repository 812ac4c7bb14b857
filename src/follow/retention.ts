import type { LibraryState } from './state.js'

export interface RetentionRules {
  /** Newest downloaded episodes kept per feed; 0 keeps all. */
  keep: number
  /** Bytes the whole library may hold; 0 for no budget. */
  maxBytes: number
}

export interface Dropped { feedSlug: string, guid: string }

/**
 * The downloaded episodes that fall out of the rules: past the `keep` newest of their
 * feed, then, while the library is over its size budget, the oldest anywhere. "Newest"
 * is the feed's date, else when it was downloaded. Pure: the caller deletes and records.
 */
export function episodesToDrop (state: LibraryState, rules: RetentionRules): Dropped[] {
  const when = (episode: { date?: string, downloadedAt?: string }) => Date.parse(episode.date ?? episode.downloadedAt ?? '') || 0
  const dropped: Dropped[] = []
  const kept: Array<Dropped & { time: number, length: number }> = []
  for (const feed of state.feeds) {
    const held = Object.entries(feed.episodes)
      .filter(([, episode]) => episode.status === 'downloaded')
      .sort(([, a], [, b]) => when(b) - when(a))
    held.forEach(([guid, episode], index) => {
      if (rules.keep > 0 && index >= rules.keep) dropped.push({ feedSlug: feed.slug, guid })
      else kept.push({ feedSlug: feed.slug, guid, time: when(episode), length: episode.length ?? 0 })
    })
  }
  if (rules.maxBytes > 0) {
    let total = kept.reduce((sum, episode) => sum + episode.length, 0)
    for (const episode of kept.sort((a, b) => a.time - b.time)) {
      if (total <= rules.maxBytes) break
      dropped.push({ feedSlug: episode.feedSlug, guid: episode.guid })
      total -= episode.length
    }
  }
  return dropped
}
