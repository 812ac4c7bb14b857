// Feed autodiscovery: a show's web page names its feeds with
// `<link rel="alternate" type="application/rss+xml" href="...">` (RSS Autodiscovery, and
// every seedcast show page does), so a listener can give `follow`, `mirror` or `import` the
// page's address, as podcast apps accept it, rather than hunt for the feed's.

/** Feed types in the order one is preferred: podcast apps read RSS first. */
const FEED_TYPES = ['application/rss+xml', 'application/atom+xml', 'application/feed+json', 'application/json']

/** Whether a fetched body is an HTML page rather than a feed. */
export function isHtmlPage (text: string): boolean {
  // Comments may come before the doctype (some generators sign their pages so).
  const start = text.trimStart().replace(/^(<!--[\s\S]*?-->\s*)+/, '').slice(0, 32).toLowerCase()
  return start.startsWith('<!doctype html') || /^<html[\s>]/.test(start)
}

/**
 * The feed an HTML page names as its alternate, resolved against `pageUrl`: the first of
 * the most preferred type, comment feeds (a blog's "Comments Feed") last. Undefined when
 * the page names none.
 */
export function discoveredFeed (html: string, pageUrl: string): string | undefined {
  const head = html.slice(0, 256 * 1024)
  const links = [...head.matchAll(/<link\b([^>]*)>/gi)].map(match => attributesOf(match[1]!))
  const candidates = links.flatMap((attributes, order) => {
    const rel = (attributes.rel ?? '').toLowerCase().split(/\s+/)
    const type = (attributes.type ?? '').toLowerCase().split(';')[0]!.trim()
    const rank = FEED_TYPES.indexOf(type)
    if (!rel.includes('alternate') || rank < 0 || !attributes.href) return []
    const comments = /comment/i.test(attributes.title ?? '') ? 1 : 0
    return [{ href: attributes.href, key: [comments, rank, order] }]
  })
  candidates.sort((a, b) => a.key[0]! - b.key[0]! || a.key[1]! - b.key[1]! || a.key[2]! - b.key[2]!)
  for (const { href } of candidates) {
    try {
      const url = new URL(decodeEntities(href), pageUrl)
      if (url.protocol === 'http:' || url.protocol === 'https:') return url.href
    } catch {
      // A malformed href: the next one.
    }
  }
  return undefined
}

/** The attributes of one tag, names lower-cased; values quoted either way or bare. */
function attributesOf (text: string): Record<string, string> {
  const attributes: Record<string, string> = {}
  for (const match of text.matchAll(/([a-zA-Z:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/g)) {
    attributes[match[1]!.toLowerCase()] ??= match[2] ?? match[3] ?? match[4] ?? ''
  }
  return attributes
}

/** The character references an href holds in practice. */
function decodeEntities (text: string): string {
  return text.replace(/&(amp|#38|#x26);/gi, '&')
}
