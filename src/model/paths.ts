import { join } from 'node:path'

/**
 * Where everything of a show folder lives (see show.ts for the layout). Paths under
 * public/ are also URL paths below the show's base URL.
 */
export interface ShowPaths {
  root: string
  showFile: string
  catalogFile: string
  /** .seedcast/: lock, temp files, slug reservations; never published. */
  stateDir: string
  tmpDir: string
  reservationsDir: string
  lockFile: string
  /** Present while the catalog is newer than the feeds (between the two writes). */
  feedsStaleMarker: string
  /** Where each item sits in the feeds last written, so the next build copies unchanged items. */
  feedIndexFile: string
  /** What each episode page was written from, so the next build renders only changed pages (src/site/page-cache.ts). */
  sitePagesFile: string
  /** Where the older-episode lines sit in the show page last written, so the next build copies them (src/site/show-page-write.ts). */
  showPageFile: string
  publicDir: string
  mediaDir: string
  torrentsDir: string
  chaptersDir: string
}

export function showPaths (root: string): ShowPaths {
  const stateDir = join(root, '.seedcast')
  const publicDir = join(root, 'public')
  return {
    root,
    showFile: join(root, 'show.json'),
    catalogFile: join(root, 'episodes.json'),
    stateDir,
    tmpDir: join(stateDir, 'tmp'),
    reservationsDir: join(stateDir, 'reservations'),
    lockFile: join(stateDir, 'lock'),
    feedsStaleMarker: join(stateDir, 'feeds-stale'),
    feedIndexFile: join(stateDir, 'feed-items.json'),
    sitePagesFile: join(stateDir, 'site-pages.json'),
    showPageFile: join(stateDir, 'show-page.json'),
    publicDir,
    mediaDir: join(publicDir, 'media'),
    torrentsDir: join(publicDir, 'torrents'),
    chaptersDir: join(publicDir, 'chapters')
  }
}

/** Relative paths below public/ (and so below the base URL) of an episode's files. */
export function episodeFiles (slug: string, extension: string): { mediaPath: string, torrentPath: string, chaptersPath: string } {
  return {
    mediaPath: `media/${slug}.${extension}`,
    torrentPath: `torrents/${slug}.torrent`,
    chaptersPath: `chapters/${slug}.json`
  }
}
