import { createHash, type Hash } from 'node:crypto'
import { open, stat, type FileHandle } from 'node:fs/promises'
import { writeAtomicParts, type FilePart } from '../atomic.js'
import { holdsBytes, readWholeFile } from '../whole-file.js'

/**
 * The show page (public/index.html) of a long show is mostly its list of older episodes, a
 * line each: 4,950 lines (750 kB) for a show of 5,000 episodes, where a publish adds one line
 * at the top. Joining the lines into the page and encoding it (a UTF-16 string of twice that
 * size, then its UTF-8 bytes) is fresh memory, which is costly where pages are faulted in one
 * by one (a virtual machine: ~4 ms per MiB). So the lines the last build wrote are copied from
 * its file as a span (as the feeds copy their items, atomic.ts FileSpan) and only the lines
 * before them are rendered.
 *
 * .seedcast/show-page.json records the file as written (its size and mtime, as the feeds'
 * index does), where the lines sit in it, how many there were, and a digest of them. The
 * lines are copied when the file is still that one and this build's last `count` lines have
 * that digest; anything else (index.html edited by hand, a missing, torn or foreign record,
 * other lines) renders the whole page. A cache: written without fsync, after the page.
 */
export interface ShowPageRecord {
  size: number
  mtimeMs: number
  /** Byte offsets of the lines (joined by '\n') in the file. */
  start: number
  end: number
  count: number
  /** linesDigest of the lines. */
  digest: string
}

/** The last build's show page: its record, and the page open for reading when it is still the file recorded. */
export interface PreviousShowPage {
  record?: ShowPageRecord
  file?: FileHandle
}

/**
 * The record and the page it describes, opened: what writeShowPage reads before it writes, read
 * as soon as a build holds the lock (build-reads.ts) rather than in a thread pool then busy with
 * the feeds. Whoever calls it closes the file (writeShowPage does).
 */
export async function previousShowPage (path: string, recordFile: string): Promise<PreviousShowPage> {
  const record = await readRecord(recordFile)
  const file = record ? await openIfRecorded(path, record) : undefined
  return { ...(record ? { record } : {}), ...(file ? { file } : {}) }
}

/**
 * Writes the show page at `path`: `around` is the page around its older-episode lines
 * (showPageAround), `lines` the lines; written (temp file, fsync, rename) only when its bytes
 * change, and recorded in `recordFile` for the next build. `early`: previousShowPage of the
 * same files, when the caller started it already; its file is closed here.
 */
export async function writeShowPage (path: string, recordFile: string, around: [string, string], lines: readonly string[], early?: Promise<PreviousShowPage>): Promise<void> {
  const { record, file: previous } = await (early ?? previousShowPage(path, recordFile))
  try {
    // The digest runs from the last line up, so the last build's lines (this build's last
    // `count`) are checked on the way to the digest of all of them, in one pass.
    const digest = new LineDigest()
    const copied = previous && record!.count <= lines.length ? lines.length - record!.count : -1
    let reuse = false
    for (let at = lines.length - 1; at >= 0; at--) {
      digest.add(lines[at]!)
      if (at === copied) reuse = digest.value() === record!.digest
    }
    const head = pageBytes(around[0])
    const tail = pageBytes(around[1])
    let parts: FilePart[]
    let end: number
    if (reuse) {
      const fresh = copied > 0 ? pageBytes(lines.slice(0, copied).join('\n') + '\n') : EMPTY
      parts = [head, fresh, { file: previous!, start: record!.start, end: record!.end }, tail]
      end = head.length + fresh.length + record!.end - record!.start
    } else {
      const all = pageBytes(lines.join('\n'))
      parts = [head, all, tail]
      end = head.length + all.length
    }
    const lineSpan = { start: head.length, end, count: lines.length, digest: digest.value() }
    const size = end + tail.length
    if (await unchanged(path, parts, size, previous, record)) {
      // The same bytes: the record stands if it says so, else it is made from the file as it is.
      if (record && previous && sameSpan(record, lineSpan)) return
      const info = await stat(path).catch(() => undefined)
      if (info) await saveRecord(recordFile, { size: info.size, mtimeMs: info.mtimeMs, ...lineSpan })
      return
    }
    const written = await writeAtomicParts(path, parts, { stat: true })
    await saveRecord(recordFile, { size: written!.size, mtimeMs: written!.mtimeMs, ...lineSpan })
  } finally {
    await previous?.close()
  }
}

/**
 * The UTF-8 bytes of a page. Buffer.from measures a text before encoding it, and for a text
 * with any character past Latin-1 (the pages' "…") measuring costs more than encoding: the
 * show page of a 5,000-episode show (850 kB) took 4 ms. A long text is encoded into a buffer
 * sized for the worst case (3 bytes per UTF-16 unit) and cut to length instead (1.3 ms).
 */
export function pageBytes (text: string): Buffer {
  if (text.length < 65_536) return Buffer.from(text)
  const bytes = Buffer.allocUnsafeSlow(3 * text.length)
  return bytes.subarray(0, bytes.write(text))
}

const EMPTY = Buffer.alloc(0)

/**
 * The SHA-1 (base64) of lines, each given with its length first (lines joined otherwise could
 * match other lines). The lines are handed to the hash some 64 kB at a time: two update calls
 * per line, 9,900 for a 5,000-episode show, cost more than the hashing. The same digest: a
 * line's text and its length prefix are hashed as the same UTF-8 bytes either way (a line's
 * neighbours in the batch are digits and a colon, never half of a surrogate pair).
 */
class LineDigest {
  readonly #hash: Hash = createHash('sha1')
  #pending = ''

  add (line: string): void {
    this.#pending += `${line.length}:${line}`
    if (this.#pending.length >= BATCH) this.#flush()
  }

  /** The digest of the lines so far; more can be added after. */
  value (): string {
    this.#flush()
    return this.#hash.copy().digest('base64')
  }

  #flush (): void {
    if (this.#pending.length > 0) this.#hash.update(this.#pending)
    this.#pending = ''
  }
}

const BATCH = 65_536

function sameSpan (record: ShowPageRecord, span: Omit<ShowPageRecord, 'size' | 'mtimeMs'>): boolean {
  return record.start === span.start && record.end === span.end && record.count === span.count && record.digest === span.digest
}

/**
 * True when the file at `path` holds the bytes of `parts` already. A span of `previous` (the
 * file itself, as recorded) at its own place is those bytes without reading them; the rest is read.
 */
async function unchanged (path: string, parts: FilePart[], size: number, previous: FileHandle | undefined, record: ShowPageRecord | undefined): Promise<boolean> {
  if (!previous) {
    if (parts.some(part => !Buffer.isBuffer(part))) return false
    return holdsBytes(path, Buffer.concat(parts as Buffer[], size))
  }
  if (size !== record!.size) return false
  let at = 0
  for (const part of parts) {
    if (Buffer.isBuffer(part)) {
      if (part.length > 0 && !part.equals(await bytesAt(previous, at, part.length))) return false
      at += part.length
    } else {
      if (part.start !== at) return false
      at = part.end
    }
  }
  return true
}

async function bytesAt (file: FileHandle, at: number, length: number): Promise<Buffer> {
  const bytes = Buffer.allocUnsafe(length)
  let read = 0
  while (read < length) {
    const { bytesRead } = await file.read(bytes, read, length - read, at + read)
    if (bytesRead === 0) break
    read += bytesRead
  }
  return bytes.subarray(0, read)
}

/** The page open for reading when it is still the file the record describes; undefined otherwise. */
async function openIfRecorded (path: string, record: ShowPageRecord): Promise<FileHandle | undefined> {
  const file = await open(path, 'r').catch(() => undefined)
  if (!file) return undefined
  const info = await file.stat().catch(() => undefined)
  if (info?.size === record.size && info.mtimeMs === record.mtimeMs) return file
  await file.close()
  return undefined
}

/** The record, when it is well formed and its numbers fit together; undefined otherwise. */
async function readRecord (file: string): Promise<ShowPageRecord | undefined> {
  let stored: Partial<ShowPageRecord>
  try {
    stored = JSON.parse((await readWholeFile(file)).toString()) as Partial<ShowPageRecord>
  } catch {
    return undefined
  }
  if (typeof stored !== 'object' || stored === null) return undefined
  const { size, mtimeMs, start, end, count, digest } = stored
  const whole = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0
  if (!whole(size) || typeof mtimeMs !== 'number' || !whole(start) || !whole(end) || !whole(count) || typeof digest !== 'string') return undefined
  if (start > end || end > size || count === 0) return undefined
  return { size, mtimeMs, start, end, count, digest }
}

async function saveRecord (file: string, record: ShowPageRecord): Promise<void> {
  // A cache: a failed write costs the next build a whole page, nothing else.
  await writeAtomicParts(file, [Buffer.from(JSON.stringify(record))], { fsync: false }).catch(() => {})
}
