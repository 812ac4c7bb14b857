import MarkdownIt from 'markdown-it'
import sanitizeHtml from 'sanitize-html'

/** Show notes as the feeds carry them. */
export interface ShowNotes {
  /** For content:encoded, Atom content and JSON Feed content_html: sanitised HTML. */
  html: string
  /** For description / summary / content_text: the same words without markup. */
  text: string
}

// Raw HTML in the Markdown is shown as text (html: false), and the result goes through an
// allowlist anyway: podcast apps render content:encoded and the episode page shows the same
// HTML, so the notes must not carry scripts, styles, iframes, event handlers or javascript:
// URLs whatever the Markdown or an imported feed holds. Images stay (http(s) or relative
// sources only, lazy, always with alt text), except 1-pixel ones: those are trackers.
const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false })

const ALLOWED: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'b', 'em', 'i', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'del', 's', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'img'],
  allowedAttributes: { a: ['href', 'title', 'rel'], ol: ['start'], img: ['src', 'alt', 'title', 'width', 'height', 'loading'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  transformTags: {
    // rel only beside an href that the scheme filter (run after this) keeps: rel without href is invalid HTML.
    a: (tagName, attribs) => {
      const { rel: _rel, ...rest } = attribs
      return { tagName, attribs: rest.href && keptHref(rest.href) ? { ...rest, rel: 'noopener nofollow' } : rest }
    },
    img: (tagName, attribs) => ({ tagName, attribs: { ...attribs, alt: attribs.alt ?? '', loading: 'lazy' } })
  },
  // After the attribute filter: an image whose source was refused (data:, javascript:) has none left.
  exclusiveFilter: frame => frame.tag === 'img' && (!frame.attribs.src || isPixel(frame.attribs.width) || isPixel(frame.attribs.height))
}

/** Whether an href passes ALLOWED's schemes (http, https, mailto) or has none (relative); as sanitize-html reads it, control characters and spaces ignored. */
function keptHref (href: string): boolean {
  // eslint-disable-next-line no-control-regex
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(href.replace(/[\u0000-\u0020]+/g, ''))
  return !scheme || /^(https?|mailto)$/i.test(scheme[1]!)
}

function isPixel (size: string | undefined): boolean {
  return size !== undefined && /^\s*[01](px)?\s*$/.test(size)
}

/** Renders the podcaster's Markdown show notes to sanitised HTML and plain text. */
export function renderNotes (source: string): ShowNotes {
  const tokens = markdown.parse(source, {})
  const html = sanitizeHtml(markdown.renderer.render(tokens, markdown.options, {}), ALLOWED).trim()
  return { html, text: plainText(tokens) }
}

/** The text of the Markdown: paragraphs and list items on their own lines, links as "text (url)". */
function plainText (tokens: ReturnType<MarkdownIt['parse']>): string {
  const blocks: string[] = []
  for (const token of tokens) {
    if (token.type === 'inline') {
      let line = ''
      let href: string | undefined
      for (const child of token.children ?? []) {
        if (child.type === 'text' || child.type === 'code_inline') line += child.content
        else if (child.type === 'softbreak' || child.type === 'hardbreak') line += '\n'
        else if (child.type === 'image') line += child.content
        else if (child.type === 'link_open') href = child.attrGet('href') ?? undefined
        else if (child.type === 'link_close' && href) {
          if (!line.endsWith(href) && !/^mailto:/.test(href)) line += ` (${href})`
          href = undefined
        }
      }
      blocks.push(line.trim())
    } else if (token.type === 'code_block' || token.type === 'fence') {
      blocks.push(token.content.trimEnd())
    }
  }
  return blocks.filter(Boolean).join('\n\n')
}

const BLOCK_END = /<\/(p|div|li|h[1-6]|blockquote|pre|tr)>|<br\s*\/?>/gi

/**
 * Show notes another host wrote as HTML (content:encoded, a CDATA description): the same
 * allowlist as rendered Markdown, so nothing a feed carried (scripts, iframes, tracking
 * pixels, styles) reaches seedcast's feeds and pages, plus the words without markup.
 */
export function notesFromHtml (source: string): ShowNotes {
  const html = sanitizeHtml(source, ALLOWED).trim()
  const text = sanitizeHtml(source.replace(BLOCK_END, match => `${match}\n`), { allowedTags: [], allowedAttributes: {} })
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')
    .split('\n').map(line => line.replace(/[ \t]+/g, ' ').trim()).join('\n').replace(/\n{3,}/g, '\n\n').trim()
  return { html, text }
}

/**
 * A description read from another host's feed, when it is HTML: its notes through the
 * allowlist (notesFromHtml); undefined for plain text. Import and mirror both take a show's
 * and an episode's description this way.
 */
export function notesOfFeedText (text: string | undefined): ShowNotes | undefined {
  return text && looksLikeHtml(text) ? notesFromHtml(text) : undefined
}

/** Whether a description is HTML rather than plain text (other hosts write either). */
export function looksLikeHtml (text: string): boolean {
  return /<\/?[a-z][a-z0-9]*(\s[^>]*)?\/?>/i.test(text)
}
