import { createHash, hash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FileSpan } from '../atomic.js'
import type { ShowConfig } from '../model/show.js'
import type { FeedName } from './render.js'

/** Where each item of each feed sits, by item key: kept beside the feeds after every build. */
export interface FeedItemIndex {
  /** What every item depends on besides its episode (itemContext): another context reuses nothing. */
  context: string
  /** One key per item, in feed order: the hash of its episode's catalog entry (episode-hash.ts). */
  keys: string[]
  /** Per feed, [start, end] byte offsets of each item in the feed file, flattened. */
  spans: Record<FeedName, number[]>
}

/**
 * A feed of the last build: its bytes, or its file as a span of its whole length (then the
 * items copied from it are spans of that file, copied when the new feed is written).
 */
export type PreviousFeed = Buffer | FileSpan

/** The feeds of the last build and their index, which must describe exactly these bytes. */
export interface PreviousFeeds { feeds: Record<FeedName, PreviousFeed>, index: FeedItemIndex }

// Every module whose code shapes an item: a change to any of them (a new tag, an escaping
// fix) changes every key, so nothing rendered by older code is reused. './render' places the
// items and their separators: copied runs of a previous feed's file carry its separators.
const ITEM_MODULES = ['./render', './rss', './atom', './json-feed', './published', './urls', './xml-text', './ids', './trackers', '../torrent/magnet']
let itemFormat: string | undefined

function rendererFingerprint (): string {
  if (itemFormat === undefined) {
    // .js when compiled, .ts when run from source (vitest, type stripping).
    const extension = extname(fileURLToPath(import.meta.url))
    const code = createHash('sha1')
    for (const module of ITEM_MODULES) code.update(readFileSync(new URL(module + extension, import.meta.url)))
    itemFormat = code.digest('base64')
  }
  return itemFormat
}

/**
 * What an item depends on besides its episode's catalog entry: the show fields items use
 * (base URL, trackers) and the renderer's code. Kept once in the index, not in every key.
 */
export function itemContext (show: Pick<ShowConfig, 'baseUrl' | 'trackers'>): string {
  return hash('sha1', rendererFingerprint() + JSON.stringify([show.baseUrl, show.trackers]), 'base64')
}

const FEEDS: FeedName[] = ['rss.xml', 'p2p.xml', 'atom.xml', 'feed.json']

/** The previous build's items, found by key: their position in its index, whose spans say where each sits in its feeds. */
export interface ReusableItems {
  position: (key: string) => number | undefined
  feeds: Record<FeedName, PreviousFeed>
  spans: Record<FeedName, number[]>
}

/**
 * A lookup of the previous build's items by key; undefined if the index does not fit the
 * feeds or was made in another context.
 */
export function reusableItems (previous: PreviousFeeds | undefined, context: string): ReusableItems | undefined {
  if (!previous || previous.index?.context !== context || !fits(previous)) return undefined
  const { feeds, index } = previous
  return { position: positionFinder(index.keys), feeds, spans: index.spans }
}

/**
 * Finds keys in `keys` (the previous build's items), asked in the new feed's order: mostly the
 * previous order, a publish adding an item at the top. So the key after the last one found is
 * tried first; a few others are looked for along the list; past that a Map of them all is made
 * (after a publish, it need not be: 5,000 entries of fresh memory at every build). The first
 * position of a key, as a Map of them would give, unless the same key is listed twice (one
 * catalog entry for two items: never in an index seedcast wrote).
 */
function positionFinder (keys: readonly string[]): (key: string) => number | undefined {
  let next = 0
  let scans = 0
  let positions: Map<string, number> | undefined
  return key => {
    if (positions === undefined) {
      if (keys[next] === key) return next++
      if (scans++ < SCANS) {
        const at = keys.indexOf(key)
        if (at < 0) return undefined
        next = at + 1
        return at
      }
      positions = new Map()
      for (const [position, known] of keys.entries()) if (!positions.has(known)) positions.set(known, position)
    }
    return positions.get(key)
  }
}

/** Keys looked for along the list before a Map of them is made. */
const SCANS = 16

/** The index has a span for every key in every feed, each inside its feed's text. */
function fits ({ feeds, index }: PreviousFeeds): boolean {
  if (!Array.isArray(index?.keys) || typeof index.spans !== 'object' || index.spans === null) return false
  return FEEDS.every(name => {
    const spans = index.spans[name]
    const length = feedLength(feeds[name])
    return length !== undefined && Array.isArray(spans) && spans.length === 2 * index.keys.length &&
      spans.every((offset, at) => Number.isInteger(offset) && offset >= 0 && offset <= length && (at % 2 === 0 || offset >= spans[at - 1]!))
  })
}

/** The length of a previous feed's bytes; undefined for anything else. */
function feedLength (feed: PreviousFeed | undefined): number | undefined {
  if (Buffer.isBuffer(feed)) return feed.length
  return typeof feed === 'object' && feed !== null && Number.isInteger(feed.start) && Number.isInteger(feed.end) && feed.end >= feed.start ? feed.end - feed.start : undefined
}
