import type { Episode, ShowConfig } from '../show/types.js'
import { episodeUrls, type EpisodeUrls } from './urls.js'

/** An episode as every feed shows it: with its URLs and parsed date, computed once for all four feeds. */
export interface PublishedEpisode {
  episode: Episode
  urls: EpisodeUrls
  date: Date
}

/**
 * The episodes the feeds list: drafts left out, newest first (ties: higher season/episode
 * number first, then slug, so the order never depends on the catalog's order).
 */
export function publishedEpisodes (show: ShowConfig, episodes: Episode[]): PublishedEpisode[] {
  return episodes
    .filter(episode => !episode.draft)
    .map(episode => ({ episode, urls: episodeUrls(show, episode), date: new Date(episode.pubDate) }))
    .sort((a, b) =>
      (b.date.getTime() - a.date.getTime()) ||
      ((b.episode.season ?? 0) - (a.episode.season ?? 0)) ||
      ((b.episode.episode ?? 0) - (a.episode.episode ?? 0)) ||
      (a.episode.slug < b.episode.slug ? -1 : a.episode.slug > b.episode.slug ? 1 : 0))
}
