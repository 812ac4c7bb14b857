import { createHash, type Hash } from 'node:crypto'

/**
 * Which entries of episodes.json are, byte for byte, those of the last build, so their hashes
 * (episode-hash.ts) need not be computed again: hashing 5,000 entries (JSON.stringify and
 * SHA-1 each) cost a build after one publish ~10 ms, more than parsing the whole file.
 *
 * A build records where entries end in the catalog's text ("marks"), each with the SHA-256 of
 * the text before it, and every entry's hash. The next build hashes its text once, mark by
 * mark: the entries before the last mark whose digest is unchanged are the same entries (the
 * same bytes parse to the same values), so their hashes are those recorded. A publish appends
 * an entry, so every recorded entry stays trusted; an edit trusts the entries before it.
 *
 * Marks are only found in the layout seedcast writes (JSON.stringify(catalog, null, 2)):
 * each entry opens with "\n    {" and closes with "\n    }" (a JSON string holds no raw
 * newline, and nested values are indented further). Every entry between them is parsed on its
 * own, so a hand-formatted file that happens to contain such a line cannot mislead it: a
 * piece that is not a whole JSON value fails to parse. And the entries must run from the
 * array's opening to the end of the file ("\n  ]\n}"), so no second "episodes" key can follow
 * and replace the array. Any other layout: no marks, every entry is hashed, as before.
 *
 * Those parses are the catalog's parse: a file in this layout is exactly {"version": 1,
 * "episodes": [the pieces]}, so the catalog is made of them (the trusted entries in one parse
 * up to the last trusted mark) and the file is not parsed a second time as a whole. A first
 * build (no record: a fresh clone, a deleted .seedcast/) or one after a hand edit so parses
 * its 4 MiB once instead of twice. A file in any other layout is parsed whole by the caller.
 */
export interface CatalogPrefix {
  /** [offset just after an entry's closing brace, entries up to it, SHA-256 (base64) of the bytes before it], in order. */
  marks: Array<[number, number, string]>
  /** The hash of each entry as parsed (before the schema), for the entries up to the last mark. */
  raw: string[]
}

/** The catalog as this build found it: its entries, the marks to record, and how many entries' hashes the recorded ones give. */
export interface CatalogLayout {
  /** The entries of the "episodes" array, parsed: the file is {"version": 1, "episodes": entries}. */
  entries: unknown[]
  marks: CatalogPrefix['marks']
  /** Hashes of the first entries, taken from the last build's record. */
  trusted: string[]
}

const OPEN = Buffer.from('{\n  "version": 1,\n  "episodes": [')
const FIRST = Buffer.from('\n    {')
const NEXT = Buffer.from(',\n    {')
const CLOSE = Buffer.from('\n    }')
const END = Buffer.from('\n  ]\n}')
const ARRAY_CLOSE = Buffer.from(']')
/** A mark every so many entries (and one after the last): an edit re-hashes the entries after the mark before it. */
const MARK_EVERY = 128
/** What parsed() gives for text that is not JSON. */
const NOT_JSON = Symbol('not JSON')

/**
 * The catalog parsed from `bytes` (the text of episodes.json), its marks, and the hashes the
 * last build's record gives for its first entries; undefined when the text is not laid out as
 * seedcast writes it, or does not parse (then the caller parses it whole: the same value, or
 * the error naming the place in the file, and nothing is trusted or recorded).
 */
export function catalogLayout (bytes: Buffer, recorded?: CatalogPrefix): CatalogLayout | undefined {
  if (!startsWith(bytes, OPEN, 0)) return undefined
  // The SHA-256 of bytes[0, hashed), carried from mark to mark: one pass over the text.
  let digest = createHash('sha256')
  let hashed = 0
  const mark = (offset: number, count: number): [number, number, string] => {
    digest.update(bytes.subarray(hashed, offset))
    hashed = offset
    return [offset, count, digestOf(digest)]
  }
  const marks: CatalogPrefix['marks'] = []
  let count = 0
  let at = OPEN.length
  for (const [offset, upTo, expected] of validMarks(recorded)) {
    if (offset > bytes.length) break
    const further = digest.copy().update(bytes.subarray(hashed, offset))
    if (digestOf(further) !== expected) break
    digest = further
    hashed = offset
    marks.push([offset, upTo, expected])
    count = upTo
    at = offset
  }
  // The trusted entries: the bytes the last build parsed entry by entry, so one parse as an array.
  const entries: unknown = count > 0 ? parsed(arrayText(bytes, at)) : []
  if (!Array.isArray(entries) || entries.length !== count) return undefined
  const trusted = count > 0 ? recorded!.raw.slice(0, count) : []
  // The entries after the last trusted mark, each parsed on its own, up to the file's end.
  for (;;) {
    const opening = count === 0 ? FIRST : NEXT
    if (!startsWith(bytes, opening, at)) break
    const start = at + opening.length - 1
    const close = bytes.indexOf(CLOSE, start)
    if (close < 0) return undefined
    const end = close + CLOSE.length
    const entry = parsed(bytes.toString('utf8', start, end))
    if (entry === NOT_JSON) return undefined
    entries.push(entry)
    count++
    at = end
    if (count % MARK_EVERY === 0) marks.push(mark(at, count))
  }
  // The array and the top-level object end here, and nothing else follows.
  if (count === 0 || !startsWith(bytes, END, at)) return undefined
  const rest = bytes.length - at - END.length
  if (!(rest === 0 || (rest === 1 && bytes[bytes.length - 1] === 0x0a))) return undefined
  if (marks.at(-1)?.[1] !== count) marks.push(mark(at, count))
  return { entries, marks, trusted }
}

/**
 * The entries before `at` as the text of a JSON array: from the "[" that ends OPEN to a "]" put
 * at `at` for the decoding only (the byte there is given back). Decoded in place, the 4 MiB of a
 * 5,000-episode catalog are not first copied between brackets into a fresh buffer (JSON.parse
 * of a string joined from the parts costs 1.5x).
 */
function arrayText (bytes: Buffer, at: number): string {
  if (at >= bytes.length) return Buffer.concat([bytes.subarray(OPEN.length - 1, at), ARRAY_CLOSE]).toString()
  const kept = bytes[at]!
  bytes[at] = ARRAY_CLOSE[0]!
  try {
    return bytes.toString('utf8', OPEN.length - 1, at + 1)
  } finally {
    bytes[at] = kept
  }
}

/** The recorded marks, as far as the record is well formed (the entries they count are checked against the parse). */
function validMarks (recorded: CatalogPrefix | undefined): CatalogPrefix['marks'] {
  if (!recorded || !Array.isArray(recorded.marks) || !Array.isArray(recorded.raw)) return []
  const valid: CatalogPrefix['marks'] = []
  let offset = 0
  let count = 0
  for (const entry of recorded.marks) {
    if (!Array.isArray(entry) || entry.length !== 3) break
    const [at, upTo, digest] = entry as unknown[]
    if (!Number.isInteger(at) || !Number.isInteger(upTo) || typeof digest !== 'string') break
    if ((at as number) <= offset || (upTo as number) <= count || (upTo as number) > recorded.raw.length) break
    if (!recorded.raw.slice(count, upTo as number).every(hash => typeof hash === 'string')) break
    valid.push([at as number, upTo as number, digest])
    offset = at as number
    count = upTo as number
  }
  return valid
}

/** The digest of what `digest` has been given so far; it can still be given more. */
function digestOf (digest: Hash): string {
  return digest.copy().digest('base64')
}

function startsWith (bytes: Buffer, expected: Buffer, at: number): boolean {
  return at + expected.length <= bytes.length && bytes.compare(expected, 0, expected.length, at, at + expected.length) === 0
}

function parsed (text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return NOT_JSON
  }
}
