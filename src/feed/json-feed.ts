import type { JsonFeed } from 'feedsmith'
import type { Episode, ShowConfig } from '../model/show.js'
import type { PublishedEpisode } from './published.js'
import { feedUrls, publicUrl, type EpisodeUrls } from './urls.js'

/**
 * JSON Feed 1.1 with each episode's media as an attachment (url, mime_type, size_in_bytes,
 * duration_in_seconds). The object is typed with feedsmith's JsonFeed and serialised directly:
 * the `feed` package writes JSON Feed 1.0 without attachments, and feedsmith's generator only
 * copies the object (dropping an empty "items", which the spec requires).
 */
export function renderJsonFeed (show: ShowConfig, episodes: PublishedEpisode[]): string {
  return insertJsonItems(jsonFeedShell(show), episodes.map(jsonFeedItem))
}

/** feed.json with an empty "items" array, which is its last member. */
export function jsonFeedShell (show: ShowConfig): string {
  const urls = feedUrls(show)
  const feed: JsonFeed.Feed<string> & { version: string } = {
    version: 'https://jsonfeed.org/version/1.1',
    title: show.title,
    home_page_url: show.link ?? show.baseUrl,
    feed_url: urls.json,
    description: show.description,
    language: show.language,
    authors: [{ name: show.author }],
    ...(show.image ? { icon: publicUrl(show, show.image) } : {}),
    items: []
  }
  return JSON.stringify(feed) + '\n'
}

/** Where the items go in a shell: just inside the final "items" array. */
export function jsonItemsOffset (shell: string): number {
  const at = shell.lastIndexOf('[]')
  if (at < 0) throw new Error('rendered JSON Feed has no empty items array')
  return at + 1
}

/** The shell with the serialised items in its array: what JSON.stringify of the whole feed gives. */
export function insertJsonItems (shell: string, items: string[]): string {
  const at = jsonItemsOffset(shell)
  return shell.slice(0, at) + items.join(',') + shell.slice(at)
}

/** One episode as a serialised JSON Feed item. */
export function jsonFeedItem ({ episode, urls: episodeUrls, date }: PublishedEpisode): string {
  const item: JsonFeed.Item<string> = {
    id: episode.guid,
    url: episodeUrls.media,
    title: episode.title,
    content_text: episode.description || episode.title,
    ...(episode.notesHtml ? { content_html: episode.notesHtml } : {}),
    date_published: date.toISOString(),
    ...(episodeUrls.image ? { image: episodeUrls.image } : {}),
    attachments: [{
      url: episodeUrls.media,
      mime_type: episode.mimeType,
      size_in_bytes: episode.length,
      duration_in_seconds: Math.round(episode.duration * 1000) / 1000
    }],
    ...podcastExtension(episode, episodeUrls)
  }
  return JSON.stringify(item)
}

/**
 * JSON Feed has no fields for transcripts, people or episode types; they go in a custom
 * "_podcast" object (the spec's extension mechanism), named after the podcast namespace tags.
 */
function podcastExtension (episode: Episode, urls: EpisodeUrls): { _podcast?: Record<string, unknown> } {
  const extension: Record<string, unknown> = {}
  if (episode.type && episode.type !== 'full') extension.episodeType = episode.type
  if (urls.transcript) extension.transcripts = [{ url: urls.transcript, type: episode.transcriptType }]
  if (urls.chapters) extension.chapters = { url: urls.chapters, type: 'application/json+chapters' }
  if (episode.persons?.length) extension.persons = episode.persons
  return Object.keys(extension).length ? { _podcast: extension } : {}
}
