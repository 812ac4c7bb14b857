import type { AtomFeed } from 'feedsmith'
import { generateAtomFeed } from './feedsmith-writers.js'
import type { ShowConfig } from '../model/show.js'
import { atomId } from './ids.js'
import type { PublishedEpisode } from './published.js'
import { feedUrls, publicUrl } from './urls.js'
import { dropForbiddenCharacters, escapeAttribute as attr, escapeText as text, insertBefore, tidyCdata } from './xml-text.js'

/**
 * Atom 1.0 with each episode's media as a rel="enclosure" link (href, type, length). The feed
 * element comes from feedsmith (the `feed` package's Atom writer derives the enclosure type
 * from the file extension under "image/", e.g. "image/mp3"); the entries are written here,
 * for speed, as the RSS items are (see rss.ts).
 */
export function renderAtom (show: ShowConfig, episodes: PublishedEpisode[]): string {
  return insertBefore(atomShell(show, episodes), '</feed>', episodes.map(atomEntry).join(''))
}

/** atom.xml without entries (they go before </feed>). */
export function atomShell (show: ShowConfig, episodes: PublishedEpisode[]): string {
  const urls = feedUrls(show)
  const feed: AtomFeed.Feed<Date> = {
    id: `urn:uuid:${show.podcastGuid}`,
    title: { value: show.title },
    subtitle: { value: show.description },
    // A pure function of the catalog: the newest episode's date, not the clock.
    updated: episodes[0]?.date ?? new Date(0),
    generator: { text: 'seedcast' },
    authors: [{ name: show.author }],
    rights: { value: show.license },
    links: [
      { href: show.link ?? show.baseUrl, rel: 'alternate', type: 'text/html' },
      { href: urls.atom, rel: 'self', type: 'application/atom+xml' }
    ],
    ...(show.image ? { logo: publicUrl(show, show.image) } : {})
  }
  return tidyCdata(dropForbiddenCharacters(generateAtomFeed(feed)))
}

/** One episode's <entry>. */
export function atomEntry ({ episode, urls: episodeUrls, date }: PublishedEpisode): string {
  const when = date.toISOString()
  const media = attr(episodeUrls.media)
  const type = attr(episode.mimeType)
  // Atom wants an alternate link on entries without content; the media itself is the episode's page.
  return '  <entry>\n' +
    `    <id>${text(atomId(episode.guid))}</id>\n` +
    `    <link href="${media}" rel="alternate" type="${type}"/>\n` +
    `    <link href="${media}" rel="enclosure" type="${type}" length="${episode.length}"/>\n` +
    (episodeUrls.transcript ? `    <link href="${attr(episodeUrls.transcript)}" rel="related" type="${attr(episode.transcriptType ?? 'text/plain')}" title="Transcript"/>\n` : '') +
    (episode.notesHtml ? `    <content type="html">${text(episode.notesHtml)}</content>\n` : '') +
    `    <published>${when}</published>\n` +
    (episode.description ? `    <summary>${text(episode.description)}</summary>\n` : '') +
    `    <title>${text(episode.title)}</title>\n` +
    `    <updated>${when}</updated>\n` +
    '  </entry>\n'
}

