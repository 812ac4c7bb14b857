import { episodeUrls } from '../feed/urls.js'
import type { Chapter, Episode, ShowConfig } from '../model/show.js'
import { clock, dateWords, durationWords, formatName, isoDuration, sizeWords } from './format.js'
import { esc, relativeUrl } from './html.js'

/**
 * The plain, JS-free media element of contract A, in its `.sc-player` wrapper: it plays
 * the enclosure over HTTP as it is, and carries what the player needs to stream the same
 * bytes from peers (torrent, magnet, infohash, size, type, chapters).
 */
export function playerElement (root: string, show: ShowConfig, episode: Episode): string {
  const video = episode.mimeType.startsWith('video/')
  const tag = video ? 'video' : 'audio'
  const { magnet } = episodeUrls(show, episode)
  const poster = video && (episode.imagePath ?? show.image) ? ` poster="${esc(relativeUrl(root, (episode.imagePath ?? show.image)!))}" playsinline` : ''
  const attributes = [
    `src="${esc(relativeUrl(root, episode.mediaPath))}"`,
    'data-seedcast-player',
    `data-torrent="${esc(relativeUrl(root, episode.torrentPath))}"`,
    `data-magnet="${esc(magnet)}"`,
    `data-infohash="${esc(episode.infoHash)}"`,
    `data-length="${episode.length}"`,
    `data-mime="${esc(episode.mimeType)}"`,
    `data-chapters="${episode.chaptersPath ? esc(relativeUrl(root, episode.chaptersPath)) : ''}"`,
    `data-slug="${esc(episode.slug)}"`,
    `data-title="${esc(episode.title)}"`,
    `aria-label="${esc(`Play ${episode.title}`)}"`
  ]
  return `<div class="sc-player"><${tag} controls preload="none"${poster} ${attributes.join(' ')}></${tag}></div>`
}

/** Date, duration and numbering, one line. */
export function episodeMeta (show: ShowConfig, episode: Episode): string {
  const parts = [
    `<time datetime="${esc(episode.pubDate)}">${esc(dateWords(episode.pubDate, show.language))}</time>`,
    `<time datetime="${isoDuration(episode.duration)}">${esc(durationWords(episode.duration))}</time>`
  ]
  const numbers = [episode.season ? `Season ${episode.season}` : '', episode.episode ? `Episode ${episode.episode}` : ''].filter(Boolean).join(', ')
  if (numbers) parts.push(esc(numbers))
  if (episode.explicit) parts.push('Explicit')
  return `<p class="meta">${parts.join(' · ')}</p>`
}

/** The file over HTTP, the .torrent and the magnet: every way to take the episode home. */
export function downloadLinks (root: string, show: ShowConfig, episode: Episode): string {
  const { magnet } = episodeUrls(show, episode)
  const kind = episode.mimeType.startsWith('video/') ? 'video' : 'audio'
  const file = episode.mediaPath.split('/').pop()!
  return `<ul class="downloads" aria-label="${esc(`Download ${episode.title}`)}">` +
    `<li><a href="${esc(relativeUrl(root, episode.mediaPath))}" download="${esc(file)}" type="${esc(episode.mimeType)}">${formatName(episode.mediaPath)} ${kind} (${sizeWords(episode.length)})</a></li>` +
    `<li><a href="${esc(relativeUrl(root, episode.torrentPath))}" type="application/x-bittorrent">Torrent file</a></li>` +
    `<li><a href="${esc(magnet)}">Magnet link</a></li></ul>`
}

/** Chapters as links that seek the player (data-seek) or, without it, mark the time in the URL. */
export function chapterList (chapters: Chapter[]): string {
  if (chapters.length === 0) return ''
  const items = chapters.map(chapter => {
    const seconds = Math.max(0, Math.round(chapter.startTime * 1000) / 1000)
    return `<li><a href="#t=${seconds}" data-seek="${seconds}"><span class="t">${clock(chapter.startTime)} </span>${esc(chapter.title)}</a></li>`
  })
  return `<ol class="chapters">${items.join('')}</ol>`
}
