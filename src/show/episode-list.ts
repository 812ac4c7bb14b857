import { resolve } from 'node:path'
import { SeedcastError } from '../errors.js'
import { sortNewestFirst } from '../feed/published.js'
import { episodeUrls } from '../feed/urls.js'
import { showPaths } from '../model/paths.js'
import type { Catalog, Episode, ShowConfig } from '../model/show.js'
import { loadShow } from './load.js'
import { feedsAreStale } from './stale-feeds.js'

/*
 * Reading a show's episodes: listing and showing one. Apart from editing (episodes.ts), so
 * that `episodes list` and `episodes show` load the catalog's reader and schema, not the feed
 * build, the site, media probing, torrent hashing and the show lock that editing needs.
 */

/** The catalog of a show, newest first, in the feeds' order (drafts and scheduled episodes among the others by date). */
export async function listEpisodes (showDir: string): Promise<{ show: ShowConfig, episodes: Episode[] }> {
  const dir = resolve(showDir)
  // Feeds a killed writer left older than the catalog are rebuilt first; the build loads only then.
  if (await feedsAreStale(showPaths(dir))) await (await import('./feeds.js')).repairFeeds(dir)
  const { config, catalog } = await loadShow(dir)
  return { show: config, episodes: sortNewestFirst(catalog.episodes) }
}

/** One episode, by slug or guid, with its public media and .torrent URLs and its magnet. */
export async function showEpisode (showDir: string, ref: string): Promise<{ episode: Episode, mediaUrl: string, torrentUrl: string, magnet: string }> {
  const { config, catalog } = await loadShow(resolve(showDir))
  const episode = findEpisode(catalog, ref)
  return { episode, ...urlsOf(config, episode) }
}

/** The episode whose slug or guid is `ref`; ENOEPISODE when there is none. */
export function findEpisode (catalog: Catalog, ref: string): Episode {
  const episode = catalog.episodes.find(candidate => candidate.slug === ref || candidate.guid === ref)
  if (!episode) throw new SeedcastError(`no episode "${ref}" in this show`, { code: 'ENOEPISODE', hint: 'see `seedcast episodes list` for the slugs' })
  return episode
}

/** An episode's public media and .torrent URLs and its magnet: the same as the feeds give. */
export function urlsOf (config: ShowConfig, episode: Episode): { mediaUrl: string, torrentUrl: string, magnet: string } {
  const { media, torrent, magnet } = episodeUrls(config, episode)
  return { mediaUrl: media, torrentUrl: torrent, magnet }
}
