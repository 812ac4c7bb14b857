import { rm } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { checkPositiveInteger, checkTitle } from './episode-fields.js'
import { publicationDate } from './publication-date.js'
import { imagePath, placeExtraFiles, readEpisodeExtras, transcriptPath, type EpisodeExtraOptions } from './episode-extras.js'
import { commitCatalog } from './feeds.js'
import { loadShow } from './load.js'
import { withShowLock } from './lock.js'
import { episodeFiles } from '../model/paths.js'
import { findEpisode } from './episode-list.js'
import type { Episode } from '../model/show.js'

// Listing and showing live in episode-list.ts (they load much less); re-exported for the library.
export { listEpisodes, showEpisode } from './episode-list.js'

export interface EpisodeChanges extends EpisodeExtraOptions {
  title?: string
  description?: string
  date?: Date | string
  /** null removes the number. */
  season?: number | null
  episode?: number | null
  /** false publishes a draft: dated now unless `date` is given. */
  draft?: boolean
  explicit?: boolean
  /** Clock for a draft published without a date (tests). */
  now?: Date
}

/**
 * The changes checked and read (extras' files included) as editEpisode makes them, against
 * a media of `duration` seconds (chapters must fit it): `episodes edit --media` checks them
 * against the new media before replacing it, so a bad flag changes nothing at all.
 */
export async function checkEpisodeChanges (changes: EpisodeChanges, duration: number) {
  const title = checkTitle(changes.title)
  const pubDate = changes.date === undefined ? undefined : publicationDate(changes.date)
  const season = changes.season === null ? null : checkPositiveInteger(changes.season, 'season')
  const number = changes.episode === null ? null : checkPositiveInteger(changes.episode, 'episode')
  const persons = changes.persons?.filter(person => person.trim() !== '')
  const extras = await readEpisodeExtras({ ...changes, persons }, duration)
  return { title, pubDate, season, number, extras }
}

/**
 * Changes an episode's catalog fields and rewrites the feeds. The slug, guid, media and
 * torrent never change (apps and peers know the episode by them).
 */
export async function editEpisode (showDir: string, ref: string, changes: EpisodeChanges): Promise<Episode> {
  const dir = resolve(showDir)
  const { catalog: first } = await loadShow(dir)
  const { title, pubDate, season, number, extras } = await checkEpisodeChanges(changes, findEpisode(first, ref).duration)
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
    // A draft published now is dated now, not when it was drafted (it would sink below newer episodes).
    if (current.draft && changes.draft === false && pubDate === undefined) edited.pubDate = (changes.now ?? new Date()).toISOString()
    if (changes.explicit !== undefined) edited.explicit = changes.explicit
    if (extras.type) { if (extras.type === 'full') delete edited.type; else edited.type = extras.type }
    if (extras.persons) { if (extras.persons.length) edited.persons = extras.persons; else delete edited.persons }
    if (extras.notes) {
      edited.notesHtml = extras.notes.html
      if (changes.description === undefined) edited.description = extras.notes.text
    }
    if (extras.transcript) {
      edited.transcriptPath = transcriptPath(current.slug, extras.transcript)
      edited.transcriptType = extras.transcript.mimeType
    }
    if (extras.image === null) delete edited.imagePath
    else if (extras.image) edited.imagePath = imagePath(current.slug, extras.image)
    const chaptersPath = current.chaptersPath ?? episodeFiles(current.slug, 'json').chaptersPath
    if (extras.chapters) edited.chaptersPath = chaptersPath
    const placed: string[] = []
    try {
      await placeExtraFiles(paths, current.slug, extras, extras.chapters, chaptersPath, placed)
      catalog.episodes = catalog.episodes.map(episode => episode === current ? edited : episode)
      await commitCatalog(paths, config, catalog)
    } catch (error) {
      // Files the catalog did not point at before are removed; replaced ones cannot be restored.
      const owned = new Set([current.transcriptPath, current.chaptersPath, current.imagePath].filter(Boolean).map(path => join(paths.publicDir, path!)))
      await Promise.all(placed.filter(path => !owned.has(path)).map(path => rm(path, { force: true })))
      throw error
    }
    // Replaced by a file of another name (.vtt by .srt, .jpg by .png), or removed.
    for (const key of ['transcriptPath', 'imagePath'] as const) {
      if (current[key] && current[key] !== edited[key]) await rm(join(paths.publicDir, current[key]), { force: true })
    }
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
      for (const relative of [episode.mediaPath, episode.torrentPath, episode.chaptersPath, episode.imagePath, episode.transcriptPath]) {
        if (!relative) continue
        const path = join(paths.publicDir, relative)
        await rm(path, { force: true })
        deleted.push(path)
      }
    }
    return { episode, deleted }
  })
}
