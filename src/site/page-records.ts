import { appendFile, mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import writeFileAtomic from 'write-file-atomic'
import { fileError } from '../errors.js'
import { withWholeFile } from '../whole-file.js'
import type { PageRecord } from './page-cache.js'

/**
 * The page records (page-cache.ts) on disk, .seedcast/site-pages.json: a log a build appends
 * to, so a publish writes the one or two records that changed instead of all of them (1 MB of
 * JSON for a 5,000-episode show, printed and written again on every publish).
 *
 *     seedcast site-pages 2 <shared key>
 *     "slug","key","listed",
 *     "slug",null,null,          (the slug's page was removed)
 *
 * A later line for a slug replaces the earlier ones. Every line ends in ",\n" and JSON keeps
 * raw newlines out of strings, so the lines after the header, with "[" before them and "null]"
 * after, are one JSON array: one parse, as fast as the flat list earlier builds wrote. A line
 * not ended (a build killed mid-append) is ignored, and the next save writes the file afresh
 * rather than append after it; any other damage fails the parse and costs one full render.
 * A cache, so never fsynced: a record is only ever written after its page.
 */
const HEADER = 'seedcast site-pages 2 '
const LINE_END = ',\n'
const HEADER_BYTES = Buffer.from(HEADER)
const LINE_END_BYTES = Buffer.from(LINE_END)
const NEWLINE = 0x0a
const OPEN_ARRAY = 0x5b
const CLOSE_ARRAY = 0x5d
/** sharedPageKey's form (base64url): a header run into the next line is no key. */
const SHARED_KEY = /^[\w-]+$/
/** Lines past which a save writes the live records afresh instead of appending: outdated lines would otherwise pile up. */
const SLACK = 256

/** The records of the last build, and what the next save needs to know of the file. */
export interface PageRecords {
  shared?: string
  pages: Map<string, PageRecord>
  /** Record lines in the file (outdated ones included); undefined when the file cannot take an append. */
  lines?: number
}

/** The records in `file`; none when it is missing, torn in its header, or damaged. */
export async function readPageRecords (file: string): Promise<PageRecords> {
  return withWholeFile(file, bytes => startsWith(bytes, HEADER_BYTES) ? parseLog(bytes) : parseObject(bytes.toString()))
    .catch(() => ({ pages: new Map() }))
}

/**
 * The log parsed from its bytes, the lines decoded as one JSON array in place: the newline
 * before them read as "[" and the comma that ends the last whole line as "]" (the bytes are
 * given back after decoding). The text of the whole file is never made, nor the lines' text
 * joined to brackets (1 MB for a 5,000-episode show, each copy fresh memory).
 */
function parseLog (bytes: Buffer): PageRecords {
  const headerEnd = bytes.indexOf(NEWLINE)
  if (headerEnd < 0) return { pages: new Map() }
  const shared = bytes.toString('utf8', HEADER_BYTES.length, headerEnd)
  if (!SHARED_KEY.test(shared)) return { pages: new Map() }
  // Up to the last whole line: what follows it was cut short.
  const start = headerEnd + 1
  const last = bytes.lastIndexOf(LINE_END_BYTES)
  const end = last >= start ? last + LINE_END_BYTES.length : start
  let flat: unknown = []
  if (end > start) {
    const newline = bytes[headerEnd]!
    const comma = bytes[last]!
    bytes[headerEnd] = OPEN_ARRAY
    bytes[last] = CLOSE_ARRAY
    let text: string
    try {
      text = bytes.toString('utf8', headerEnd, last + 1)
    } finally {
      bytes[headerEnd] = newline
      bytes[last] = comma
    }
    try {
      flat = JSON.parse(text)
    } catch {
      return { pages: new Map() }
    }
  }
  if (!Array.isArray(flat) || flat.length % 3 !== 0) return { pages: new Map() }
  const pages = new Map<string, PageRecord>()
  for (let at = 0; at + 2 < flat.length; at += 3) {
    const [slug, key, listed] = [flat[at], flat[at + 1], flat[at + 2]]
    if (typeof slug !== 'string') return { pages: new Map() }
    if (typeof key === 'string' && typeof listed === 'string') {
      pages.set(slug, { key, listed })
    } else if (key === null && listed === null) {
      pages.delete(slug)
    } else {
      return { pages: new Map() }
    }
  }
  // After a torn line an append would be glued to it: the next save writes the file afresh.
  return { shared, pages, ...(end === bytes.length ? { lines: flat.length / 3 } : {}) }
}

function startsWith (bytes: Buffer, expected: Buffer): boolean {
  return bytes.length >= expected.length && bytes.compare(expected, 0, expected.length, 0, expected.length) === 0
}

/** Earlier builds' file: one JSON object (`records` flat, or `pages` by slug); written afresh by the next save. */
function parseObject (text: string): PageRecords {
  let stored: { shared?: unknown, records?: unknown, pages?: unknown }
  try {
    stored = JSON.parse(text) as typeof stored
  } catch {
    return { pages: new Map() }
  }
  if (typeof stored !== 'object' || stored === null || typeof stored.shared !== 'string') return { pages: new Map() }
  const pages = new Map<string, PageRecord>()
  if (Array.isArray(stored.records)) {
    const flat = stored.records as unknown[]
    for (let at = 0; at + 2 < flat.length; at += 3) {
      const [slug, key, listed] = [flat[at], flat[at + 1], flat[at + 2]]
      if (typeof slug === 'string' && typeof key === 'string' && typeof listed === 'string') pages.set(slug, { key, listed })
    }
  } else if (typeof stored.pages === 'object' && stored.pages !== null) {
    for (const [slug, record] of Object.entries(stored.pages as Record<string, unknown>)) {
      if (Array.isArray(record) && typeof record[0] === 'string' && typeof record[1] === 'string') pages.set(slug, { key: record[0], listed: record[1] })
    }
  } else {
    return { pages: new Map() }
  }
  return { shared: stored.shared, pages }
}

/**
 * Saves `records` (every page of this build) over `previous` (what readPageRecords found):
 * nothing when they are the same, else appends the records that changed and the removals,
 * or writes the file afresh when it holds another shared key or an earlier form, cannot take
 * an append, or would hold more outdated lines than live ones.
 */
export async function savePageRecords (file: string, shared: string, records: Map<string, PageRecord>, previous: PageRecords): Promise<void> {
  if (previous.shared === shared) {
    const changed: string[] = []
    for (const [slug, record] of records) {
      const before = previous.pages.get(slug)
      if (before !== record && (before?.key !== record.key || before.listed !== record.listed)) changed.push(line(slug, record))
    }
    for (const slug of previous.pages.keys()) if (!records.has(slug)) changed.push(line(slug))
    // The records on disk are these (in whatever form): nothing to save.
    if (changed.length === 0) return
    if (previous.lines !== undefined && previous.lines + changed.length <= 2 * records.size + SLACK) {
      await appendFile(file, changed.join('')).catch(error => { throw fileError(error, file, 'write') })
      return
    }
  }
  let text = `${HEADER}${shared}\n`
  for (const [slug, record] of records) text += line(slug, record)
  await mkdir(dirname(file), { recursive: true }).catch(error => { throw fileError(error, dirname(file), 'create') })
  await writeFileAtomic(file, text, { fsync: false }).catch(error => { throw fileError(error, file, 'write') })
}

/** A record's line; without a record, the line saying the slug's page is gone. */
function line (slug: string, record?: PageRecord): string {
  return record
    ? `${JSON.stringify(slug)},${JSON.stringify(record.key)},${JSON.stringify(record.listed)}${LINE_END}`
    : `${JSON.stringify(slug)},null,null${LINE_END}`
}
