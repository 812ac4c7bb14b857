import { access } from 'node:fs/promises'
import type { ShowPaths } from '../model/paths.js'

/**
 * True when a killed run left feeds older than the catalog: the marker commitCatalog writes
 * before the catalog and removes once the feeds are written (feeds.ts). Apart from feeds.ts so
 * that a reader (episodes list) can check it without loading the build.
 */
export async function feedsAreStale (paths: ShowPaths): Promise<boolean> {
  return access(paths.feedsStaleMarker).then(() => true, () => false)
}
