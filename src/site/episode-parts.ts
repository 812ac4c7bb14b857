import { episodeUrls } from '../feed/urls.js'
import type { Chapter, Episode, ShowConfig } from '../model/show.js'
import { clock } from '../clock.js'
import { dateWords, durationWords, formatName, isoDuration, sizeWords } from './format.js'
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

/**
 * Chapters as links that seek the player (data-seek) or, without it, mark the time in the
 * URL; a chapter's web page as a link beside its title and its art as a small thumbnail.
 * The seek link holds only the time and title: the player finds it by data-seek.
 */
export function chapterList (chapters: Chapter[]): string {
  if (chapters.length === 0) return ''
  const items = chapters.map(chapter => {
    const seconds = Math.max(0, Math.round(chapter.startTime * 1000) / 1000)
    const image = chapter.img && safeUrl(chapter.img)
      ? `<img class="thumb" src="${esc(chapter.img)}" width="48" height="48" loading="lazy" alt="${esc(chapter.title)}">`
      : ''
    const link = chapter.url && safeUrl(chapter.url)
      ? ` <a class="more" href="${esc(chapter.url)}" rel="noopener nofollow" aria-label="${esc(`About ${chapter.title}`)}">link</a>`
      : ''
    return `<li>${image}<a href="#t=${seconds}" data-seek="${seconds}"><span class="t">${clock(chapter.startTime)} </span>${esc(chapter.title)}</a>${link}</li>`
  })
  return `<ol class="chapters">${items.join('')}</ol>`
}

/**
 * A chapter's url or img as the page may use it: http(s), or relative to the page (no
 * scheme at all). A chapters file is the podcaster's, but publish is not its only writer
 * (a hand edit, an older seedcast), so javascript:, data: and the like are dropped here.
 */
function safeUrl (url: string): boolean {
  const scheme = /^\s*([a-z][a-z0-9+.-]*):/i.exec(url)
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u001f]/.test(url) && (scheme ? /^https?$/i.test(scheme[1]!) : true)
}

/**
 * The episode's show notes on its page: the HTML the feeds carry (sanitised once, by
 * feed/notes.ts, when publish, episodes edit or import stored it), with its headings moved
 * below the page's own: the notes' top level becomes h3, under "About this episode" (h2).
 * Not sanitised again: only those three write notesHtml, each through the one allowlist.
 */
export function episodeNotes (html: string): string {
  const levels = [...html.matchAll(/<h([1-6])>/g)].map(match => Number(match[1]))
  const shift = levels.length ? 3 - Math.min(...levels) : 0
  const body = shift === 0 ? html : html.replace(/<(\/?)h([1-6])>/g, (_, slash: string, level: string) => `<${slash}h${Math.min(6, Number(level) + shift)}>`)
  // The sanitiser writes void elements XML-style (<img />, fine in feeds); HTML omits the slash.
  // Text and attribute values come out escaped, so a literal " />" can only end such a tag.
  return `<div class="notes">${body.replaceAll(' />', '>')}</div>`
}
