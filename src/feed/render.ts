import type { FilePart, FileSpan } from '../atomic.js'
import type { Episode, ShowConfig } from '../model/show.js'
import { atomEntry, atomShell, renderAtom } from './atom.js'
import { hashOf, type EpisodeHashes } from './episode-hash.js'
import { itemContext, reusableItems, type FeedItemIndex, type PreviousFeeds, type ReusableItems } from './item-reuse.js'
import { jsonFeedItem, jsonFeedShell, jsonItemsOffset, renderJsonFeed } from './json-feed.js'
import { publishedEpisodes, type PublishedEpisode } from './published.js'
import { renderRssFeeds, rssItems, rssShells } from './rss.js'

/** The four feed files at the root of public/, by file name. */
export interface RenderedFeeds {
  'rss.xml': string
  'p2p.xml': string
  'atom.xml': string
  'feed.json': string
}

export type FeedName = keyof RenderedFeeds
export const FEED_NAMES: readonly FeedName[] = ['rss.xml', 'p2p.xml', 'atom.xml', 'feed.json']

/**
 * Renders every feed of a show from its config and catalog as they stand at `now`. Pure:
 * same input, same bytes (dates come from the episodes; `now` only decides which scheduled
 * episodes are out yet). Drafts and episodes dated after `now` are left out; newest first.
 */
export function renderFeeds (show: ShowConfig, episodes: Episode[], now: Date = new Date()): RenderedFeeds {
  const published = publishedEpisodes(show, episodes, now)
  const rss = renderRssFeeds(show, published)
  return {
    'rss.xml': rss.rss,
    'p2p.xml': rss.p2p,
    'atom.xml': renderAtom(show, published),
    'feed.json': renderJsonFeed(show, published)
  }
}

/** The feeds as the bytes of their files (UTF-8). */
export type FeedBytes = Record<FeedName, Buffer>

export interface IncrementalFeeds {
  /**
   * Each feed's bytes as consecutive parts (write them with writeAtomicParts); copied items that
   * sat together still sit together, in one part: a span of the previous feed's file when
   * `previous` gave it as a file, else a slice of its bytes.
   */
  parts: Record<FeedName, FilePart[]>
  /** The same bytes, joined (on first use: a 5,000-episode show has 25 MiB of feeds); only when `previous` gave bytes, not files. */
  feeds: FeedBytes
  /** Where each item sits in `feeds`, to hand back as `previous` next time. */
  index: FeedItemIndex
  /** Items rendered afresh (the others were copied from `previous`). */
  rendered: number
  reused: number
}

/**
 * The bytes of renderFeeds, copying each item that has not changed since `previous` (same
 * episode, same show fields the items use, same renderer) out of the previous feeds' bytes
 * instead of rendering it. Bytes, not strings: a copied item is never decoded or encoded
 * again, which is most of the cost of a 5,000-episode build. The channels are always
 * rendered afresh. `hashes` are the episodes' hashes, and `published` publishedEpisodes of
 * `episodes`, when the caller has them already.
 */
export function renderFeedsReusing (show: ShowConfig, episodes: Episode[], previous?: PreviousFeeds, hashes?: EpisodeHashes, published: PublishedEpisode[] = publishedEpisodes(show, episodes)): IncrementalFeeds {
  const keys = published.map(({ episode }) => hashOf(episode, hashes))
  const context = itemContext(show)
  const reuse = reusableItems(previous, context)
  // Per item: its position in the previous build, or its four renderings.
  const items: Array<number | Record<FeedName, Buffer>> = []
  let rendered = 0
  for (const [index, entry] of published.entries()) {
    const position = reuse?.position(keys[index]!)
    if (position === undefined) rendered++
    items.push(position ?? renderItems(entry))
  }

  const rss = rssShells(show, published)
  const shells: Record<FeedName, { text: string, at: number, separator: string }> = {
    'rss.xml': xmlShell(rss.rss, '</channel>'),
    'p2p.xml': xmlShell(rss.p2p, '</channel>'),
    'atom.xml': xmlShell(atomShell(show, published), '</feed>'),
    'feed.json': jsonShell(jsonFeedShell(show))
  }
  const parts = {} as Record<FeedName, FilePart[]>
  const spans = {} as Record<FeedName, number[]>
  for (const name of FEED_NAMES) {
    const { text, at, separator } = shells[name]
    const assembled = assemble(Buffer.from(text.slice(0, at)), items, name, reuse, Buffer.from(separator), Buffer.from(text.slice(at)))
    parts[name] = assembled.parts
    spans[name] = assembled.spans
  }
  let joined: FeedBytes | undefined
  return {
    parts,
    get feeds () {
      return (joined ??= Object.fromEntries(FEED_NAMES.map(name => [name, Buffer.concat(parts[name].map(inMemory))])) as FeedBytes)
    },
    index: { context, keys, spans },
    rendered,
    reused: published.length - rendered
  }
}

/**
 * head, the items with the separator between them, tail: as parts, each item's [start, end]
 * in the result. A copied item that follows the one before it in the previous file extends
 * that part instead of starting one: after a publish, the back catalogue is one part,
 * neither sliced per item nor copied again before it is written.
 */
function assemble (head: Buffer, items: Array<number | Record<FeedName, Buffer>>, name: FeedName, reuse: ReusableItems | undefined, between: Buffer, tail: Buffer): { parts: FilePart[], spans: number[] } {
  const parts: FilePart[] = [head]
  const spans: number[] = []
  let position = head.length
  let run: { bytes: Buffer | FileSpan, start: number, end: number } | undefined
  for (const item of items) {
    const gap = run ? between : NOTHING
    let bytes: Buffer | FileSpan, start: number, end: number
    if (typeof item === 'number') {
      bytes = reuse!.feeds[name]
      start = reuse!.spans[name][2 * item]!
      end = reuse!.spans[name][2 * item + 1]!
    } else {
      bytes = item[name]
      start = 0
      end = bytes.length
    }
    position += gap.length
    spans.push(position, position + end - start)
    position += end - start
    if (run && run.bytes === bytes && start === run.end + gap.length && sameGap(bytes, run.end, gap)) {
      run.end = end
      continue
    }
    if (run) parts.push(slice(run))
    if (gap.length > 0) parts.push(gap)
    run = { bytes, start, end }
  }
  if (run) parts.push(slice(run))
  parts.push(tail)
  return { parts, spans }
}

/** Bytes [start, end) of a previous feed: a slice of its bytes, or a span of its file. */
function slice ({ bytes, start, end }: { bytes: Buffer | FileSpan, start: number, end: number }): FilePart {
  return Buffer.isBuffer(bytes) ? bytes.subarray(start, end) : { file: bytes.file, start: bytes.start + start, end: bytes.start + end }
}

function inMemory (part: FilePart): Buffer {
  if (!Buffer.isBuffer(part)) throw new Error('the feeds copy spans of the previous files: their bytes are those written with writeAtomicParts')
  return part
}

const NOTHING = Buffer.alloc(0)

/**
 * bytes[at...] holds `gap` (a separator of a byte or none: a loop, where Buffer.compare cost
 * more than the whole rest of a copied item's turn). In a previous feed's file, not read, the
 * separator between two items its index puts `gap` apart is the one this module wrote there:
 * the index describes exactly that file, and this module's code is part of its context.
 */
function sameGap (bytes: Buffer | FileSpan, at: number, gap: Buffer): boolean {
  if (!Buffer.isBuffer(bytes)) return true
  for (let offset = 0; offset < gap.length; offset++) if (bytes[at + offset] !== gap[offset]) return false
  return true
}

function renderItems (entry: PublishedEpisode): Record<FeedName, Buffer> {
  const rss = rssItems(entry)
  return { 'rss.xml': Buffer.from(rss.rss), 'p2p.xml': Buffer.from(rss.p2p), 'atom.xml': Buffer.from(atomEntry(entry)), 'feed.json': Buffer.from(jsonFeedItem(entry)) }
}

/** Items go at the start of the closing tag's line (insertBefore's rule). */
function xmlShell (text: string, closingTag: string): { text: string, at: number, separator: string } {
  const close = text.lastIndexOf(closingTag)
  if (close < 0) throw new Error(`rendered XML has no ${closingTag}`)
  return { text, at: text.lastIndexOf('\n', close) + 1, separator: '' }
}

function jsonShell (text: string): { text: string, at: number, separator: string } {
  // Same placement as insertJsonItems, so both give JSON.stringify's bytes.
  return { text, at: jsonItemsOffset(text), separator: ',' }
}
