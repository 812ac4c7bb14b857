/** One byte range, both ends inclusive (RFC 9110 section 14.1.2). */
export interface ByteRange { start: number, end: number }

/** Two or more range specs, each first-last, first- or -suffix, in one bytes= list. */
const SEVERAL_RANGES = /^bytes=\s*(\d{1,15}-\d{0,15}|-\d{1,15})(\s*,\s*(\d{1,15}-\d{0,15}|-\d{1,15}))+\s*$/i

/**
 * Parses a Range header the way this server honours it: exactly one bytes range
 * (first-last, first-, or -suffix; the unit is case-insensitive, as RFC 9110 says).
 * Several well-formed ranges are 'ignored': the whole file is sent, as nginx does with
 * max_ranges 1 and as RFC 9110 section 14.2 allows (no multipart/byteranges: players and
 * web seeds ask for one range at a time, and a multi-range request is a classic way to
 * amplify load; a client asking for several still gets its bytes, where a 416 left it
 * with none). Returns 'invalid' for anything else malformed, and 'unsatisfiable' for a
 * valid range outside a file of `size` bytes. A suffix longer than the file means the
 * whole file (a player probing the last 64 KiB of a short file gets 206 with all of it,
 * not 416). A unit other than bytes is 'ignored': RFC 9110 section 14.2 says a server
 * MUST ignore a range unit it does not know, so the whole file is sent (as nginx does).
 */
export function parseRange (header: string, size: number): ByteRange | 'invalid' | 'unsatisfiable' | 'ignored' {
  const unit = /^\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=/.exec(header)?.[1]
  if (unit !== undefined && unit.toLowerCase() !== 'bytes') return 'ignored'
  if (SEVERAL_RANGES.test(header.trim())) return 'ignored'
  const match = /^bytes=(\d{0,15})-(\d{0,15})$/i.exec(header.trim())
  if (!match) return 'invalid'
  const [, first = '', last = ''] = match
  if (first === '' && last === '') return 'invalid'
  if (first === '') {
    const suffix = Number(last)
    if (suffix === 0 || size === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(first)
  if (last !== '' && Number(last) < start) return 'invalid'
  if (start >= size) return 'unsatisfiable'
  return { start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) }
}
