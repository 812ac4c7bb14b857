import { access, readFile, readdir, stat } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { SeedcastError, fileError } from '../errors.js'
import type { Catalog } from '../show/types.js'
import { readTorrentMeta, type TorrentMeta } from './torrent-meta.js'

/** One torrent to seed and the folders where its data may be (first match wins). */
export interface SeedItem {
  /** The command-line input it came from (a .torrent path or a show folder). */
  input: string
  torrentPath: string
  meta: TorrentMeta
  /** Candidate data folders: the data is `<folder>/<file path>` (file paths start with the torrent name). */
  dataFolders: string[]
}

/**
 * Expands the inputs into torrents to seed. A path to a file is a .torrent; a folder
 * must be a show folder (show.json): every published (non-draft) episode of its
 * episodes.json is seeded, its data in public/ next to the media path; without a
 * catalog, every public/torrents/*.torrent with data in public/media/.
 * A torrent's data is looked for under `data` first, then next to the .torrent.
 * Bad inputs (missing path, not a torrent, not a show folder) throw a SeedcastError.
 */
export async function resolveSeedInputs (inputs: string[], options: { data?: string } = {}): Promise<SeedItem[]> {
  const items: SeedItem[] = []
  const dataRoot = options.data ? resolve(options.data) : undefined
  for (const input of inputs) {
    // A magnet or URL is no path: stat would fail with ENAMETOOLONG or ENOENT on it.
    if (/^(magnet:|[a-z][a-z0-9+.-]*:\/\/)/i.test(input)) {
      throw new SeedcastError(`${input.length > 60 ? input.slice(0, 57) + '...' : input}: seed takes .torrent files and show folders, not magnets or URLs`, { code: 'EUSAGE', exitCode: 2, hint: 'fetch it first with `seedcast get <magnet-or-url> --seed`, or follow a feed with `seedcast follow add <feed-url>` and `seedcast follow run`' })
    }
    const path = resolve(input)
    let info
    try {
      info = await stat(path)
    } catch (err) {
      throw fileError(err, input)
    }
    if (info.isDirectory()) {
      items.push(...await showFolderItems(input, path, dataRoot))
    } else {
      const meta = await readTorrentMeta(path)
      items.push({ input, torrentPath: path, meta, dataFolders: withData(dataRoot, [dirname(path)]) })
    }
  }
  return items
}

function withData (dataRoot: string | undefined, folders: string[]): string[] {
  return dataRoot ? [dataRoot, ...folders] : folders
}

async function showFolderItems (input: string, folder: string, dataRoot: string | undefined): Promise<SeedItem[]> {
  try {
    await access(join(folder, 'show.json'))
  } catch {
    throw new SeedcastError(`${input}: not a show folder (no show.json)`, { code: 'ENOTSHOW', hint: 'give .torrent files or a folder made by `seedcast init`' })
  }
  const publicDir = join(folder, 'public')
  const catalog = await readCatalog(join(folder, 'episodes.json'))
  const items: SeedItem[] = []
  if (catalog) {
    for (const episode of catalog.episodes) {
      if (episode.draft) continue
      const torrentPath = join(publicDir, episode.torrentPath)
      const meta = await readTorrentMeta(torrentPath)
      const mediaFolder = join(publicDir, dirname(episode.mediaPath))
      const folders = basename(episode.mediaPath) === meta.name ? [mediaFolder] : [join(publicDir, 'media')]
      items.push({ input, torrentPath, meta, dataFolders: withData(dataRoot, folders) })
    }
    return items
  }
  let names: string[] = []
  try {
    names = (await readdir(join(publicDir, 'torrents'))).filter(name => name.endsWith('.torrent')).sort()
  } catch {
    // no torrents folder: nothing published yet
  }
  for (const name of names) {
    const torrentPath = join(publicDir, 'torrents', name)
    const meta = await readTorrentMeta(torrentPath)
    items.push({ input, torrentPath, meta, dataFolders: withData(dataRoot, [join(publicDir, 'media')]) })
  }
  return items
}

async function readCatalog (path: string): Promise<Catalog | undefined> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw fileError(err, path)
  }
  try {
    const catalog = JSON.parse(text) as Catalog
    if (!Array.isArray(catalog.episodes)) throw new Error('no "episodes" list')
    return catalog
  } catch (err) {
    throw new SeedcastError(`${path}: not a valid episode catalog (${(err as Error).message})`, { code: 'EBADCATALOG' })
  }
}
