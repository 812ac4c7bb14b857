import { mkdir, open, readFile, readdir, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileError } from '../errors.js'
import { isScheduled } from '../feed/published.js'
import { writeAtomic } from '../atomic.js'
import { imageSize } from '../media/image-size.js'
import { readTranscript } from '../media/transcript.js'
import type { ShowPaths } from '../model/paths.js'
import type { Catalog, Chapter, Episode, ShowConfig } from '../model/show.js'
import { episodePageDir, renderEpisodePage } from './episode-page.js'
import type { SiteEpisode, SiteModel } from './model.js'
import { episodePageKey, fileStamp, pageOnDisk, readPageRecords, savePageRecords, sharedPageKey, type PageRecord } from './page-cache.js'
import { findPlayerBuild, installPlayer } from './player-assets.js'
import { renderShowPage } from './show-page.js'

export interface WriteSiteOptions {
  /** Folder of the built player (dist/web); default: the one `npm run build` made, if any. */
  playerDir?: string
}

export interface WrittenSite {
  /** Absolute paths of the pages (written or already up to date). */
  pages: string[]
  /** Episode pages removed (episodes removed or made drafts). */
  removed: string[]
  /** True when the player's script is linked from the pages. */
  player: boolean
}

const PAGE = 'index.html'
/** Episodes shown in full (player, chapters, downloads) on the show page; older ones are listed as links. */
export const SHOW_PAGE_IN_FULL = 50
const EPISODES = 'episodes'
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/
/** write-file-atomic's temp files "<name>.<number>" (see feeds.ts), and the service worker's temp copy. */
const PAGE_LEFTOVER = /^(?:index\.html\.\d+|seedcast-sw\.js\.\d+\.tmp)$/

/**
 * Writes the show's web pages into public/ from the catalog: index.html (the show) and
 * episodes/<slug>/index.html per published episode, with the player's built assets when
 * there are any. Call it holding the show lock. Each page is written atomically and only
 * when its bytes change; an episode page whose inputs are those of the last build is not
 * even rendered (page-cache.ts), so a publish costs one page, not the whole back catalogue.
 * The pages of episodes no longer published are removed. Drafts never get a page.
 */
export async function writeSite (paths: ShowPaths, config: ShowConfig, catalog: Catalog, options: WriteSiteOptions = {}): Promise<WrittenSite> {
  // Scheduled episodes (dated in the future) get their page when the feeds get their item.
  const now = new Date()
  const published = catalog.episodes.filter(episode => !episode.draft && !isScheduled(episode, now)).sort((a, b) => b.pubDate.localeCompare(a.pubDate))
  const build = await findPlayerBuild(options.playerDir)
  const assets = build ? await installPlayer(paths.publicDir, build) : {}
  const shared = { show: config, assets, ...(config.image ? { coverSize: await readImageSize(join(paths.publicDir, config.image)) } : {}) }
  const model: SiteModel = {
    ...shared,
    episodes: await Promise.all(published.slice(0, SHOW_PAGE_IN_FULL).map(episode => siteEpisode(paths, episode))),
    olderEpisodes: published.slice(SHOW_PAGE_IN_FULL)
  }

  const records = await readPageRecords(paths.sitePagesFile)
  const fresh = new Map<string, PageRecord>()
  const sharedKey = sharedPageKey(shared)
  const stale = published.flatMap(episode => {
    const path = join(paths.publicDir, episodePageDir(episode.slug), PAGE)
    const chapters = episode.chaptersPath ? fileStamp(join(paths.publicDir, episode.chaptersPath)) : ''
    const transcript = episode.transcriptPath ? fileStamp(join(paths.publicDir, episode.transcriptPath)) : ''
    const key = episodePageKey(sharedKey, episode, chapters, transcript)
    const recorded = records.get(episode.slug)
    const onDisk = recorded?.key === key ? pageOnDisk(path, key) : undefined
    if (onDisk && onDisk.size === recorded!.size && onDisk.mtimeMs === recorded!.mtimeMs) {
      fresh.set(episode.slug, recorded!)
      return []
    }
    return [{ episode, path, key }]
  })

  const pages = published.map(episode => join(paths.publicDir, episodePageDir(episode.slug), PAGE))
  for (const page of stale) {
    const dir = dirname(page.path)
    await mkdir(dir, { recursive: true }).catch(error => { throw fileError(error, dir, 'create') })
    const item = model.episodes.find(shown => shown.episode === page.episode) ?? await siteEpisode(paths, page.episode)
    await writeIfChanged(page.path, renderEpisodePage(model, item))
    await sweepLeftovers(dir)
    const written = pageOnDisk(page.path, page.key)
    if (written) fresh.set(page.episode.slug, written)
  }
  pages.unshift(await writeIfChanged(join(paths.publicDir, PAGE), renderShowPage(model)))

  const keep = new Set(published.map(episode => episode.slug))
  const removed: string[] = []
  const episodesDir = join(paths.publicDir, EPISODES)
  for (const name of await readdir(episodesDir).catch(() => [] as string[])) {
    const dir = join(episodesDir, name)
    if (SLUG.test(name) && !keep.has(name)) {
      await rm(dir, { recursive: true, force: true }).catch(error => { throw fileError(error, dir, 'remove') })
      removed.push(dir)
    }
  }
  await sweepLeftovers(paths.publicDir)
  await savePageRecords(paths.sitePagesFile, fresh)
  return { pages, removed, player: Boolean(assets.js) }
}

/** An episode with what its page shows beyond the catalog entry. */
async function siteEpisode (paths: ShowPaths, episode: Episode): Promise<SiteEpisode> {
  return {
    episode,
    chapters: episode.chaptersPath ? await readChapters(join(paths.publicDir, episode.chaptersPath)) : [],
    ...(episode.transcriptPath ? await readTranscriptText(join(paths.publicDir, episode.transcriptPath)) : {})
  }
}

async function writeIfChanged (path: string, html: string): Promise<string> {
  const current = await readFile(path, 'utf8').catch(() => undefined)
  if (current !== html) await writeAtomic(path, html)
  return path
}

/** Temp files of a writer killed mid-write (the lock is held, so none is live). */
async function sweepLeftovers (dir: string): Promise<void> {
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (PAGE_LEFTOVER.test(name)) await rm(join(dir, name), { force: true })
  }
}

/** Chapters from a Podcasting 2.0 chapters file; none when it is missing or unreadable. */
async function readChapters (path: string): Promise<Chapter[]> {
  try {
    const document = JSON.parse(await readFile(path, 'utf8')) as { chapters?: unknown }
    if (!Array.isArray(document.chapters)) return []
    return document.chapters.filter((chapter): chapter is Chapter =>
      typeof chapter === 'object' && chapter !== null && typeof chapter.startTime === 'number' && typeof chapter.title === 'string')
  } catch {
    return []
  }
}

/** The spoken text of a transcript file, a paragraph per cue; nothing when it is missing or unreadable (the page still links the file through the feeds). */
async function readTranscriptText (path: string): Promise<{ transcript?: string }> {
  try {
    const { cues } = await readTranscript(path)
    return { transcript: cues.map(cue => cue.text).join('\n\n') }
  } catch {
    return {}
  }
}

/** The cover's pixel size from its header (the first 64 KiB hold it in any sane JPEG or PNG). */
async function readImageSize (path: string): Promise<{ width: number, height: number } | undefined> {
  const file = await open(path, 'r').catch(() => undefined)
  if (!file) return undefined
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(65_536), 0, 65_536, 0)
    const size = imageSize(buffer.subarray(0, bytesRead))
    return size ? { width: size.width, height: size.height } : undefined
  } finally {
    await file.close()
  }
}
