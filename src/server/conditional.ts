import type { IncomingHttpHeaders } from 'node:http'

/** The validators of one representation: a strong ETag and the modification time. */
export interface Validators {
  /** Strong entity tag with its quotes, e.g. "1c9f-18c2a3b4e50". */
  etag: string
  /** Milliseconds since the epoch; Last-Modified is sent at one-second precision. */
  mtimeMs: number
}

/** The ETag of a file from its fstat: size and modification time (what nginx and send use). */
export function statEtag (size: number, mtimeMs: number): string {
  return `"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`
}

/**
 * An encoded variant's ETag: the identity's with the coding appended, so a cache never
 * takes gzip bytes for brotli ones, while conditional requests with any variant's tag
 * still match (see matchesEtag).
 */
export function variantEtag (etag: string, coding: string | undefined): string {
  return coding ? `${etag.slice(0, -1)}-${coding}"` : etag
}

/** Weak comparison of a list of tags (If-None-Match) with the identity's tag, any variant. */
function listMatches (header: string, etag: string): boolean {
  if (header.trim() === '*') return true
  const base = etag.slice(1, -1)
  return header.split(',').some(raw => {
    const tag = raw.trim().replace(/^W\//, '').slice(1, -1)
    return tag === base || tag === `${base}-br` || tag === `${base}-gzip`
  })
}

const seconds = (ms: number) => Math.floor(ms / 1000)

function parseDate (header: string | undefined): number | undefined {
  if (!header) return undefined
  const ms = Date.parse(header)
  return Number.isNaN(ms) ? undefined : ms
}

/**
 * What the preconditions of RFC 9110 section 13.2.2 say for a GET or HEAD, in their
 * order: 412 when If-Match or If-Unmodified-Since fails, 304 when If-None-Match (or,
 * without it, If-Modified-Since) says the client's copy is current, else undefined.
 */
export function preconditionStatus (headers: IncomingHttpHeaders, validators: Validators): 304 | 412 | undefined {
  const ifMatch = headers['if-match']
  if (ifMatch !== undefined) {
    if (!(ifMatch.trim() === '*' || ifMatch.split(',').some(tag => tag.trim() === validators.etag))) return 412
  } else {
    const since = parseDate(headers['if-unmodified-since'])
    if (since !== undefined && seconds(validators.mtimeMs) > seconds(since)) return 412
  }
  const ifNoneMatch = headers['if-none-match']
  if (ifNoneMatch !== undefined) return listMatches(ifNoneMatch, validators.etag) ? 304 : undefined
  const modifiedSince = parseDate(headers['if-modified-since'])
  if (modifiedSince !== undefined && seconds(validators.mtimeMs) <= seconds(modifiedSince)) return 304
  return undefined
}

/**
 * Whether a Range request may be honoured given its If-Range (RFC 9110 section 13.1.5):
 * no If-Range, the identity's strong ETag exactly, or the exact Last-Modified date.
 * Otherwise the client's copy is stale and it gets the whole file (200).
 */
export function ifRangeHolds (headers: IncomingHttpHeaders, validators: Validators): boolean {
  const raw = headers['if-range']
  const ifRange = (Array.isArray(raw) ? raw[0] : raw)?.trim()
  if (ifRange === undefined) return true
  if (ifRange.startsWith('"') || ifRange.startsWith('W/')) return ifRange === validators.etag
  const date = parseDate(ifRange)
  return date !== undefined && seconds(date) === seconds(validators.mtimeMs)
}
