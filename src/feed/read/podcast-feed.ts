import type { AtomFeed, RssFeed } from 'feedsmith'
import { parseFeed } from './feedsmith-readers.js'
import { SeedcastError } from '../../errors.js'
import { dropForbiddenInput } from '../xml-text.js'
import { absoluteUrl, episodeMedia, sourceKind, type AlternateEnclosureLike } from './sources.js'
import type { FeedEpisode, FeedLink, MediaFile, PodcastFeed } from './types.js'

export interface ReadFeedOptions {
  /** Where the feed came from: names it in errors and resolves relative URLs. */
  url?: string
}

/** Bigger than any real podcast feed (the largest seen are ~30 MB with thousands of items). */
export const MAX_FEED_BYTES = 64 * 1024 * 1024

/**
 * Reads any podcast feed: RSS 2.0 with the itunes and podcast namespaces (seedcast's
 * rss.xml and p2p.xml, PeerTube, Castopod, Libsyn…) or Atom with enclosure links.
 * Parsing is feedsmith's, which leaves entities unexpanded (no billion laughs, no
 * external entities). A document that is not a feed throws one SeedcastError line.
 * Items without any usable media are listed in `skipped`, not fatal.
 */
export function readPodcastFeed (xml: string, options: ReadFeedOptions = {}): PodcastFeed {
  const where = options.url ?? 'feed'
  const bad = (why: string) => new SeedcastError(`${where}: ${why}`, { code: 'EBADFEED', hint: 'check that the URL is a podcast RSS or Atom feed' })
  if (xml.length > MAX_FEED_BYTES) throw bad(`the feed is larger than ${MAX_FEED_BYTES / 1024 / 1024} MiB`)
  if (!xml.trim()) throw bad('the feed is empty')
  let parsed: ReturnType<typeof parseFeed>
  try {
    parsed = parseFeed(dropForbiddenInput(xml))
  } catch (err) {
    const name = (err as Error).name
    if (name === 'DetectError' || /unrecognized/i.test((err as Error).message)) throw bad(`not a podcast feed (${looksLike(xml)})`)
    throw bad(`not well-formed XML (${oneLine((err as Error).message)})`)
  }
  if (parsed.format === 'rss') return fromRss(parsed.feed, options.url)
  if (parsed.format === 'atom') return fromAtom(parsed.feed, options.url)
  throw bad(`a ${parsed.format === 'json' ? 'JSON Feed' : 'RDF/RSS 1.0 feed'}, which carries no podcast enclosures seedcast reads (use the show's RSS or Atom feed)`)
}

function looksLike (text: string): string {
  const start = text.trimStart().slice(0, 200).toLowerCase()
  if (start.startsWith('<!doctype html') || start.includes('<html')) return 'it is an HTML page that names no feed'
  if (start.startsWith('{')) return 'it looks like JSON'
  if (!start.startsWith('<')) return 'it is not XML'
  return 'no <rss> or Atom <feed> root element'
}

function oneLine (text: string): string {
  return text.split('\n').map(line => line.trim()).filter(Boolean).join('; ').slice(0, 200)
}

type RssChannel = RssFeed.Feed<unknown>
type RssItem = RssFeed.Item<unknown>

function fromRss (channel: RssChannel, base?: string): PodcastFeed {
  const feed: PodcastFeed = {
    format: 'rss',
    title: clean(channel.title) ?? clean(channel.itunes?.title) ?? '',
    description: clean(channel.description) ?? clean(channel.itunes?.summary),
    link: httpUrl(channel.link, base),
    language: clean(channel.language),
    author: clean(channel.itunes?.author),
    owner: channel.itunes?.owner ? { name: clean(channel.itunes.owner.name), email: clean(channel.itunes.owner.email) } : undefined,
    image: httpUrl(channel.itunes?.image ?? channel.image?.url, base),
    explicit: channel.itunes?.explicit,
    categories: (channel.itunes?.categories ?? []).map(category => category.text).filter((text): text is string => Boolean(text)),
    subcategory: clean(channel.itunes?.categories?.[0]?.categories?.[0]?.text),
    showType: clean(channel.itunes?.type),
    copyright: clean(channel.copyright),
    license: channel.podcast?.license?.display
      ? { id: channel.podcast.license.display.trim(), url: httpUrl(channel.podcast.license.url, base) }
      : licenseFromUrl(channel.creativeCommons?.licenses?.[0] ?? channel.cc?.license, base),
    podcastGuid: clean(channel.podcast?.guid),
    locked: channel.podcast?.locked?.value,
    ttlMinutes: typeof channel.ttl === 'number' && channel.ttl > 0 ? channel.ttl : undefined,
    updateFrequency: channel.podcast?.updateFrequency
      ? { display: clean(channel.podcast.updateFrequency.display), rrule: clean(channel.podcast.updateFrequency.rrule), complete: channel.podcast.updateFrequency.complete }
      : undefined,
    newFeedUrl: httpUrl(channel.itunes?.newFeedUrl, base),
    episodes: [],
    skipped: []
  }
  ;(channel.items ?? []).forEach((item, index) => {
    const episode = rssEpisode(item, base)
    if (typeof episode === 'string') feed.skipped.push(`${label(item.title, index)}: ${episode}`)
    else feed.episodes.push(episode)
  })
  feed.episodes = newestFirst(dedupe(feed.episodes, feed.skipped))
  return feed
}

function rssEpisode (item: RssItem, base?: string): FeedEpisode | string {
  const enclosure = (item.enclosures ?? [])
    .map((e): MediaFile | undefined => { const url = absoluteUrl(e.url, base); return url ? { url, length: e.length, type: clean(e.type) } : undefined })
    .find((e): e is MediaFile => e !== undefined && sourceKind(e.url, e.type) !== undefined)
  const media = episodeMedia(enclosure, (item.podcast?.alternateEnclosures ?? []) as AlternateEnclosureLike[], base)
  if (!media.http.length && !media.torrents.length && !media.magnets.length) return 'no usable enclosure (no http(s), .torrent or magnet source)'
  const guid = clean(item.guid?.value) ?? enclosure?.url ?? media.http[0] ?? media.torrents[0] ?? media.magnets[0]!
  return {
    guid,
    title: clean(item.title) ?? clean(item.itunes?.title) ?? guid,
    description: clean(item.content?.encoded) ?? clean(item.description) ?? clean(item.itunes?.summary),
    link: httpUrl(item.link, base),
    ...dateFields(item.pubDate ?? item.dc?.dates?.[0]),
    duration: finite(item.itunes?.duration),
    season: finite(item.itunes?.season),
    episode: finite(item.itunes?.episode),
    episodeType: clean(item.itunes?.episodeType),
    explicit: item.itunes?.explicit,
    image: httpUrl(item.itunes?.image, base),
    transcripts: nonEmpty((item.podcast?.transcripts ?? []).map(t => link(t.url, t.type, base, t.language)).filter((t): t is FeedLink => t !== undefined)),
    chapters: item.podcast?.chapters ? link(item.podcast.chapters.url, item.podcast.chapters.type, base) : undefined,
    persons: nonEmpty((item.podcast?.persons ?? []).map(p => ({ name: clean(p.display), role: clean(p.role) })).filter((p): p is { name: string, role: string | undefined } => p.name !== undefined).map(p => p.role ? p : { name: p.name })),
    enclosure: enclosure && sourceKind(enclosure.url, enclosure.type) === 'http' ? enclosure : undefined,
    media
  }
}

type AtomChannel = AtomFeed.Feed<unknown>
type AtomEntry = AtomFeed.Entry<unknown>

function fromAtom (atom: AtomChannel, base?: string): PodcastFeed {
  const link = (atom.links ?? []).find(l => !l.rel || l.rel === 'alternate')?.href
  const feed: PodcastFeed = {
    format: 'atom',
    title: clean(atom.title?.value) ?? '',
    description: clean(atom.subtitle?.value) ?? clean(atom.itunes?.summary),
    link: httpUrl(link, base),
    author: clean(atom.authors?.[0]?.name) ?? clean(atom.itunes?.author),
    image: httpUrl(atom.itunes?.image ?? atom.logo ?? atom.icon, base),
    explicit: atom.itunes?.explicit,
    categories: (atom.itunes?.categories ?? []).map(category => category.text).filter((text): text is string => Boolean(text)),
    copyright: clean(atom.rights?.value),
    license: licenseFromUrl(atom.cc?.license, base),
    newFeedUrl: httpUrl(atom.itunes?.newFeedUrl, base),
    episodes: [],
    skipped: []
  }
  ;(atom.entries ?? []).forEach((entry, index) => {
    const episode = atomEpisode(entry, base)
    if (typeof episode === 'string') feed.skipped.push(`${label(entry.title?.value, index)}: ${episode}`)
    else feed.episodes.push(episode)
  })
  feed.episodes = newestFirst(dedupe(feed.episodes, feed.skipped))
  return feed
}

function atomEpisode (entry: AtomEntry, base?: string): FeedEpisode | string {
  const enclosures = (entry.links ?? []).filter(l => l.rel === 'enclosure')
    .map((l): MediaFile | undefined => { const url = absoluteUrl(l.href, base); return url ? { url, length: l.length, type: clean(l.type) } : undefined })
    .filter((e): e is MediaFile => e !== undefined && sourceKind(e.url, e.type) !== undefined)
  const enclosure = enclosures.find(e => sourceKind(e.url, e.type) === 'http') ?? enclosures[0]
  const media = episodeMedia(enclosure, [], base)
  // Atom may list the torrent or magnet as further enclosure links of the same entry.
  for (const other of enclosures) {
    const kind = sourceKind(other.url, other.type)
    if (kind === 'torrent' && !media.torrents.includes(other.url)) media.torrents.push(other.url)
    if (kind === 'magnet' && !media.magnets.includes(other.url)) media.magnets.push(other.url)
  }
  if (!enclosure) return 'no usable enclosure link (no http(s), .torrent or magnet)'
  const guid = clean(entry.id) ?? enclosure.url
  return {
    guid,
    title: clean(entry.title?.value) ?? guid,
    description: clean(entry.content?.value) ?? clean(entry.summary?.value),
    link: httpUrl((entry.links ?? []).find(l => !l.rel || l.rel === 'alternate')?.href, base),
    ...dateFields(entry.published ?? entry.updated),
    duration: finite(entry.itunes?.duration),
    season: finite(entry.itunes?.season),
    episode: finite(entry.itunes?.episode),
    episodeType: clean(entry.itunes?.episodeType),
    explicit: entry.itunes?.explicit,
    image: httpUrl(entry.itunes?.image, base),
    enclosure: sourceKind(enclosure.url, enclosure.type) === 'http' ? enclosure : undefined,
    media
  }
}

/** Two items with one GUID are one episode to every podcast app: the first one wins. */
function dedupe (episodes: FeedEpisode[], skipped: string[]): FeedEpisode[] {
  const seen = new Set<string>()
  return episodes.filter(episode => {
    if (!seen.has(episode.guid)) { seen.add(episode.guid); return true }
    skipped.push(`"${episode.title}": same guid as an earlier item (${episode.guid})`)
    return false
  })
}

function newestFirst (episodes: FeedEpisode[]): FeedEpisode[] {
  return episodes
    .map((episode, index) => ({ episode, index }))
    .sort((a, b) => {
      const da = a.episode.date?.getTime()
      const db = b.episode.date?.getTime()
      if (da !== undefined && db !== undefined && da !== db) return db - da
      if (da === undefined && db !== undefined) return 1
      if (db === undefined && da !== undefined) return -1
      return a.index - b.index
    })
    .map(({ episode }) => episode)
}

/** creativeCommons:license and cc:license give only the license's URL: it is the id too. */
function licenseFromUrl (value: string | undefined, base?: string): PodcastFeed['license'] {
  const url = httpUrl(value, base)
  return url ? { id: url, url } : undefined
}

function label (title: string | undefined, index: number): string {
  const text = clean(title)
  return text ? `"${text.length > 60 ? text.slice(0, 57) + '...' : text}"` : `item ${index + 1}`
}

function clean (value: unknown): string | undefined {
  if (typeof value === 'number') return String(value)
  if (typeof value !== 'string') return undefined
  const text = value.trim()
  return text || undefined
}

function finite (value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined
}

function nonEmpty<T> (list: T[]): T[] | undefined {
  return list.length ? list : undefined
}

function link (url: string | undefined, type: string | undefined, base?: string, language?: string): FeedLink | undefined {
  const href = httpUrl(url, base)
  if (!href) return undefined
  return { url: href, ...(clean(type) ? { type: clean(type)! } : {}), ...(clean(language) ? { language: clean(language)! } : {}) }
}

function httpUrl (value: string | undefined, base?: string): string | undefined {
  const url = absoluteUrl(value, base)
  return url && /^https?:/i.test(url) ? url : undefined
}

/** An item's date, or the text the feed wrote when it cannot be read (for the note that says so). */
function dateFields (value: unknown): { date?: Date, dateText?: string } {
  const date = parseDate(value)
  if (date) return { date }
  return typeof value === 'string' && value.trim() ? { dateText: value.trim().slice(0, 100) } : {}
}

/**
 * Zone abbreviations RFC 822 does not know but feeds write (WordPress and hand-made feeds
 * outside North America: "Mon, 01 Dec 2025 10:00:00 CEST"), as the offsets Date.parse
 * reads. Ambiguous ones (IST: India, Ireland or Israel) are left out: no date beats a
 * wrong one.
 */
const ZONES: Record<string, string> = {
  WET: '+0000', WEST: '+0100', BST: '+0100', CET: '+0100', CEST: '+0200', MET: '+0100', MEST: '+0200',
  EET: '+0200', EEST: '+0300', MSK: '+0300', HKT: '+0800', SGT: '+0800', AWST: '+0800', JST: '+0900',
  KST: '+0900', ACST: '+0930', ACDT: '+1030', AEST: '+1000', AEDT: '+1100', NZST: '+1200', NZDT: '+1300',
  AKST: '-0900', AKDT: '-0800', HST: '-1000'
}

/** RFC 822 dates (RSS, with the zone abbreviations of ZONES too) and ISO 8601 (Atom, dc:date); undefined when unreadable or absurd. */
export function parseDate (value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value
  if (typeof value !== 'string' || !value.trim()) return undefined
  const text = value.trim()
  let time = Date.parse(text)
  if (Number.isNaN(time)) {
    const zone = /\s([A-Za-z]{3,4})$/.exec(text)?.[1]?.toUpperCase()
    if (zone && ZONES[zone]) time = Date.parse(`${text.slice(0, -zone.length)}${ZONES[zone]}`)
  }
  if (Number.isNaN(time) || time < Date.UTC(1990, 0, 1) || time > Date.now() + 10 * 365 * 86_400_000) return undefined
  return new Date(time)
}
