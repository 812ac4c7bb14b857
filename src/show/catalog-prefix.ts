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
 */
export interface CatalogPrefix {
  /** [offset just after an entry's closing brace, entries up to it, SHA-256 (base64) of the bytes before it], in order. */
  marks: Array<[number, number, string]>
  /** The hash of each entry as parsed (before the schema), for the entries up to the last mark. */
  raw: string[]
}

/** The catalog's layout as this build found it: the marks to record, and how many entries' hashes the recorded ones give. */
export interface CatalogLayout {
  marks: CatalogPrefix['marks']
  /** Hashes of the first entries, taken from the last build's record. */
  trusted: string[]
}

const OPEN = Buffer.from('{\n  "version": 1,\n  "episodes": [')
const FIRST = Buffer.from('\n    {')
const NEXT = Buffer.from(',\n    {')
const CLOSE = Buffer.from('\n    }')
const END = Buffer.from('\n  ]\n}')
/** A mark every so many entries (and one after the last): an edit re-hashes the entries after the mark before it. */
const MARK_EVERY = 128

/**
 * The marks of `bytes` (the text of episodes.json, whose parse has `entries` entries) and the
 * hashes the last build's record gives for its first entries; undefined when the text is not
 * laid out as seedcast writes it (then nothing is trusted and nothing recorded).
 */
export function catalogLayout (bytes: Buffer, entries: number, recorded?: CatalogPrefix): CatalogLayout | undefined {
  if (entries === 0 || !startsWith(bytes, OPEN, 0)) return undefined
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
  for (const [offset, upTo, expected] of validMarks(recorded, entries)) {
    if (offset > bytes.length) break
    const further = digest.copy().update(bytes.subarray(hashed, offset))
    if (digestOf(further) !== expected) break
    digest = further
    hashed = offset
    marks.push([offset, upTo, expected])
    count = upTo
    at = offset
  }
  const trusted = count > 0 ? recorded!.raw.slice(0, count) : []
  // The entries after the last trusted mark, each parsed on its own, up to the file's end.
  for (;;) {
    const opening = count === 0 ? FIRST : NEXT
    if (!startsWith(bytes, opening, at)) break
    const start = at + opening.length - 1
    const close = bytes.indexOf(CLOSE, start)
    if (close < 0) return undefined
    const end = close + CLOSE.length
    if (!isJsonValue(bytes, start, end)) return undefined
    count++
    at = end
    if (count % MARK_EVERY === 0) marks.push(mark(at, count))
  }
  // The array and the top-level object end here, and nothing else follows.
  if (!startsWith(bytes, END, at)) return undefined
  const rest = bytes.length - at - END.length
  if (!(rest === 0 || (rest === 1 && bytes[bytes.length - 1] === 0x0a))) return undefined
  if (count !== entries) return undefined
  if (marks.at(-1)?.[1] !== count) marks.push(mark(at, count))
  return { marks, trusted }
}

/** The recorded marks, if the record is well formed and describes no more entries than there are. */
function validMarks (recorded: CatalogPrefix | undefined, entries: number): CatalogPrefix['marks'] {
  if (!recorded || !Array.isArray(recorded.marks) || !Array.isArray(recorded.raw)) return []
  const valid: CatalogPrefix['marks'] = []
  let offset = 0
  let count = 0
  for (const entry of recorded.marks) {
    if (!Array.isArray(entry) || entry.length !== 3) break
    const [at, upTo, digest] = entry as unknown[]
    if (!Number.isInteger(at) || !Number.isInteger(upTo) || typeof digest !== 'string') break
    if ((at as number) <= offset || (upTo as number) <= count || (upTo as number) > entries || (upTo as number) > recorded.raw.length) break
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

function isJsonValue (bytes: Buffer, start: number, end: number): boolean {
  try {
    JSON.parse(bytes.toString('utf8', start, end))
    return true
  } catch {
    return false
  }
}
