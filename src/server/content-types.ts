import { lookup } from 'mime-types'

// The feeds need types mime-types does not know, or knows differently: podcast apps and
// validators look for application/rss+xml, JSON Feed 1.1 names application/feed+json,
// and Podcasting 2.0 names application/json+chapters for chapters files.
const FEED_TYPES: Record<string, string> = {
  'rss.xml': 'application/rss+xml; charset=utf-8',
  'p2p.xml': 'application/rss+xml; charset=utf-8',
  'atom.xml': 'application/atom+xml; charset=utf-8',
  'feed.json': 'application/feed+json; charset=utf-8'
}

const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript)$|[^;]*\+(xml|json)$)/

/**
 * The Content-Type of a file below a show's public/, from its path relative to it
 * (forward slashes): the feeds and chapters by name, everything else by extension
 * (mime-types), text types with charset=utf-8 since seedcast writes UTF-8 only.
 */
export function contentTypeFor (relativePath: string): string {
  const feed = FEED_TYPES[relativePath]
  if (feed) return feed
  if (/^chapters\/[^/]+\.json$/.test(relativePath)) return 'application/json+chapters; charset=utf-8'
  if (relativePath.endsWith('.torrent')) return 'application/x-bittorrent'
  const type = lookup(relativePath)
  if (!type) return 'application/octet-stream'
  return TEXT_TYPES.test(type) ? `${type}; charset=utf-8` : type
}
