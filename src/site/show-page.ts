import { FEED_FILES, feedUrls, publicUrl } from '../feed/urls.js'
import { chapterList, downloadLinks, episodeMeta, playerElement } from './episode-parts.js'
import { esc, paragraphs, relativeUrl } from './html.js'
import { page, summary } from './layout.js'
import { licenseLine } from './license.js'
import type { Episode } from '../model/show.js'
import { dateWords } from './format.js'
import type { SiteModel } from './model.js'

/**
 * public/index.html: the show, how to subscribe, and every published episode, newest
 * first: the newest in full (player, chapters, downloads), the older ones as a list of
 * links to their pages, so a show with years of episodes still has a light front page.
 */
export function renderShowPage (model: SiteModel, listed: (episode: Episode) => string = episode => olderItem(model.show, episode)): string {
  return showPageWith(model, olderList((model.olderEpisodes ?? []).map(listed)))
}

/** Marks the place of the older-episode lines in showPageAround; never in a page (the catalog could hold it: then it is seen twice). */
const LINES_MARK = '\u0000'

/**
 * The show page around its older-episode lines, [before, after]: renderShowPage's text is
 * before + the lines (olderItem) joined by '\n' + after. Undefined when there are no older
 * episodes, or when the show's own text holds the mark (then the page is rendered whole).
 */
export function showPageAround (model: SiteModel): [string, string] | undefined {
  if (!model.olderEpisodes?.length) return undefined
  const text = showPageWith(model, olderList([LINES_MARK]))
  const at = text.indexOf(LINES_MARK)
  if (at < 0 || text.includes(LINES_MARK, at + 1)) return undefined
  return [text.slice(0, at), text.slice(at + LINES_MARK.length)]
}

/** The show page with `older` (olderList's HTML) after the episodes shown in full. */
function showPageWith (model: SiteModel, older: string): string {
  const { show } = model
  const root = ''
  const cover = show.image
    ? `<img class="cover" src="${esc(relativeUrl(root, show.image))}" width="${model.coverSize?.width ?? 160}" height="${model.coverSize?.height ?? 160}" alt="${esc(`Cover of ${show.title}`)}">`
    : ''
  const funding = show.funding ? `<p><a href="${esc(show.funding.url)}">${esc(show.funding.title)}</a></p>` : ''
  const website = show.link && show.link !== show.baseUrl ? `<p><a href="${esc(show.link)}">Website</a></p>` : ''
  const episodes = model.episodes.length === 0
    ? '<p>No episodes yet.</p>'
    : `<ol class="episodes">\n${model.episodes.map(({ episode, chapters }) => {
        const href = relativeUrl(root, `episodes/${episode.slug}/`)
        return `<li><article aria-labelledby="e-${esc(episode.slug)}">
<h3 id="e-${esc(episode.slug)}"><a href="${esc(href)}">${esc(episode.title)}</a></h3>
${episodeMeta(show, episode)}
${paragraphs(summary(episode.description))}
${playerElement(root, show, episode)}
${chapters.length ? `<details><summary>Chapters</summary>${chapterList(chapters)}</details>\n` : ''}${downloadLinks(root, show, episode)}
</article></li>`
      }).join('\n')}\n</ol>${older}`
  const feeds = feedUrls(show)
  const body = `<a class="skip" href="#episodes">Skip to the episodes</a>
<header class="show">
${cover}
<div>
<h1>${esc(show.title)}</h1>
<p class="by">by ${esc(show.author)}</p>
${paragraphs(show.description)}
${licenseLine(show.license)}
${website}${funding}</div>
</header>
<section class="subscribe" aria-labelledby="subscribe">
<h2 id="subscribe">Subscribe</h2>
<label for="feed-url">Paste this address into your podcast app:</label>
<div class="copy"><input id="feed-url" type="url" readonly value="${esc(feeds.rss)}"><button type="button" data-copy="feed-url" aria-live="polite" hidden>Copy</button></div>
<ul class="feeds">
<li><a href="${esc(relativeUrl(root, FEED_FILES.rss))}">RSS</a></li>
<li><a href="${esc(relativeUrl(root, FEED_FILES.p2p))}">P2P RSS (magnet links, for BitTorrent clients)</a></li>
<li><a href="${esc(relativeUrl(root, FEED_FILES.atom))}">Atom</a></li>
<li><a href="${esc(relativeUrl(root, FEED_FILES.json))}">JSON Feed</a></li>
</ul>
</section>
<main id="episodes">
<h2>Episodes</h2>
${episodes}
</main>
<footer><p>Every episode here is shared peer to peer: the torrent and magnet links work in any BitTorrent client.</p></footer>`
  return page({
    show,
    root,
    title: show.title,
    description: summary(show.description),
    canonical: show.baseUrl,
    openGraph: [['og:type', 'website'], ...(show.image ? [['og:image', publicUrl(show, show.image)] as [string, string]] : [])],
    assets: model.assets,
    body,
    copyScript: true
  })
}

/** Older episodes, given as their <li> lines (olderItem): title and date, each linking to the episode's own page. */
function olderList (items: string[]): string {
  if (items.length === 0) return ''
  return `\n<h3 id="older">Older episodes</h3>\n<ol class="older">\n${items.join('\n')}\n</ol>`
}

/**
 * An older episode's line on the show page. Kept with the page records (page-cache.ts):
 * a show with thousands of episodes lists them all, and dating each one anew cost more
 * than the rest of the page.
 */
export function olderItem (show: SiteModel['show'], episode: Episode): string {
  return `<li><a href="${esc(relativeUrl('', `episodes/${episode.slug}/`))}">${esc(episode.title)}</a> <time datetime="${esc(episode.pubDate)}">${esc(dateWords(episode.pubDate, show.language))}</time></li>`
}
