import { rm } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { SeedcastError } from '../errors.js'
import { checkPositiveInteger, checkTitle, normaliseDate } from './episode-fields.js'
import { commitCatalog, repairFeeds } from './feeds.js'
import { loadShow } from './load.js'
import { withShowLock } from './lock.js'
import { urlsOf } from './publish.js'
import type { Catalog, Episode, ShowConfig } from './types.js'

/** The catalog of a show, newest first. */
export async function listEpisodes (showDir: string): Promise<{ show: ShowConfig, episodes: Episode[] }> {
  const dir = resolve(showDir)
  await repairFeeds(dir)
  const { config, catalog } = await loadShow(dir)
  const episodes = [...catalog.episodes].sort((a, b) => b.pubDate.localeCompare(a.pubDate))
  return { show: config, episodes }
}

/** One episode, by slug or guid, with its public media and .torrent URLs and its magnet. */
export async function showEpisode (showDir: string, ref: string): Promise<{ episode: Episode, mediaUrl: string, torrentUrl: string, magnet: string }> {
  const { config, catalog } = await loadShow(resolve(showDir))
  const episode = findEpisode(catalog, ref)
  return { episode, ...urlsOf(config, episode) }
}

function findEpisode (catalog: Catalog, ref: string): Episode {
  const episode = catalog.episodes.find(candidate => candidate.slug === ref || candidate.guid === ref)
  if (!episode) throw new SeedcastError(`no episode "${ref}" in this show`, { code: 'ENOEPISODE', hint: 'see `seedcast episodes list` for the slugs' })
  return episode
}

export interface EpisodeChanges {
  title?: string
  description?: string
  date?: Date | string
  /** null removes the number. */
  season?: number | null
  episode?: number | null
  draft?: boolean
  explicit?: boolean
}

/**
 * Changes an episode's catalog fields and rewrites the feeds. The slug, guid, media and
 * torrent never change (apps and peers know the episode by them).
 */
export async function editEpisode (showDir: string, ref: string, changes: EpisodeChanges): Promise<Episode> {
  const dir = resolve(showDir)
  const title = checkTitle(changes.title)
  const pubDate = changes.date === undefined ? undefined : normaliseDate(changes.date)
  const season = changes.season === null ? null : checkPositiveInteger(changes.season, 'season')
  const number = changes.episode === null ? null : checkPositiveInteger(changes.episode, 'episode')
  await loadShow(dir)
  return withShowLock(dir, async () => {
    const { paths, config, catalog } = await loadShow(dir)
    const current = findEpisode(catalog, ref)
    const edited: Episode = { ...current }
    if (title !== undefined) edited.title = title
    if (changes.description !== undefined) edited.description = changes.description.trim()
    if (pubDate !== undefined) edited.pubDate = pubDate
    if (season === null) delete edited.season; else if (season !== undefined) edited.season = season
    if (number === null) delete edited.episode; else if (number !== undefined) edited.episode = number
    if (changes.draft !== undefined) edited.draft = changes.draft
    if (changes.explicit !== undefined) edited.explicit = changes.explicit
    catalog.episodes = catalog.episodes.map(episode => episode === current ? edited : episode)
    await commitCatalog(paths, config, catalog)
    return edited
  })
}

/**
 * Takes an episode out of the catalog and the feeds, then deletes its media, torrent
 * and chapters files unless keepMedia (files first gone from the catalog, so a crash
 * leaves at worst unused files).
 */
export async function removeEpisode (showDir: string, ref: string, options: { keepMedia?: boolean } = {}): Promise<{ episode: Episode, deleted: string[] }> {
  const dir = resolve(showDir)
  await loadShow(dir)
  return withShowLock(dir, async () => {
    const { paths, config, catalog } = await loadShow(dir)
    const episode = findEpisode(catalog, ref)
    catalog.episodes = catalog.episodes.filter(other => other !== episode)
    await commitCatalog(paths, config, catalog)
    const deleted: string[] = []
    if (!options.keepMedia) {
      for (const relative of [episode.mediaPath, episode.torrentPath, episode.chaptersPath, episode.imagePath]) {
        if (!relative) continue
        const path = join(paths.publicDir, relative)
        await rm(path, { force: true })
        deleted.push(path)
      }
    }
    return { episode, deleted }
  })
}
