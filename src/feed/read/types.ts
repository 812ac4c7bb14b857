/**
 * A podcast feed as seedcast reads it, whoever wrote it (seedcast, PeerTube, another host):
 * what a follower, a mirror or an import needs, with every URL checked and every date parsed.
 */
export interface PodcastFeed {
  format: 'rss' | 'atom'
  title: string
  description?: string
  /** The show's web page. */
  link?: string
  language?: string
  author?: string
  owner?: { name?: string, email?: string }
  /** Cover image URL. */
  image?: string
  explicit?: boolean
  categories: string[]
  /** The first category's first itunes:category child (Apple's subcategory). */
  subcategory?: string
  /** itunes:type: episodic or serial. */
  showType?: string
  copyright?: string
  license?: FeedLicense
  /** podcast:guid. */
  podcastGuid?: string
  /** podcast:locked: the owner does not want the show imported elsewhere. */
  locked?: boolean
  /** RSS ttl in minutes. */
  ttlMinutes?: number
  updateFrequency?: { display?: string, rrule?: string, complete?: boolean }
  /** itunes:new-feed-url: the show moved; follow it and forget this URL. */
  newFeedUrl?: string
  /** Newest first (by date; undated episodes keep their feed order after the dated ones). */
  episodes: FeedEpisode[]
  /** Items that were left out and why (no enclosure, bad URL...), one line each. */
  skipped: string[]
}

export interface FeedLicense {
  /** As the feed writes it: an SPDX id like `CC-BY-4.0`, or free text. */
  id: string
  url?: string
}

export interface FeedEpisode {
  /** The item's guid, else its enclosure URL (what podcast apps fall back to). */
  guid: string
  title: string
  description?: string
  link?: string
  /** Publication date; undefined when missing or unreadable. */
  date?: Date
  /** The date as the feed wrote it, when it could not be read (`date` is then undefined). */
  dateText?: string
  /** Seconds. */
  duration?: number
  season?: number
  episode?: number
  /** itunes:episodeType: full, trailer, bonus. */
  episodeType?: string
  explicit?: boolean
  image?: string
  /** podcast:transcript links, in feed order. */
  transcripts?: FeedLink[]
  /** podcast:chapters link. */
  chapters?: FeedLink
  /** podcast:person: hosts, guests... (role as the feed writes it; the namespace's default is host). */
  persons?: Array<{ name: string, role?: string }>
  /** The plain HTTP(S) enclosure, when there is one. */
  enclosure?: MediaFile
  /** The media as one file, every way the feed offers to get it (enclosure first). */
  media: FeedMedia
}

/** A file an item links to (a transcript, chapters), with the MIME type the feed gives. */
export interface FeedLink {
  url: string
  type?: string
  language?: string
}

export interface MediaFile {
  url: string
  /** Bytes as the feed says (often wrong or 0 on other hosts: never trusted for data). */
  length?: number
  type?: string
}

/** One file of the episode with every source of its bytes. */
export interface FeedMedia {
  type?: string
  length?: number
  /** HTTP(S) URLs of the same bytes, enclosure first. */
  http: string[]
  /** URLs of .torrent files. */
  torrents: string[]
  /** magnet: URIs. */
  magnets: string[]
  /** podcast:integrity (SRI `sha256-…` or PGP), when given. */
  integrity?: { type: string, value: string }
}
