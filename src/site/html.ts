/**
 * Escapes text for HTML element content and for double- or single-quoted attribute
 * values alike: every page of the site is built from strings, and every string from a
 * show (titles, descriptions, chapter names) passes through here exactly once.
 */
export function esc (value: string | number): string {
  const text = String(value)
  // Most strings (slugs, dates, URLs) need nothing: a test is far cheaper than a replace with a callback.
  return SPECIAL.test(text) ? text.replace(/[&<>"']/g, char => ENTITIES[char]!) : text
}

const SPECIAL = /[&<>"']/

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Plain text as paragraphs: blank lines split paragraphs, single newlines become <br>. */
export function paragraphs (text: string): string {
  return text.trim().split(/\n\s*\n/).filter(Boolean)
    .map(paragraph => `<p>${paragraph.trim().split('\n').map(line => esc(line.trim())).join('<br>')}</p>`).join('\n')
}

/** A path below public/ as a URL relative to a page whose root prefix is `root` ('' or '../../'). */
export function relativeUrl (root: string, path: string): string {
  const trimmed = path.replace(/^\/+/, '')
  // Paths of slugs and plain file names are what encodeURIComponent leaves as they are.
  if (UNRESERVED_PATH.test(trimmed)) return root + trimmed
  return root + trimmed.split('/').map(segment => encodeURIComponent(segment)).join('/')
}

/** The characters encodeURIComponent keeps, and the slash between segments. */
const UNRESERVED_PATH = /^[A-Za-z0-9\-_.!~*'()/]*$/
