import { child, children, parseXml, prefixFor, text, type XmlNode } from './xml-tree.js'

const ITUNES_URIS = ['http://www.itunes.com/dtds/podcast-1.0.dtd', 'https://www.itunes.com/dtds/podcast-1.0.dtd']
const PODCAST_URIS = [
  'https://podcastindex.org/namespace/1.0',
  'http://podcastindex.org/namespace/1.0',
  'https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md'
]
const ATOM_URIS = ['http://www.w3.org/2005/Atom']

/**
 * An RSS feed ready for the checks: the channel, its items, and element names resolved
 * against the prefixes the document actually binds (findings always use the usual
 * "itunes:" and "podcast:" names).
 */
export interface FeedDocument {
  channel: XmlNode
  items: XmlNode[]
  /** Element name in this document for an itunes: element, e.g. itunes('image'). */
  itunes: (local: string) => string
  podcast: (local: string) => string
  atom: (local: string) => string
}

export type ReadFeed = { document: FeedDocument } | { problem: string, element: string }

export function readFeed (xml: string): ReadFeed {
  // A JSON Feed (seedcast writes feed.json beside rss.xml) read as XML was "not well-formed
  // XML: char '{' is not expected", as if the file were broken.
  if (/^\uFEFF?\s*[{[]/.test(xml)) return { problem: `${isJsonFeed(xml) ? 'a JSON Feed' : 'JSON'}, not an RSS 2.0 feed; podcast apps need RSS (a seedcast show's is rss.xml)`, element: 'rss' }
  const parsed = parseXml(xml)
  if ('problem' in parsed) return { problem: `not well-formed XML: ${parsed.problem}`, element: 'rss' }
  const rss = child(parsed.root, 'rss')
  if (!rss) {
    const rootName = Object.keys(parsed.root).find(key => !key.startsWith('?'))
    return { problem: `not an RSS 2.0 feed (the root element is <${rootName ?? 'nothing'}>); podcast apps need RSS`, element: rootName ?? 'rss' }
  }
  const channel = child(rss, 'channel')
  if (!channel) return { problem: 'missing: <rss> has no <channel>', element: 'rss/channel' }
  const itunesPrefix = prefixFor(rss, ITUNES_URIS, 'itunes')
  const podcastPrefix = prefixFor(rss, PODCAST_URIS, 'podcast')
  const atomPrefix = prefixFor(rss, ATOM_URIS, 'atom')
  return {
    document: {
      channel,
      items: children(channel, 'item'),
      itunes: local => `${itunesPrefix}:${local}`,
      podcast: local => `${podcastPrefix}:${local}`,
      atom: local => `${atomPrefix}:${local}`
    }
  }
}

function isJsonFeed (text: string): boolean {
  try {
    const version = (JSON.parse(text.replace(/^\uFEFF/, '')) as { version?: unknown } | null)?.version
    return typeof version === 'string' && version.startsWith('https://jsonfeed.org/version/')
  } catch {
    return false
  }
}

/** Path of the n-th item (0-based index in, 1-based in the path, as XPath counts). */
export function itemPath (index: number): string {
  return `channel/item[${index + 1}]`
}

/** A short name for an item in messages: its title, else its position. */
export function itemLabel (item: XmlNode, index: number): string {
  const title = text(child(item, 'title'))
  return title ? `"${title.length > 60 ? title.slice(0, 57) + '...' : title}"` : `item ${index + 1}`
}

export const isHttpUrl = (value: string | undefined): boolean => !!value && /^https?:\/\/[^\s/]+/i.test(value)
