/**
 * The data model of a show folder, shared by publishing (src/show), the feeds
 * (src/feed) and seeding (src/swarm).
 *
 * A show folder on disk:
 *   show.json            ShowConfig (schema-validated)
 *   episodes.json        Catalog
 *   .seedcast/           never published:
 *     lock/                proper-lockfile's lock (a directory; stale after 5 s without refresh)
 *     serve.lock/ serve.pid  the running `seedcast serve` of this folder (src/server/serve-lock.ts)
 *     tmp/<pid>-*.<ext>    media copies being published (swept once their process is gone)
 *     reservations/<slug>  slug claims of running publishers (pid and media SHA-256)
 *     feeds-stale          present while the catalog is newer than the feeds
 *   public/              the complete static site, every URL = baseUrl + path below it
 *     rss.xml p2p.xml atom.xml feed.json
 *     <cover image>      e.g. cover.jpg
 *     media/<slug>.<ext>
 *     torrents/<slug>.torrent
 *     chapters/<slug>.json   (Podcasting 2.0 JSON chapters)
 *     images/<slug>.<jpg|png> episode art, from the media's tags when apps accept it
 */

export interface ShowOwner { name: string, email: string }
export interface ShowFunding { url: string, title: string }

export interface ShowConfig {
  /** Format version of show.json. */
  version: 1
  title: string
  description: string
  author: string
  owner: ShowOwner
  /** BCP 47 language tag, e.g. "en" or "en-US". */
  language: string
  /** Apple Podcasts category and optional subcategory, from Apple's list. */
  category: string
  subcategory?: string
  explicit: boolean
  /** Cover image path relative to public/ (JPEG/PNG, square, 1400–3000 px). */
  image?: string
  /** Website of the show. */
  link?: string
  /** Where public/ is served, always ending in "/": every feed and torrent URL is this + a path. */
  baseUrl: string
  /** SPDX license id, e.g. "CC-BY-SA-4.0". */
  license: string
  /** Tracker announce URLs put in every torrent and magnet; `self` stands for <baseUrl>announce (http and ws). */
  trackers: string[]
  funding?: ShowFunding
  /** itunes:type: "episodic" (newest first, the default) or "serial" (listened in order). */
  type?: 'episodic' | 'serial'
  /** podcast:guid: UUIDv5 of the feed URL without scheme (see src/feed). */
  podcastGuid: string
  /** podcast:locked: ask other platforms not to import the feed. */
  locked: boolean
  /** Set by `seedcast mirror`: the feed this show republishes peer to peer (linked from its feeds). */
  mirrorOf?: string
  /** Set by `seedcast import`: the feed (at the old host) this show was made from; a later import of it adds only new episodes. */
  importedFrom?: string
}

export interface Chapter {
  /** Seconds from the start. */
  startTime: number
  title: string
  endTime?: number
  /** Art shown during the chapter (http(s) URL), from a podcaster's JSON chapters file. */
  img?: string
  /** A web page about the chapter's subject (http(s) URL), from a podcaster's JSON chapters file. */
  url?: string
}

/** podcast:person: someone on the episode, with a role from the Podcasting 2.0 taxonomy. */
export interface EpisodePerson {
  name: string
  /** e.g. host, guest, producer (lowercase). */
  role: string
  /** The taxonomy group of the role, e.g. cast, writing, audio post-production. */
  group: string
}

/** itunes:episodeType. */
export type EpisodeType = 'full' | 'trailer' | 'bonus'

export interface Episode {
  /** URL-safe slug, unique in the show; names the media, torrent and chapters files. */
  slug: string
  /** RSS <guid>: stable, never changes once published. */
  guid: string
  title: string
  description: string
  /** ISO 8601 publication date. */
  pubDate: string
  season?: number
  episode?: number
  explicit: boolean
  /** Drafts are kept in the catalog but left out of every feed. */
  draft: boolean
  /** full (the default), trailer or bonus. */
  type?: EpisodeType
  /** Show notes as sanitised HTML (content:encoded), rendered from the podcaster's Markdown. */
  notesHtml?: string
  /** Transcript file below public/ (podcast:transcript) and its MIME type. */
  transcriptPath?: string
  transcriptType?: string
  persons?: EpisodePerson[]
  /** Seconds. */
  duration: number
  mimeType: string
  /** Media size in bytes. */
  length: number
  /** Paths relative to public/. */
  mediaPath: string
  torrentPath: string
  chaptersPath?: string
  imagePath?: string
  /** BitTorrent v1 infohash, 40 hex characters. */
  infoHash: string
  /** SHA-256 of the media, base64 (podcast:integrity is "sha256-" + this). */
  sha256: string
  pieceLength: number
  /**
   * The media at the original host, for a mirrored episode: rss.xml's enclosure points
   * there (a mirror adds peers, it never takes the listeners) and it is a web seed.
   */
  originalUrl?: string
}

export interface Catalog {
  version: 1
  episodes: Episode[]
}
