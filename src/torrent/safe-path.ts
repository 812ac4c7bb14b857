import { join } from 'node:path'

/**
 * Turns one path component of a .torrent (raw bytes, any encoding, possibly hostile) into
 * a file name that is safe to join onto a folder, the way libtorrent 2.0 does on POSIX,
 * so seedcast writes the same names as qBittorrent or Deluge and opens every torrent
 * they open. What a component may not keep:
 * - separators (`/`, `\`) and NUL are removed, so `/foobar` becomes `foobar` and
 *   `foo/../../bar` becomes `foo......bar`: a component never climbs or splits;
 * - a component that ends up empty, `.` or `..` is dropped altogether;
 * - an empty component in the torrent becomes `_` (libtorrent does the same);
 * - bytes that are not valid UTF-8 (truncated, overlong, surrogates, past U+10FFFF) and
 *   control characters become `_`;
 * - the bidirectional-text controls (U+200E, U+200F, U+202A-U+202E) are removed: they
 *   can make `gpj.exe` display as `exe.jpg`;
 * - a component past 240 bytes is cut there, keeping an extension of up to 9 bytes.
 * Everything else (spaces, `?`, `:`, other scripts) is kept as is: POSIX file systems
 * take it.
 */

/**
 * Where the file at `safePath` (a torrent path as this module leaves it: `/` between
 * sanitised components) is below `folder`, on any platform's separator.
 */
export function pathBelow (folder: string, safePath: string): string {
  return join(folder, ...safePath.split('/'))
}

/** What changed in a component, for `seedcast info`. */
export type SanitiseReason =
  | 'separator' // a `/` or `\` (an absolute path, or a folder hidden inside one name)
  | 'parent' // `..`
  | 'dot' // `.`
  | 'empty' // an empty component, written as `_`
  | 'encoding' // bytes that are not UTF-8, or control characters, written as `_`
  | 'bidi' // right-to-left / left-to-right overrides
  | 'truncated' // longer than 240 bytes

export interface SanitisedComponent {
  /** The safe name, or undefined when the component is dropped. */
  value?: string
  reasons: SanitiseReason[]
}

/** libtorrent cuts a component at this many bytes (file systems take 255). */
const MAX_COMPONENT_BYTES = 240
/** An extension kept after a cut is found in this many final bytes. */
const EXTENSION_WINDOW = 9
const UNDERSCORE = 0x5f
const DOT = 0x2e
const BIDI_CONTROLS = new Set([0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e])

/** Reads one UTF-8 code point at `at`: its value (-1 when invalid) and how many bytes it takes. */
function readCodePoint (bytes: Uint8Array, at: number): { codePoint: number, length: number } {
  const lead = bytes[at]!
  if (lead < 0x80) return { codePoint: lead, length: 1 }
  // A stray continuation byte or a lead byte no encoding uses is one bad byte.
  if (lead < 0xc0 || lead >= 0xfc) return { codePoint: -1, length: 1 }
  // Five-byte leads were UTF-8 once: swallow their whole sequence as one bad character.
  const declared = lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : lead < 0xf8 ? 4 : 5
  const length = Math.min(declared, bytes.length - at)
  if (length < declared || declared === 5) return { codePoint: -1, length }
  let codePoint = lead & (0xff >> (declared + 1))
  for (let index = 1; index < declared; index++) {
    const next = bytes[at + index]!
    if ((next & 0xc0) !== 0x80) return { codePoint: -1, length }
    codePoint = (codePoint << 6) | (next & 0x3f)
  }
  const smallest = declared === 2 ? 0x80 : declared === 3 ? 0x800 : 0x10000
  if (codePoint < smallest || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return { codePoint: -1, length }
  return { codePoint, length }
}

/** Removed without a trace: separators, NUL (libtorrent drops it too) and bidi controls. */
function isRemoved (codePoint: number): boolean {
  return codePoint === 0x2f || codePoint === 0x5c || codePoint === 0 || BIDI_CONTROLS.has(codePoint)
}

/** Sanitises one path component (see the file comment). */
export function sanitiseComponent (bytes: Uint8Array): SanitisedComponent {
  if (bytes.length === 0) return { value: '_', reasons: ['empty'] }
  const reasons = new Set<SanitiseReason>()
  const out: number[] = []
  let dots = 0
  let extensionTaken = false
  for (let at = 0; at < bytes.length;) {
    const { codePoint, length } = readCodePoint(bytes, at)
    if (codePoint >= 0 && isRemoved(codePoint)) {
      reasons.add(BIDI_CONTROLS.has(codePoint) ? 'bidi' : codePoint === 0 ? 'encoding' : 'separator')
      at += length
      continue
    }
    if (codePoint < 0x20) {
      reasons.add('encoding')
      out.push(UNDERSCORE)
      at += length
      continue
    }
    for (let index = at; index < at + length; index++) out.push(bytes[index]!)
    if (codePoint === DOT) dots++
    if (out.length >= MAX_COMPONENT_BYTES && !extensionTaken && at + length < bytes.length) {
      reasons.add('truncated')
      // Keep the extension (a dot within the last bytes, after what is already taken).
      let dot = -1
      for (let index = bytes.length - 1; index > Math.max(bytes.length - 1 - EXTENSION_WINDOW, at); index--) {
        if (bytes[index] === DOT) { dot = index; break }
      }
      if (dot === -1) break
      extensionTaken = true
      at = dot
      continue
    }
    at += length
  }
  if (out.length === 0 || (out.length === dots && dots <= 2)) {
    const dropped = out.length === 1 ? 'dot' : out.length === 2 ? 'parent' : undefined
    if (dropped) reasons.add(dropped)
    return { reasons: [...reasons] }
  }
  return { value: Buffer.from(out).toString('utf8'), reasons: [...reasons] }
}
