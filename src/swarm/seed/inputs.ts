import { stat } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { SeedcastError, fileError } from '../../errors.js'
import { loadShow, type LoadedShow } from '../../show/load.js'
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
}

/** What seedTorrents accepts: a .torrent path, a show folder path, or a show already loaded (serve --seed). */
export type SeedInput = string | LoadedShow

/**
 * Expands the inputs into torrents to seed. A path to a file is a .torrent; a folder
 * must be a show folder, read by show/load: every published (non-draft) episode of its
 * catalog is seeded, its data in public/ next to the media path. A show handed in
 * already loaded (serve --seed) is not read again.
 * A torrent's data is looked for under `data` first, then next to the .torrent.
 * Bad inputs (missing path, not a torrent, not a show folder) throw a SeedcastError.
 */
export async function resolveSeedInputs (inputs: SeedInput[], options: { data?: string } = {}): Promise<SeedItem[]> {
  const items: SeedItem[] = []
  const dataRoot = options.data ? resolve(options.data) : undefined
  for (const input of inputs) {
    if (typeof input !== 'string') {
      items.push(...await showItems(input.paths.root, input, dataRoot))
      continue
    }
    // A magnet or URL is no path: stat would fail with ENAMETOOLONG or ENOENT on it.
    if (/^(magnet:|[a-z][a-z0-9+.-]*:\/\/)/i.test(input)) {
      throw new SeedcastError(`${input.length > 60 ? input.slice(0, 57) + '...' : input}: seed takes .torrent files and show folders, not magnets or URLs`, { code: 'EUSAGE', hint: 'fetch it first with `seedcast get <magnet-or-url> --seed`, or follow a feed with `seedcast follow add <feed-url>` and `seedcast follow run`' })
    }
    const path = resolve(input)
    let info
    try {
      info = await stat(path)
    } catch (err) {
      throw fileError(err, input)
    }
    if (info.isDirectory()) {
      items.push(...await showItems(input, await loadShow(path), dataRoot))
    } else {
      const meta = readMetainfo(path)
      items.push({ input, torrentPath: path, meta, dataFolders: withData(dataRoot, [dirname(path)]) })
    }
  }
  return items
}

function withData (dataRoot: string | undefined, folders: string[]): string[] {
  return dataRoot ? [dataRoot, ...folders] : folders
}

async function showItems (input: string, show: LoadedShow, dataRoot: string | undefined): Promise<SeedItem[]> {
  const { publicDir, mediaDir } = show.paths
  const items: SeedItem[] = []
  for (const episode of show.catalog.episodes) {
    if (episode.draft) continue
    const torrentPath = join(publicDir, episode.torrentPath)
    const meta = readMetainfo(torrentPath)
    const mediaFolder = join(publicDir, dirname(episode.mediaPath))
    const folders = basename(episode.mediaPath) === meta.safeName ? [mediaFolder] : [mediaDir]
    items.push({ input, torrentPath, meta, dataFolders: withData(dataRoot, folders) })
  }
  return items
}
