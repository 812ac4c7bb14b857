import { resolve } from 'node:path'
import { SeedcastError } from '../errors.js'
import { loadShow, type LoadedShow } from '../show/load.js'
import { decodedPath } from './target.js'

/** A show folder and the URL path its public/ is served at. */
export interface MountedShow extends LoadedShow {
  /** The path of the show's base URL, always starting and ending with "/" (e.g. "/" or "/fieldnotes/"). */
  mountPath: string
}

/**
 * The URL path a show is served at: its base URL's path, so every URL in its feeds and
 * torrents (base URL + path below public/) is answered by this server when the base URL
 * names it (directly or through a reverse proxy that keeps the path).
 */
export function mountPathOf (baseUrl: string): string {
  const { pathname } = new URL(baseUrl)
  return pathname.endsWith('/') ? pathname : `${pathname}/`
}

/**
 * Loads every show folder and gives each its mount path. Two shows at the same path, or
 * the same folder twice, cannot both be served: that is a SeedcastError naming both.
 */
export async function mountShows (dirs: string[]): Promise<MountedShow[]> {
  if (dirs.length === 0) throw new SeedcastError('no show folder to serve', { code: 'EUSAGE', hint: 'give one or more show folders (made by `seedcast init`)' })
  const shows: MountedShow[] = []
  for (const dir of dirs) {
    const show = await loadShow(resolve(dir))
    shows.push({ ...show, mountPath: mountPathOf(show.config.baseUrl) })
  }
  const byPath = new Map<string, MountedShow>()
  for (const show of shows) {
    // Compared decoded: /shows/%74ea/ and /shows/tea/ are one path.
    const key = decodedPath(show.mountPath)
    const other = byPath.get(key)
    if (other) {
      const same = other.paths.root === show.paths.root
      throw new SeedcastError(same
        ? `${show.paths.root}: the same show folder is given twice`
        : `${other.paths.root} and ${show.paths.root} both want the URL path ${show.mountPath} (base URLs ${other.config.baseUrl} and ${show.config.baseUrl})`, {
        code: 'EMOUNT',
        hint: same ? 'give each show folder once' : 'give each show its own base URL path (change one with `seedcast show edit`)'
      })
    }
    byPath.set(key, show)
  }
  return shows
}
