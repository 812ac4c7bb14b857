import sanitizeHtml from 'sanitize-html'
import type { Transcript } from './transcript.js'

/**
 * The two podcast:transcript formats that are not subtitles: Podcasting 2.0's JSON
 * (application/json) and HTML (text/html), as the namespace's transcripts document
 * describes them. Both are checked to hold some spoken text; neither is trusted.
 */

/** Most segments one transcript may have: a 10-hour show at a segment a second. */
const MAX_SEGMENTS = 36_000

/**
 * `{"version": "1.0.0", "segments": [{"speaker"?, "startTime", "endTime"?, "body"}]}`: every
 * segment has a start time (seconds, not negative) and a body; an end time, when given,
 * is not before its start. Published as given (minus its BOM), since apps parse it.
 */
export function jsonTranscript (text: string, refuse: (why: string) => Error): Transcript {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw refuse(`not valid JSON: ${(error as Error).message}`)
  }
  const segments = (parsed as { segments?: unknown } | null)?.segments
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !Array.isArray(segments)) throw refuse('JSON without a "segments" array')
  if (segments.length === 0) throw refuse('the JSON transcript has no segments')
  if (segments.length > MAX_SEGMENTS) throw refuse(`${segments.length} segments, more than ${MAX_SEGMENTS}`)
  const cues = segments.map((segment: unknown, index) => {
    const { startTime, endTime, body, speaker } = (segment ?? {}) as Record<string, unknown>
    const at = `segments[${index}]`
    if (typeof segment !== 'object' || segment === null) throw refuse(`${at} is not an object`)
    if (typeof startTime !== 'number' || !Number.isFinite(startTime) || startTime < 0) throw refuse(`${at}.startTime must be a number of seconds, not negative`)
    if (endTime !== undefined && (typeof endTime !== 'number' || !Number.isFinite(endTime) || endTime < startTime)) throw refuse(`${at}.endTime must be a number of seconds, not before startTime`)
    if (typeof body !== 'string') throw refuse(`${at}.body must be a string`)
    if (speaker !== undefined && typeof speaker !== 'string') throw refuse(`${at}.speaker must be a string`)
    return { start: startTime, text: body.replace(/\s+/g, ' ').trim() }
  }).filter(cue => cue.text)
  if (!cues.length) throw refuse('every segment\'s body is empty')
  return { extension: 'json', mimeType: 'application/json', text, cues }
}

/**
 * What an HTML transcript keeps: text structure, speakers (<cite>) and times (<time>). It is
 * served from the show's own origin, where the dashboard keeps its token: a script, an
 * event handler or a form in it (a feed's transcript on import is anyone's HTML) would run
 * there. So the file is published sanitised, and the episode page shows its text only.
 */
const ALLOWED: sanitizeHtml.IOptions = {
  allowedTags: ['html', 'body', 'p', 'br', 'div', 'span', 'cite', 'time', 'strong', 'b', 'em', 'i', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'blockquote', 'a'],
  allowedAttributes: { a: ['href', 'title'], time: ['datetime'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  // The text of these goes with them (a <head>'s <title> would otherwise become body text).
  nonTextTags: ['style', 'script', 'textarea', 'option', 'noscript', 'title']
}

const BLOCK_END = /<\/(p|div|li|h[1-6]|blockquote|cite)>|<br\s*\/?>/gi

export function htmlTranscript (text: string, refuse: (why: string) => Error): Transcript {
  const safe = sanitizeHtml(text, ALLOWED).trim()
  // Text only, a paragraph per block; entities decoded (the page escapes it again).
  const plain = decodeHtmlEntities(sanitizeHtml(safe.replace(BLOCK_END, match => `${match}\n\n`), { allowedTags: [], allowedAttributes: {} }))
  const cues = plain.split(/\n\s*\n/).map(paragraph => paragraph.replace(/\s+/g, ' ').trim()).filter(Boolean).map(words => ({ start: 0, text: words }))
  if (!cues.length) throw refuse('the HTML file has no text')
  return { extension: 'html', mimeType: 'text/html', text: `<!DOCTYPE html>\n<meta charset="utf-8">\n${safe}\n`, cues }
}

function decodeHtmlEntities (text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|quot|amp|apos|nbsp);/gi, (entity, name: string) => {
    const lower = name.toLowerCase()
    if (lower.startsWith('#')) {
      const code = lower.startsWith('#x') ? Number.parseInt(lower.slice(2), 16) : Number(lower.slice(1))
      return code > 0 && code <= 0x10FFFF ? String.fromCodePoint(code) : entity
    }
    return ({ lt: '<', gt: '>', quot: '"', amp: '&', apos: "'", nbsp: ' ' } as Record<string, string>)[lower] ?? entity
  })
}
