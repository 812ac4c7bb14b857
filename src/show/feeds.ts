import { access, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { fileError } from '../errors.js'
import { writeAtomic, writeJsonAtomic } from './atomic.js'
import { renderFeeds } from './engines.js'
import { loadShow, readShowConfig } from './load.js'
import { withShowLock } from './lock.js'
import { FEED_FILES, showPaths, type ShowPaths } from './paths.js'
import type { Catalog, ShowConfig } from './types.js'

/** Writes the four feeds of public/ from the catalog, each one atomically. */
export async function writeFeeds (paths: ShowPaths, config: ShowConfig, catalog: Catalog): Promise<Record<string, string>> {
  const feeds = renderFeeds(config, catalog.episodes)
  const written: Record<string, string> = {}
  // In parallel: each write is atomic on its own, and their fsyncs overlap.
  await Promise.all(FEED_FILES.map(async file => {
    const path = join(paths.publicDir, file)
    await writeAtomic(path, feeds[file])
    written[file] = path
  }))
  return written
}

/**
 * Saves a changed catalog and the feeds made from it; call it holding the show lock.
 * The catalog is the commit point. A marker file lives between the catalog write and
 * the last feed write, so a process killed in that window leaves a trace, and the next
 * seedcast command on the show (repairFeeds) rebuilds the feeds before anything else.
 */
export async function commitCatalog (paths: ShowPaths, config: ShowConfig, catalog: Catalog): Promise<Record<string, string>> {
  await writeAtomic(paths.feedsStaleMarker, `${process.pid}\n`)
  await writeJsonAtomic(paths.catalogFile, catalog)
  const feeds = await writeFeeds(paths, config, catalog)
  await rm(paths.feedsStaleMarker, { force: true }).catch(error => { throw fileError(error, paths.feedsStaleMarker, 'remove') })
  return feeds
}

/** Feeds from an unchanged catalog; clears the stale marker once they are all written. */
async function rebuildFeeds (paths: ShowPaths, config: ShowConfig, catalog: Catalog): Promise<Record<string, string>> {
  const feeds = await writeFeeds(paths, config, catalog)
  await rm(paths.feedsStaleMarker, { force: true }).catch(error => { throw fileError(error, paths.feedsStaleMarker, 'remove') })
  return feeds
}

/** True when a killed run left feeds older than the catalog. */
export async function feedsAreStale (paths: ShowPaths): Promise<boolean> {
  return access(paths.feedsStaleMarker).then(() => true, () => false)
}

/** Rebuilds the feeds if a killed run left them older than the catalog; holds the lock. */
export async function repairFeeds (dir: string): Promise<boolean> {
  const paths = showPaths(dir)
  if (!await feedsAreStale(paths)) return false
  await readShowConfig(paths)
  return withShowLock(dir, async () => {
    if (!await feedsAreStale(paths)) return false
    const fresh = await loadShow(dir)
    await rebuildFeeds(fresh.paths, fresh.config, fresh.catalog)
    return true
  })
}

export interface BuiltFeeds { feeds: Record<string, string>, episodes: number, published: number }

/** `seedcast feed build`: regenerates every feed of the show from its catalog. */
export async function buildFeeds (dir: string): Promise<BuiltFeeds> {
  await readShowConfig(showPaths(dir)) // a clear error for a folder that is no show, before taking the lock
  return withShowLock(dir, async () => {
    const { paths, config, catalog } = await loadShow(dir)
    const feeds = await rebuildFeeds(paths, config, catalog)
    return { feeds, episodes: catalog.episodes.length, published: catalog.episodes.filter(episode => !episode.draft).length }
  })
}
