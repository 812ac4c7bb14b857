import { mkdir, open, readFile, readdir, rm } from 'node:fs/promises'
import { holdsBytes } from '../whole-file.js'
import { dirname, join } from 'node:path'
import { fileError } from '../errors.js'
import { hashOf, type EpisodeHashes } from '../feed/episode-hash.js'
import { isScheduled, sortNewestFirst } from '../feed/published.js'
import { writeAtomicParts } from '../atomic.js'
import { imageSize } from '../media/image-size.js'
import { readTranscript } from '../media/transcript.js'
import type { ShowPaths } from '../model/paths.js'
import type { Catalog, Chapter, Episode, ShowConfig } from '../model/show.js'
import { episodePageDir, renderEpisodePage } from './episode-page.js'
import type { SiteEpisode, SiteModel } from './model.js'
import { episodePageKey, folderStamps, isPageKey, sharedPageKey, type PageRecord } from './page-cache.js'
import { readPageRecords, savePageRecords, type PageRecords } from './page-records.js'
import { findPlayerBuild, installPlayer } from './player-assets.js'
import { olderItem, renderShowPage, showPageAround } from './show-page.js'
import { pageBytes, previousShowPage, writeShowPage, type PreviousShowPage } from './show-page-write.js'

export interface WriteSiteOptions {
  /** Folder of the built player (dist/web); default: the one `npm run build` made, if any. */
  playerDir?: string
  /** The episodes' hashes, when the caller has them already (writeFeeds computes them for the feeds too). */
  hashes?: EpisodeHashes
  /** The published episodes in the feeds' order, when the caller has them already (publishedEpisodes: writeFeeds sorts them once for both). */
  published?: readonly Episode[]
  /** startSiteReads, when the caller started them already (a build does, as soon as it holds the lock). */
  reads?: SiteReads
}

/**
 * What writeSite reads that does not depend on the catalog: the page records (1 MB for a
 * 5,000-episode show, read and parsed) and the listing of public/episodes/ (5,000 names).
 * Started as soon as a build holds the lock (build-reads.ts), they run in the thread pool
 * while the catalog is parsed, instead of after it in a pool busy with the feeds' copies.
 * Neither ever rejects: a missing or damaged file is no records, a missing folder no pages.
 */
export interface SiteReads {
  records: Promise<PageRecords>
  pageDirs: Promise<string[]>
  /** The last show page and its record (show-page-write.ts); its file is closed by writeSite, or by close() if writeSite never runs. */
  showPage: Promise<PreviousShowPage>
  /** Closes what was opened and not used; for a caller whose build stopped before writeSite (closing twice is harmless). */
  close: () => Promise<void>
}

export function startSiteReads (paths: ShowPaths): SiteReads {
  const showPage = previousShowPage(join(paths.publicDir, PAGE), paths.showPageFile).catch(() => ({}) as PreviousShowPage)
  return {
    records: readPageRecords(paths.sitePagesFile),
    pageDirs: readdir(join(paths.publicDir, EPISODES)).catch(() => [] as string[]),
    showPage,
    close: async () => { await (await showPage).file?.close() }
  }
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
/** Episode pages written at the same time. */
const PAGE_WRITERS = 8
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
 * A page edited by hand is left as it is until its inputs change; one whose folder was
 * deleted is written again.
 * The pages of episodes no longer published are removed. Drafts never get a page.
 */
export async function writeSite (paths: ShowPaths, config: ShowConfig, catalog: Catalog, options: WriteSiteOptions = {}): Promise<WrittenSite> {
  // Newest first, in the feeds' order; scheduled episodes (dated in the future) get their page when the feeds get their item.
  const reads = options.reads ?? startSiteReads(paths)
  try {
    return await writePages(paths, config, catalog, options, reads)
  } finally {
    // The last show page, opened for writeShowPage: closed when no page of this build used it.
    await reads.close()
  }
}

async function writePages (paths: ShowPaths, config: ShowConfig, catalog: Catalog, options: WriteSiteOptions, reads: SiteReads): Promise<WrittenSite> {
  const now = new Date()
  const published = options.published ?? sortNewestFirst(catalog.episodes.filter(episode => !episode.draft && !isScheduled(episode, now)))
  const build = await findPlayerBuild(options.playerDir)
  const assets = build ? await installPlayer(paths.publicDir, build) : {}
  const shared = { show: config, assets, ...(config.image ? { coverSize: await readImageSize(join(paths.publicDir, config.image)) } : {}) }
  const model: SiteModel = {
    ...shared,
    episodes: await Promise.all(published.slice(0, SHOW_PAGE_IN_FULL).map(episode => siteEpisode(paths, episode))),
    olderEpisodes: published.slice(SHOW_PAGE_IN_FULL)
  }

  const records = await reads.records
  const fresh = new Map<string, PageRecord>()
  const sharedKey = sharedPageKey(shared)
  // Records made for another show, player or template describe no page of this build.
  const previous = records.shared === sharedKey ? records.pages : new Map<string, PageRecord>()
  const episodesDir = join(paths.publicDir, EPISODES)
  const pageDirs = await reads.pageDirs
  const present = new Set(pageDirs)
  const stamp = folderStamps(paths.publicDir)
  const stale: Array<{ episode: Episode, path: string, key: string }> = []
  for (const episode of published) {
    const chapters = episode.chaptersPath ? stamp(episode.chaptersPath) : ''
    const transcript = episode.transcriptPath ? stamp(episode.transcriptPath) : ''
    const hash = hashOf(episode, options.hashes)
    const recorded = previous.get(episode.slug)
    // Compared in parts: the key of each of 5,000 pages, joined only to be compared, was garbage.
    if (recorded && isPageKey(recorded.key, hash, chapters, transcript) && present.has(episode.slug)) {
      fresh.set(episode.slug, recorded)
      continue
    }
    stale.push({ episode, path: join(paths.publicDir, episodePageDir(episode.slug), PAGE), key: episodePageKey(hash, chapters, transcript) })
  }

  // The records of the pages about to be written: the show page lists them with the others.
  // They are saved after every page is written (a record says its page is up to date).
  for (const page of stale) fresh.set(page.episode.slug, { key: page.key, listed: olderItem(config, page.episode) })
  // A few pages at a time: a first build of a long show writes thousands, and each write
  // waits for its fsync; in turns, those waits overlap.
  let next = 0
  const writer = async (): Promise<void> => {
    while (next < stale.length) {
      const page = stale[next++]!
      const dir = dirname(page.path)
      await mkdir(dir, { recursive: true }).catch(error => { throw fileError(error, dir, 'create') })
      const item = model.episodes.find(shown => shown.episode === page.episode) ?? await siteEpisode(paths, page.episode)
      await writeIfChanged(page.path, renderEpisodePage(model, item))
      await sweepLeftovers(dir)
    }
  }
  // The show page beside the episode pages: their fsyncs overlap.
  const showPage = join(paths.publicDir, PAGE)
  await Promise.all([
    writeShow(showPage, paths.showPageFile, model, episode => fresh.get(episode.slug)?.listed ?? olderItem(config, episode), reads.showPage),
    ...Array.from({ length: Math.min(PAGE_WRITERS, stale.length) }, writer)
  ])

  // Every published episode has a record in `fresh` (kept or about to be saved): the pages to keep.
  const removed: string[] = []
  for (const name of pageDirs) {
    // Joined only when removed: a path per page of a 5,000-episode show cost 3 MB of garbage per build.
    if (!fresh.has(name) && SLUG.test(name)) {
      const dir = join(episodesDir, name)
      await rm(dir, { recursive: true, force: true }).catch(error => { throw fileError(error, dir, 'remove') })
      removed.push(dir)
    }
  }
  await sweepLeftovers(paths.publicDir)
  await savePageRecords(paths.sitePagesFile, sharedKey, fresh, records)
  let pages: string[] | undefined
  return {
    // On first use: feed build does not ask, and 5,000 joined paths are not free.
    get pages () { return (pages ??= [showPage, ...published.map(episode => join(paths.publicDir, episodePageDir(episode.slug), PAGE))]) },
    removed,
    player: Boolean(assets.js)
  }
}

/** An episode with what its page shows beyond the catalog entry. */
async function siteEpisode (paths: ShowPaths, episode: Episode): Promise<SiteEpisode> {
  return {
    episode,
    chapters: episode.chaptersPath ? await readChapters(join(paths.publicDir, episode.chaptersPath)) : [],
    ...(episode.transcriptPath ? await readTranscriptText(join(paths.publicDir, episode.transcriptPath)) : {})
  }
}

async function writeIfChanged (path: string, html: string): Promise<void> {
  const bytes = pageBytes(html)
  if (!await holdsBytes(path, bytes)) await writeAtomicParts(path, [bytes])
}

/** The show page: with older episodes, its lines of them copied from the last build's page when they are the same (show-page-write.ts). */
async function writeShow (path: string, recordFile: string, model: SiteModel, listed: (episode: Episode) => string, previous: Promise<PreviousShowPage>): Promise<void> {
  const around = showPageAround(model)
  if (around) await writeShowPage(path, recordFile, around, model.olderEpisodes!.map(listed), previous)
  else await writeIfChanged(path, renderShowPage(model, listed))
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
