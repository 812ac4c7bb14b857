import { generateOpml } from '../feedsmith-writers.js'
import { dropForbiddenCharacters, dropForbiddenInput } from '../xml-text.js'
import { feedAddress } from './feed-address.js'
import { parseOpml } from './feedsmith-readers.js'
import { SeedcastError } from '../../errors.js'

export interface OpmlFeed {
  url: string
  title?: string
}

interface OutlineLike {
  text?: string
  title?: string
  type?: string
  xmlUrl?: string
  url?: string
  outlines?: OutlineLike[]
}

/** A list's feeds and the addresses of the lists it includes (OPML 2.0 inclusion). */
export interface OpmlList {
  feeds: OpmlFeed[]
  /** `<outline type="include" url=…>` (and `type="link"` to a .opml, which the spec also expands in place), in document order. */
  includes: string[]
}

/**
 * The feeds of an OPML subscription list (what every podcatcher exports): each outline
 * with an `xmlUrl`, folders flattened, duplicates once. Not OPML → one-line error. The
 * podcast apps' own schemes (itpc://, pcast://, podcast://, feed://) become http://; any
 * other address is kept as it is, for the caller to report as a feed it cannot follow
 * rather than drop without a word.
 */
export function readOpml (xml: string, where = 'OPML file'): OpmlFeed[] {
  return readOpmlList(xml, where).feeds
}

/**
 * As readOpml, with the lists it includes: their addresses resolved against `base` (the
 * list's own URL when it was fetched; a local file's relative ones stay as written, for
 * the caller to report). The caller fetches them (src/follow/opml-includes.ts).
 */
export function readOpmlList (xml: string, where = 'OPML file', base?: string): OpmlList {
  let opml: ReturnType<typeof parseOpml>
  try {
    opml = parseOpml(dropForbiddenInput(xml))
  } catch (err) {
    throw new SeedcastError(`${where}: not an OPML subscription list (${(err as Error).message.split('\n')[0]})`, { code: 'EBADOPML', hint: 'export the list from your podcast app as OPML' })
  }
  const feeds: OpmlFeed[] = []
  const includes: string[] = []
  const seen = new Set<string>()
  // Depth first in document order, with a stack rather than recursion: every folder level,
  // however deep the parser accepted, is read (a cut-off depth dropped feeds without a word).
  const pending: OutlineLike[] = []
  // Children pushed last first, so the first comes off the stack first; one push each (a
  // spread of a folder of 200 000 outlines would pass too many arguments).
  const later = (outlines: OutlineLike[] | undefined) => { for (let i = (outlines?.length ?? 0) - 1; i >= 0; i--) pending.push(outlines![i]!) }
  later(opml.body?.outlines as OutlineLike[] | undefined)
  for (let outline = pending.pop(); outline; outline = pending.pop()) {
    const given = outline.xmlUrl?.trim()
    const url = given ? feedAddress(given) : undefined
    if (url && !seen.has(url)) {
      seen.add(url)
      const title = (outline.title ?? outline.text)?.trim()
      feeds.push(title ? { url, title } : { url })
    }
    const type = outline.type?.trim().toLowerCase()
    const address = outline.url?.trim()
    if (address && (type === 'include' || (type === 'link' && /\.opml(?:[?#]|$)/i.test(address)))) {
      const resolved = base && URL.canParse(address, base) ? new URL(address, base).href : address
      if (!includes.includes(resolved)) includes.push(resolved)
    }
    later(outline.outlines)
  }
  return { feeds, includes }
}

/** An OPML 2.0 subscription list any podcatcher imports. */
export function writeOpml (feeds: OpmlFeed[], title = 'seedcast subscriptions'): string {
  return dropForbiddenCharacters(generateOpml({
    head: { title, dateCreated: new Date() },
    body: { outlines: feeds.map(feed => ({ text: feed.title ?? feed.url, ...(feed.title ? { title: feed.title } : {}), type: 'rss', xmlUrl: feed.url })) }
  }))
}
