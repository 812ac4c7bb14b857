import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileError } from '../errors.js'
import { writeAtomic } from '../atomic.js'
import { renderFeeds } from '../feed/render.js'
import { FEED_FILES, feedUrls as feedUrlsOf } from '../feed/urls.js'
import type { ShowPaths } from '../model/paths.js'
import type { Catalog, ShowConfig } from '../model/show.js'
import { escapeText } from '../feed/xml-text.js'

/** Folder of the show (beside public/) where the feeds for the old location are written. */
export const REDIRECT_DIR = 'old-location'

export interface RedirectFeeds {
  /** The folder holding rss.xml and p2p.xml for the old base URL. */
  dir: string
  /** Old feed URL → new feed URL. */
  moved: Record<string, string>
}

/**
 * After a move to a new base URL: the RSS feeds as they were at the old location (old URLs,
 * every episode) plus <itunes:new-feed-url> naming the new feed, the way podcast apps and
 * directories learn that a show moved. They are written to <show>/old-location/, to be
 * copied over the old host's rss.xml and p2p.xml; public/ itself only holds the new feeds.
 */
export async function writeRedirectFeeds (paths: ShowPaths, before: ShowConfig, after: ShowConfig, catalog: Catalog): Promise<RedirectFeeds> {
  const dir = join(paths.root, REDIRECT_DIR)
  await mkdir(dir, { recursive: true }).catch(error => { throw fileError(error, dir, 'create') })
  const feeds = renderFeeds(before, catalog.episodes)
  const oldUrls = feedUrlsOf(before)
  const newUrls = feedUrlsOf(after)
  const moved: Record<string, string> = {}
  for (const [key, file] of [['rss', FEED_FILES.rss], ['p2p', FEED_FILES.p2p]] as const) {
    await writeAtomic(join(dir, file), withNewFeedUrl(feeds[file], newUrls[key]))
    moved[oldUrls[key]] = newUrls[key]
  }
  return { dir, moved }
}

/** Puts <itunes:new-feed-url> in the channel, before the first item. */
export function withNewFeedUrl (xml: string, url: string): string {
  const tag = `    <itunes:new-feed-url>${escapeText(url)}</itunes:new-feed-url>\n`
  const at = xml.indexOf('    <item>')
  const end = at >= 0 ? at : xml.lastIndexOf('  </channel>')
  return xml.slice(0, end) + tag + xml.slice(end)
}
