import type { Episode, ShowConfig } from '../show/types.js'
import { renderAtom } from './atom.js'
import { renderJsonFeed } from './json-feed.js'
import { publishedEpisodes } from './published.js'
import { renderRssFeeds } from './rss.js'

/** The four feed files at the root of public/, by file name. */
export interface RenderedFeeds {
  'rss.xml': string
  'p2p.xml': string
  'atom.xml': string
  'feed.json': string
}

/**
 * Renders every feed of a show from its config and catalog. Pure: same input, same bytes
 * (dates come from the episodes, never the clock). Drafts are left out; newest first.
 */
export function renderFeeds (show: ShowConfig, episodes: Episode[]): RenderedFeeds {
  const published = publishedEpisodes(show, episodes)
  const rss = renderRssFeeds(show, published)
  return {
    'rss.xml': rss.rss,
    'p2p.xml': rss.p2p,
    'atom.xml': renderAtom(show, published),
    'feed.json': renderJsonFeed(show, published)
  }
}
