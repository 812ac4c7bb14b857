import { stat } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { SeedcastError, fileError, type ErrorCode } from '../../errors.js'
import { isScheduled } from '../../feed/published.js'
import type { Episode } from '../../model/show.js'
import type { ShowPaths } from '../../model/paths.js'
import type { LoadedShow } from '../../show/load.js'
import { readMetainfo } from '../../torrent/inspect.js'
import type { Metainfo } from '../../torrent/metainfo.js'

/** One torrent to seed and the folders where its data may be (first match wins). */
export interface SeedItem {
  /** The command-line input it came from (a .torrent path or a show folder). */
  input: string
  torrentPath: string
  /** Read by seedcast's one reader: the same names and safe paths `info`, `verify` and `get` see. */
  meta: Metainfo
  /**
   * Candidate data folders: a file's data is `<folder>/<its safe path>` (safe paths start
   * with the torrent's sanitised name), where `get` writes it.
   */
  dataFolders: string[]
  /** The show folder it belongs to, when it came from one. */
  show?: string
}

/**
 * An episode of a show left out because its .torrent cannot be used (unreadable, or not
 * the torrent the catalog names): reported as a warning, while the show's other episodes
 * seed. A single damaged file must not keep a whole seed box from starting.
 */
export interface SkippedEpisode { input: string, torrentPath: string, code: ErrorCode, message: string }

/** What seedTorrents accepts: a .torrent path, a show folder path, or a show already loaded (serve --seed). */
export type SeedInput = string | LoadedShow

/**
 * Expands the inputs into torrents to seed. A path to a file is a .torrent; a folder
 * must be a show folder, read by show/load: every published (non-draft) episode of its
 * catalog is seeded, its data in public/ next to the media path. A show handed in
 * already loaded (serve --seed) is not read again.
 * A torrent's data is looked for under `data` first, then next to the .torrent.
 * Bad inputs (missing path, not a torrent, not a show folder) throw a SeedcastError; a
 * show's episode whose .torrent cannot be used is added to `skipped` instead.
 */
export async function resolveSeedInputs (inputs: SeedInput[], options: { data?: string, skipped?: SkippedEpisode[] } = {}): Promise<SeedItem[]> {
  const items: SeedItem[] = []
  const dataRoot = options.data ? resolve(options.data) : undefined
  for (const input of inputs) {
    if (typeof input !== 'string') {
      items.push(...await showItems(input.paths.root, input, dataRoot, options.skipped))
      continue
    }
    if (isRemote(input)) {
      throw new SeedcastError(`${input.length > 60 ? input.slice(0, 57) + '...' : input}: seed takes .torrent files and show folders, not magnets or URLs`, { code: 'EUSAGE', hint: 'fetch it first with `seedcast get`, which can seed it afterwards, or follow a feed with `seedcast follow add <feed-url>` and `seedcast follow run`' })
    }
    const path = resolve(input)
    let info
    try {
      info = await stat(path)
    } catch (err) {
      throw fileError(err, input)
    }
    if (info.isDirectory()) {
      // Loaded for a show folder only: show/load validates with zod (95 modules, about
      // 1 MiB of a seeder's heap for its whole life), which .torrent inputs never need.
      const { loadShow } = await import('../../show/load.js')
      items.push(...await showItems(input, await loadShow(path), dataRoot, options.skipped))
    } else {
      const meta = readMetainfo(path)
      items.push({ input, torrentPath: path, meta, dataFolders: withData(dataRoot, [dirname(path)]) })
    }
  }
  return items
}

/** The show folders among the inputs (already loaded, or paths to folders), resolved. */
export async function showFolders (inputs: SeedInput[]): Promise<string[]> {
  const folders: string[] = []
  for (const input of inputs) {
    if (typeof input !== 'string') folders.push(resolve(input.paths.root))
    else if (!isRemote(input) && await stat(input).then(info => info.isDirectory(), () => false)) folders.push(resolve(input))
  }
  return [...new Set(folders)]
}

/** A magnet or URL is no path: stat would fail with ENAMETOOLONG or ENOENT on it. */
function isRemote (input: string): boolean {
  return /^(magnet:|[a-z][a-z0-9+.-]*:\/\/)/i.test(input)
}

function withData (dataRoot: string | undefined, folders: string[]): string[] {
  return dataRoot ? [dataRoot, ...folders] : folders
}

async function showItems (input: string, show: LoadedShow, dataRoot: string | undefined, skipped?: SkippedEpisode[]): Promise<SeedItem[]> {
  // A scheduled episode is not announced before its date (its infohash would leak it).
  return showEpisodeItems(input, show.paths, show.catalog.episodes.filter(episode => !episode.draft && !isScheduled(episode)), dataRoot, skipped)
}

/** The seed items of some episodes of a show (each .torrent read from public/). */
export async function showEpisodeItems (input: string, paths: ShowPaths, episodes: Episode[], dataRoot: string | undefined, skipped: SkippedEpisode[] = []): Promise<SeedItem[]> {
  const { publicDir, mediaDir } = paths
  const items: SeedItem[] = []
  for (const episode of episodes) {
    const torrentPath = join(publicDir, episode.torrentPath)
    let meta: Metainfo
    try {
      meta = readMetainfo(torrentPath)
    } catch (err) {
      if (!(err instanceof SeedcastError)) throw err
      skipped.push({ input, torrentPath, code: err.code, message: `${err.message}; not seeding episode ${episode.slug}` })
      continue
    }
    // Another episode's torrent copied over it (or an older one): seeding it would serve the
    // wrong file under this episode's name, or look like the same torrent listed twice.
    if (meta.infoHash !== episode.infoHash) {
      skipped.push({ input, torrentPath, code: 'ECORRUPT', message: `${torrentPath}: its infohash is ${meta.infoHash}, the catalog says ${episode.infoHash} for episode ${episode.slug} (replaced by another torrent?); not seeding it` })
      continue
    }
    const mediaFolder = join(publicDir, dirname(episode.mediaPath))
    const folders = basename(episode.mediaPath) === meta.safeName ? [mediaFolder] : [mediaDir]
    items.push({ input, torrentPath, meta, dataFolders: withData(dataRoot, folders), show: resolve(paths.root) })
  }
  return items
}
