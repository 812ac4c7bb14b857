import { generateRssFeed, type RssFeed } from 'feedsmith'
import type { ShowConfig } from '../show/types.js'
import { tidyCdata } from './xml-text.js'
import { licenseUrl } from './license.js'
import type { PublishedEpisode } from './published.js'
import { feedUrls, publicUrl } from './urls.js'

/** Which enclosure the feed carries: the HTTP(S) media URL (rss.xml) or the magnet (p2p.xml). */
export type EnclosureKind = 'http' | 'magnet'

export const TORRENT_MIME_TYPE = 'application/x-bittorrent'
export const CHAPTERS_MIME_TYPE = 'application/json+chapters'

/**
 * RSS 2.0 with the itunes and podcast (Podcasting 2.0) namespaces, through feedsmith.
 * Both variants carry every source in podcast:alternateEnclosure; only <enclosure> differs.
 */
export function renderRss (show: ShowConfig, episodes: PublishedEpisode[], kind: EnclosureKind): string {
  const urls = feedUrls(show)
  const self = kind === 'http' ? urls.rss : urls.p2p
  const link = show.link ?? show.baseUrl
  const image = show.image ? publicUrl(show, show.image) : undefined
  const newest = episodes[0]?.date

  const feed: RssFeed.Feed<Date> = {
    title: show.title,
    link,
    description: show.description,
    language: show.language,
    copyright: show.license,
    generator: 'seedcast',
    ...(newest ? { pubDate: newest, lastBuildDate: newest } : {}),
    ...(image ? { image: { url: image, title: show.title, link } } : {}),
    atom: { links: [{ href: self, rel: 'self', type: 'application/rss+xml' }] },
    itunes: {
      image,
      categories: [{ text: show.category, ...(show.subcategory ? { categories: [{ text: show.subcategory }] } : {}) }],
      explicit: show.explicit,
      author: show.author,
      type: 'episodic',
      owner: { name: show.owner.name, email: show.owner.email }
    },
    podcast: {
      guid: show.podcastGuid,
      locked: { value: show.locked, owner: show.owner.email },
      license: { display: show.license, url: licenseUrl(show.license) },
      ...(show.funding ? { fundings: [{ url: show.funding.url, display: show.funding.title }] } : {}),
      medium: episodes.length > 0 && episodes.every(({ episode }) => episode.mimeType.startsWith('video/')) ? 'video' : 'podcast'
    },
    items: episodes.map(({ episode, urls: episodeUrls, date }) => ({
      title: episode.title,
      description: episode.description || episode.title,
      enclosures: [{ url: kind === 'http' ? episodeUrls.media : episodeUrls.magnet, length: episode.length, type: episode.mimeType }],
      guid: { value: episode.guid, isPermaLink: false },
      pubDate: date,
      itunes: {
        duration: Math.max(1, Math.round(episode.duration)),
        explicit: episode.explicit,
        episodeType: 'full',
        ...(episodeUrls.image ? { image: episodeUrls.image } : {}),
        ...(episode.season !== undefined ? { season: episode.season } : {}),
        ...(episode.episode !== undefined ? { episode: episode.episode } : {})
      },
      podcast: {
        ...(episodeUrls.chapters ? { chapters: { url: episodeUrls.chapters, type: CHAPTERS_MIME_TYPE } } : {}),
        alternateEnclosures: [{
          type: episode.mimeType,
          length: episode.length,
          // The same file as <enclosure> in rss.xml, offered over HTTP, BitTorrent and magnet.
          default: true,
          sources: [
            { uri: episodeUrls.media },
            { uri: episodeUrls.torrent, contentType: TORRENT_MIME_TYPE },
            { uri: episodeUrls.magnet }
          ],
          integrity: { type: 'sri', value: `sha256-${episode.sha256}` }
        }]
      }
    }))
  }
  return tidy(generateRssFeed(feed))
}

/**
 * Two fixes to feedsmith's output. Its pretty printer puts CDATA sections on their own
 * indented line, which makes the whitespace part of the title for strict readers; and it
 * writes itunes:explicit as yes/no where Apple's current spec asks for true/false.
 */
function tidy (xml: string): string {
  return tidyCdata(xml)
    .replace(/<itunes:explicit>yes<\/itunes:explicit>/g, '<itunes:explicit>true</itunes:explicit>')
    .replace(/<itunes:explicit>no<\/itunes:explicit>/g, '<itunes:explicit>false</itunes:explicit>')
}
