import { FEED_FILES } from '../feed/urls.js'
import type { ShowConfig } from '../model/show.js'
import { esc, relativeUrl } from './html.js'
import type { PlayerAssets } from './model.js'
import { COPY_SCRIPT, SITE_CSS } from './style.js'

export interface PageOptions {
  show: ShowConfig
  /** '' on the show page, '../../' on an episode page: every URL is relative to public/ through it. */
  root: string
  title: string
  description: string
  /** Absolute URL of this page (canonical and og:url): the base URL + its path. */
  canonical: string
  /** Open Graph tags beyond title, description, URL and site name. */
  openGraph: Array<[string, string]>
  assets: PlayerAssets
  body: string
  /** Include the Copy-button script (the show page's subscribe box). */
  copyScript?: boolean
}

/**
 * The shell of every page: head with the feeds' autodiscovery links, Open Graph tags (the
 * only absolute URLs, since link previews need them), the inline stylesheet and, when
 * the player is built, its stylesheet and module script (contract A); the body; then, on
 * the show page, the copy-button script.
 */
export function page (options: PageOptions): string {
  const { show, root } = options
  const feedLinks: Array<[string, string, string]> = [
    ['application/rss+xml', FEED_FILES.rss, `${show.title} (RSS)`],
    ['application/rss+xml', FEED_FILES.p2p, `${show.title} (RSS with magnet links)`],
    ['application/atom+xml', FEED_FILES.atom, `${show.title} (Atom)`],
    ['application/feed+json', FEED_FILES.json, `${show.title} (JSON Feed)`]
  ]
  const og: Array<[string, string]> = [
    ['og:site_name', show.title], ['og:title', options.title], ['og:description', options.description],
    ['og:url', options.canonical], ['og:locale', show.language.replace('-', '_')], ...options.openGraph
  ]
  return `<!DOCTYPE html>
<html lang="${esc(show.language)}" data-seedcast-root="${esc(root || './')}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${esc(options.title)}</title>
<meta name="description" content="${esc(options.description)}">
<link rel="canonical" href="${esc(options.canonical)}">
<link rel="icon" href="data:,">
${feedLinks.map(([type, file, title]) => `<link rel="alternate" type="${type}" title="${esc(title)}" href="${esc(relativeUrl(root, file))}">`).join('\n')}
${og.map(([property, content]) => `<meta property="${esc(property)}" content="${esc(content)}">`).join('\n')}
<meta name="twitter:card" content="summary">
<style>${SITE_CSS}</style>
${options.assets.css ? `<link rel="stylesheet" href="${esc(relativeUrl(root, options.assets.css))}">\n` : ''}${options.assets.js ? `<script type="module" src="${esc(relativeUrl(root, options.assets.js))}"></script>\n` : ''}</head>
<body>
${options.body}
${options.copyScript ? `<script>${COPY_SCRIPT}</script>\n` : ''}</body>
</html>
`
}

/** A short description for meta tags: the first 200 characters of plain text, cut at a word. */
export function summary (text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  if (flat.length <= 200) return flat
  const cut = flat.slice(0, 199)
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), 120))}…`
}
