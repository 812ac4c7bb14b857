import { access, mkdir, readdir, rm } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { SeedcastError, fileError } from '../errors.js'
import { fetchFeed } from '../feed/read/fetch-feed.js'
import { readPodcastFeed } from '../feed/read/podcast-feed.js'
import type { FeedEpisode, PodcastFeed } from '../feed/read/types.js'
import { showPaths } from '../model/paths.js'
import type { ShowConfig } from '../model/show.js'
import { initShow } from '../show/init.js'
import { loadShow } from '../show/load.js'
import { importEpisode } from './episode-import.js'
import { feedCover, showOptions, type ShowOverrides } from './show-from-feed.js'

export interface ImportOptions extends ShowOverrides {
  /** Largest episode downloaded (8 GiB when not given). */
  maxEpisodeBytes?: number
  /** Seconds without a byte before a download gives up (60 when not given). */
  timeoutSeconds?: number
  onEvent?: (event: ImportEvent) => void
  /** Progress of the episode being imported: its download, then publish's hashing. */
  onProgress?: (episode: { guid: string, title: string }, step: 'download' | 'publish', done: number, total: number) => void
  signal?: AbortSignal
}

export type ImportEvent =
  | { event: 'show', created: boolean, title: string, dir: string }
  | { event: 'episode', action: 'imported' | 'failed', guid: string, title: string, slug?: string, message?: string, code?: string }
  | { event: 'note', message: string }

export interface ImportResult {
  dir: string
  feedUrl: string
  /** True when this run made the show folder. */
  created: boolean
  show: ShowConfig
  imported: Array<{ guid: string, title: string, slug: string, pubDate: string, length: number }>
  /** Episodes of the feed the show already had (by GUID). */
  alreadyThere: number
  failed: Array<{ guid: string, title: string, message: string, code: string }>
  /** Items of the feed with no media at all, as the reader reports them. */
  skipped: string[]
  notes: string[]
  /** Episodes in the show now. */
  episodes: number
}

const IMPORT_HINT = 'check the URL and that the host is reachable'

/**
 * `seedcast import`: makes a show folder from a podcast that lives at another host (Anchor,
 * Libsyn, Castopod, WordPress…), then publishes each of its episodes the seedcast way
 * (media in public/, torrent, feeds, pages) keeping their GUIDs and dates, so subscribers
 * moved to the new feed see no episode twice. Run again, it adds only the episodes whose
 * GUID the show does not have yet (new ones, and any that failed before; a download that
 * was cut continues where it stopped). Episodes are imported oldest first, one by one:
 * each is in the show (catalog, feeds) as soon as it is done, so an interrupted import
 * loses nothing.
 */
export async function importFeed (feedUrl: string, dir: string, options: ImportOptions): Promise<ImportResult> {
  const root = resolve(dir)
  const { config: existing, empty } = await existingShow(root, feedUrl)
  const feed = await readFeed(feedUrl)
  const paths = showPaths(root)
  const workDir = join(paths.stateDir, 'import')
  const notes: string[] = []
  const note = (message: string) => { notes.push(message); options.onEvent?.({ event: 'note', message }) }
  if (feed.locked && !existing) note('the feed is podcast:locked (its owner asks other platforms not to import it): import only a show that is yours')

  let config = existing
  if (!config) {
    // Everything is checked before the folder is made, so a refused import leaves nothing.
    const init = showOptions(feed, feedUrl, options)
    await mkdir(workDir, { recursive: true }).catch(error => { throw fileError(error, workDir, 'create') })
    const coverNotes: string[] = []
    const cover = await feedCover(feed, workDir, coverNotes)
    try {
      config = (await initShow(root, { ...init, ...(cover ? { cover } : {}) })).config
    } catch (error) {
      // The folder was absent or empty: leave it so.
      if (empty) for (const entry of await readdir(root).catch(() => [])) await rm(join(root, entry), { recursive: true, force: true })
      else await rm(root, { recursive: true, force: true })
      throw error
    }
    coverNotes.forEach(note)
  }
  options.onEvent?.({ event: 'show', created: !existing, title: config.title, dir: root })

  const { catalog } = await loadShow(root)
  const known = new Set(catalog.episodes.map(episode => episode.guid))
  const result: ImportResult = { dir: root, feedUrl, created: !existing, show: config, imported: [], alreadyThere: 0, failed: [], skipped: feed.skipped, notes, episodes: 0 }
  for (const item of feed.skipped) note(`left out: ${item}`)
  // Oldest first: the show's catalog grows in the order the episodes came out.
  for (const episode of [...feed.episodes].reverse()) {
    if (known.has(episode.guid)) { result.alreadyThere++; continue }
    if (options.signal?.aborted) throw interrupted()
    try {
      const done = await importEpisode(root, episode, {
        workDir,
        maxEpisodeBytes: options.maxEpisodeBytes ?? 8 * 1024 ** 3,
        timeoutSeconds: options.timeoutSeconds ?? 60,
        onProgress: (step, bytes, total) => options.onProgress?.({ guid: episode.guid, title: episode.title }, step, bytes, total),
        signal: options.signal
      })
      done.notes.forEach(note)
      known.add(episode.guid)
      if (done.result.episode.guid !== episode.guid) continue // same media as another episode: noted
      const { slug, pubDate, length } = done.result.episode
      result.imported.push({ guid: episode.guid, title: episode.title, slug, pubDate, length })
      options.onEvent?.({ event: 'episode', action: 'imported', guid: episode.guid, title: episode.title, slug })
    } catch (error) {
      // A stop cuts the download (kept for the next run) or publish (which leaves nothing).
      if (options.signal?.aborted) throw interrupted(error)
      if (!(error instanceof SeedcastError)) throw error
      result.failed.push({ guid: episode.guid, title: episode.title, message: failure(episode, error), code: error.code })
      options.onEvent?.({ event: 'episode', action: 'failed', guid: episode.guid, title: episode.title, message: failure(episode, error), code: error.code })
    }
  }
  result.episodes = (await loadShow(root)).catalog.episodes.length
  return result
}

/**
 * Stopped (Ctrl-C): every episode published so far is in the show, the one being
 * imported is not; its partial download waits in .seedcast/import for the next run.
 */
function interrupted (cause?: unknown): SeedcastError {
  return new SeedcastError('interrupted', { code: 'EINTR', cause, hint: 'the episodes imported so far are in the show; run the same command again to continue where it stopped' })
}

function failure (episode: FeedEpisode, error: SeedcastError): string {
  const message = error.message.startsWith(`"${episode.title}"`) ? error.message : `"${episode.title}": ${error.message}`
  return error.hint ? `${message} (${error.hint})` : message
}

/**
 * The show already in `dir`, when it is an import of this feed (a re-run), or undefined
 * when `dir` is absent or empty (`empty` says which). A folder holding anything else is refused untouched.
 */
async function existingShow (root: string, feedUrl: string): Promise<{ config?: ShowConfig, empty: boolean }> {
  const paths = showPaths(root)
  let entries: string[]
  try {
    entries = await readdir(root)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { empty: false }
    throw fileError(error, root, 'read')
  }
  if (!await access(paths.showFile).then(() => true, () => false)) {
    if (entries.length === 0) return { empty: true }
    throw new SeedcastError(`${root}: not empty and not a seedcast show folder`, { code: 'ENOTSHOW', hint: 'import into a new or empty folder' })
  }
  const { config } = await loadShow(root)
  if (config.importedFrom !== feedUrl) {
    throw new SeedcastError(`${root}: already a show${config.importedFrom ? `, imported from ${config.importedFrom}` : ' not made by importing this feed'}`, { code: 'EEXIST', hint: 'import into a new or empty folder; run it again with the same feed URL to add new episodes' })
  }
  return { config, empty: false }
}

async function readFeed (feedUrl: string): Promise<PodcastFeed> {
  let fetched
  try {
    fetched = await fetchFeed(feedUrl)
  } catch (error) {
    // fetchFeed speaks to follow (which retries later); here the podcaster is waiting.
    if (error instanceof SeedcastError && (error.code === 'EFETCH' || error.code === 'EHTTP')) {
      throw new SeedcastError(error.message, { code: error.code, cause: error, hint: /HTTP 404/.test(error.message) ? 'check the feed URL' : IMPORT_HINT })
    }
    throw error
  }
  if (fetched.notModified) throw new SeedcastError(`${feedUrl}: 304 to an unconditional request`, { code: 'EHTTP', hint: IMPORT_HINT })
  return readPodcastFeed(fetched.xml, { url: fetched.url })
}
