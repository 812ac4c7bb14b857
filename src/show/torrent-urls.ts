import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { SeedcastError, fileError } from '../errors.js'
import { writeAtomic } from '../atomic.js'
import { showTrackers } from '../feed/trackers.js'
import { publicUrl } from '../feed/urls.js'
import type { ShowPaths } from '../model/paths.js'
import { placeFile } from './reservations.js'
import { parseMetainfo } from '../torrent/metainfo.js'
import { retargetTorrent } from '../torrent/retarget.js'
import type { Catalog, Episode, ShowConfig } from '../model/show.js'

/** The trackers and web seeds an episode's .torrent should carry for the show as it is configured. */
export function torrentUrlsFor (config: ShowConfig, episode: Episode, current: string[] = []): { announce: string[][], webSeeds: string[] } {
  const media = publicUrl(config, episode.mediaPath)
  // The show's own media URL under any earlier base URL ends in the episode's public path;
  // it is replaced. Other web seeds (a mirror or CDN added by hand) are kept.
  const others = current.filter(url => url !== media && !url.endsWith(`/${episode.mediaPath}`))
  return { announce: showTrackers(config).map(tracker => [tracker]), webSeeds: [media, ...others] }
}

/** What the torrents were last brought in line with, so an unchanged show skips reading them. */
function urlState (config: ShowConfig): string {
  return JSON.stringify({ baseUrl: config.baseUrl, trackers: config.trackers }) + '\n'
}

/**
 * syncTorrentUrls, unless the torrents were already synced to this base URL and these
 * trackers (recorded in .seedcast/torrent-urls): `feed build` after a hand edit of
 * show.json fixes the torrents, and costs nothing otherwise. Call it holding the lock.
 */
export async function syncTorrentUrlsIfChanged (paths: ShowPaths, config: ShowConfig, catalog: Catalog): Promise<string[]> {
  const marker = join(paths.stateDir, 'torrent-urls')
  const state = urlState(config)
  if (await readFile(marker, 'utf8').catch(() => '') === state) return []
  const rewritten = await syncTorrentUrls(paths, config, catalog)
  await writeAtomic(marker, state)
  return rewritten
}

/**
 * Brings every episode's .torrent in line with show.json: trackers and web seeds are
 * rewritten outside the info dictionary (the infohash never changes), each file atomically,
 * and only when it differs. Call it holding the show lock. Returns the slugs rewritten.
 */
export async function syncTorrentUrls (paths: ShowPaths, config: ShowConfig, catalog: Catalog): Promise<string[]> {
  const rewritten: string[] = []
  await mkdir(paths.tmpDir, { recursive: true }).catch(error => { throw fileError(error, paths.tmpDir, 'create') })
  for (const episode of catalog.episodes) {
    const path = join(paths.publicDir, episode.torrentPath)
    const bytes = await readFile(path).catch(error => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw fileError(error, path, 'read')
    })
    if (!bytes) continue // a missing .torrent is feed lint's to report; there is nothing to rewrite
    let updated: Buffer
    try {
      updated = retargetTorrent(bytes, torrentUrlsFor(config, episode, parseMetainfo(bytes).webSeeds))
    } catch (error) {
      if (error instanceof SeedcastError) throw new SeedcastError(`${path}: ${error.message}`, { code: error.code, hint: 'publish the episode again, or remove it with `seedcast episodes remove`' })
      throw error
    }
    if (updated.equals(bytes)) continue
    await placeFile(paths, path, updated)
    rewritten.push(episode.slug)
  }
  return rewritten
}

