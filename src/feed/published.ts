import { SeedcastError } from '../errors.js'
import type { Episode, ShowConfig } from '../model/show.js'
import { episodeUrls, type EpisodeUrls } from './urls.js'

/** An episode as every feed shows it: with its URLs and parsed date, computed once for all four feeds. */
export interface PublishedEpisode {
  episode: Episode
  urls: EpisodeUrls
  date: Date
}

/**
 * The episodes the feeds list at `now`: drafts and scheduled episodes (dated after `now`)
 * left out, newest first (ties: higher season/episode number first, then slug, so the order
 * never depends on the catalog's order).
 */
export function publishedEpisodes (show: ShowConfig, episodes: Episode[], now: Date = new Date()): PublishedEpisode[] {
  const until = now.getTime()
  const published: Published[] = []
  for (const episode of episodes) {
    if (episode.draft) continue
    const time = publicationTime(episode)
    if (time <= until) published.push(new Published(show, episode, time))
  }
  return published.sort(newestFirst)
}

/** An episode and its publication time (Date.parse of its pubDate, parsed once per sort). */
interface Dated { readonly episode: Episode, readonly time: number }

/**
 * The feeds' order: newest first by time (not by the dates' text, which may carry offsets),
 * ties by higher season, then higher episode number, then slug (lowercase ASCII, compared
 * by code unit: no locale, so no ICU collation to load, ~7 ms on its first use).
 */
function newestFirst (a: Dated, b: Dated): number {
  return (b.time - a.time) ||
    ((b.episode.season ?? 0) - (a.episode.season ?? 0)) ||
    ((b.episode.episode ?? 0) - (a.episode.episode ?? 0)) ||
    (a.episode.slug < b.episode.slug ? -1 : a.episode.slug > b.episode.slug ? 1 : 0)
}

/** `episodes` (drafts and scheduled ones too) in the feeds' order, newest first; throws EDATE on a date that does not parse. */
export function sortNewestFirst<T extends Episode> (episodes: readonly T[]): T[] {
  return episodes.map(episode => ({ episode, time: publicationTime(episode) })).sort(newestFirst).map(dated => dated.episode)
}

// URLs (the magnet above all) and the Date are made only when an item is rendered: an
// incremental build reuses most items and never needs them. A class, so that 5,000 of
// them share their getters instead of each carrying its own closures.
class Published implements PublishedEpisode {
  readonly episode: Episode
  readonly time: number
  readonly #show: ShowConfig
  #urls: EpisodeUrls | undefined
  #date: Date | undefined
  constructor (show: ShowConfig, episode: Episode, time: number) {
    this.#show = show
    this.episode = episode
    this.time = time
  }

  get urls (): EpisodeUrls { return (this.#urls ??= episodeUrls(this.#show, this.episode)) }
  get date (): Date { return (this.#date ??= new Date(this.time)) }
}

function publicationTime (episode: Episode): number {
  const time = Date.parse(episode.pubDate)
  if (Number.isNaN(time)) {
    throw new SeedcastError(`episode "${episode.slug}" has an invalid pubDate: "${episode.pubDate}"`, {
      code: 'EDATE', hint: 'use an ISO 8601 date such as 2026-11-28T06:00:00Z (change it with `seedcast episodes edit`)'
    })
  }
  return time
}

/** True for an episode that is not a draft but dated after `now`: it enters the feeds at its date. */
export function isScheduled (episode: Pick<Episode, 'draft' | 'pubDate'>, now: Date = new Date()): boolean {
  return !episode.draft && Date.parse(episode.pubDate) > now.getTime()
}

/** The date of the next scheduled episode after `now`, if any: when the feeds must be rebuilt. */
export function nextScheduledDate (episodes: Array<Pick<Episode, 'draft' | 'pubDate'>>, now: Date = new Date()): Date | undefined {
  let next: number | undefined
  for (const episode of episodes) {
    if (!isScheduled(episode, now)) continue
    const at = Date.parse(episode.pubDate)
    if (next === undefined || at < next) next = at
  }
  return next === undefined ? undefined : new Date(next)
}
