import { FEED_FILES, publicUrl } from '../feed/urls.js'
import { chapterList, downloadLinks, episodeMeta, episodeNotes, playerElement } from './episode-parts.js'
import { esc, paragraphs, relativeUrl } from './html.js'
import { page, summary } from './layout.js'
import { licenseLine } from './license.js'
import type { SiteEpisode, SiteModel } from './model.js'

/** The folder of an episode's page below public/ (its URL is the base URL + this + "/"). */
export function episodePageDir (slug: string): string {
  return `episodes/${slug}`
}

/**
 * public/episodes/<slug>/index.html: one episode with its player, chapters, notes (the
 * HTML the feeds carry, else the plain description), transcript and downloads.
 */
export function renderEpisodePage (model: SiteModel, item: SiteEpisode): string {
  const { show } = model
  const { episode, chapters, transcript } = item
  const root = '../../'
  const image = episode.imagePath ?? show.image
  const art = image ? `<img class="art" src="${esc(relativeUrl(root, image))}" width="96" height="96" alt="">` : ''
  const video = episode.mimeType.startsWith('video/')
  const body = `<nav aria-label="Show"><a href="${esc(root)}">← ${esc(show.title)}</a></nav>
<main>
<article aria-labelledby="title">
${art}<h1 id="title">${esc(episode.title)}</h1>
${episodeMeta(show, episode)}
${playerElement(root, show, episode)}
${chapters.length ? `<section aria-labelledby="chapters"><h2 id="chapters">Chapters</h2>\n${chapterList(chapters)}\n</section>\n` : ''}<section aria-labelledby="about"><h2 id="about">About this episode</h2>
${episode.notesHtml ? episodeNotes(episode.notesHtml) : paragraphs(episode.description)}
</section>
${transcript ? `<section aria-labelledby="transcript"><h2 id="transcript">Transcript</h2>\n<div class="transcript">${paragraphs(transcript)}</div>\n</section>\n` : ''}<section aria-labelledby="download"><h2 id="download">Download</h2>
${downloadLinks(root, show, episode)}
</section>
</article>
</main>
<footer>
<p>From <a href="${esc(root)}">${esc(show.title)}</a> by ${esc(show.author)}. Subscribe: <a href="${esc(relativeUrl(root, FEED_FILES.rss))}">RSS</a> · <a href="${esc(relativeUrl(root, FEED_FILES.p2p))}">P2P RSS</a></p>
${licenseLine(show.license)}
</footer>`
  const mediaUrl = publicUrl(show, episode.mediaPath)
  return page({
    show,
    root,
    title: `${episode.title} · ${show.title}`,
    description: summary(episode.description),
    canonical: publicUrl(show, `${episodePageDir(episode.slug)}/`),
    openGraph: [
      ['og:type', video ? 'video.episode' : 'article'],
      ...(image ? [['og:image', publicUrl(show, image)] as [string, string]] : []),
      [video ? 'og:video' : 'og:audio', mediaUrl],
      [video ? 'og:video:type' : 'og:audio:type', episode.mimeType]
    ],
    assets: model.assets,
    body
  })
}
