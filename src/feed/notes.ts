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
// allowlist anyway: podcast apps render content:encoded, so the notes must not carry
// scripts, styles, iframes or event handlers whatever the Markdown holds.
const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false })

const ALLOWED: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'b', 'em', 'i', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'del', 's', 'table', 'thead', 'tbody', 'tr', 'th', 'td'],
  allowedAttributes: { a: ['href', 'title', 'rel'], ol: ['start'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'noopener nofollow' }) }
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

/** Whether a description is HTML rather than plain text (other hosts write either). */
export function looksLikeHtml (text: string): boolean {
  return /<\/?[a-z][a-z0-9]*(\s[^>]*)?\/?>/i.test(text)
}
