import { SeedcastError } from '../errors.js'

/**
 * A decoded bencode value. Byte strings stay `Buffer`s (names may be any encoding,
 * `pieces` is binary); dictionaries are plain objects keyed by the UTF-8 key.
 */
export type BencodeValue = number | Buffer | BencodeValue[] | BencodeDict
export interface BencodeDict { [key: string]: BencodeValue }

/** A value the encoder accepts: strings are written as UTF-8, `undefined` entries are left out. */
export type Encodable = number | string | Uint8Array | Encodable[] | { [key: string]: Encodable | undefined }

/**
 * Encodes a value as bencode. Dictionary keys are sorted by their raw bytes as BEP 3
 * asks, so the same value always gives the same bytes (and the same infohash).
 */
export function bencode (value: Encodable): Buffer {
  const parts: Buffer[] = []
  encodeInto(parts, value)
  return Buffer.concat(parts)
}

function encodeInto (parts: Buffer[], value: Encodable): void {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new TypeError(`bencode: not an integer: ${value}`)
    parts.push(Buffer.from(`i${value}e`, 'latin1'))
  } else if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8')
    parts.push(Buffer.from(`${bytes.length}:`, 'latin1'), bytes)
  } else if (value instanceof Uint8Array) {
    parts.push(Buffer.from(`${value.length}:`, 'latin1'), Buffer.from(value.buffer, value.byteOffset, value.byteLength))
  } else if (Array.isArray(value)) {
    parts.push(Buffer.from('l', 'latin1'))
    for (const item of value) encodeInto(parts, item)
    parts.push(Buffer.from('e', 'latin1'))
  } else {
    const entries = Object.entries(value)
      .filter((entry): entry is [string, Encodable] => entry[1] !== undefined)
      .map(([key, item]) => [Buffer.from(key, 'utf8'), item] as const)
      .sort((a, b) => Buffer.compare(a[0], b[0]))
    parts.push(Buffer.from('d', 'latin1'))
    for (const [key, item] of entries) {
      parts.push(Buffer.from(`${key.length}:`, 'latin1'), key)
      encodeInto(parts, item)
    }
    parts.push(Buffer.from('e', 'latin1'))
  }
}

/** Result of decoding: the value and where the top-level `info` dictionary sits in the input. */
export interface DecodedTorrentBytes {
  value: BencodeValue
  /** Byte range [start, end) of the value of the top-level `info` key, if there is one. */
  infoSpan?: [number, number]
  /** Where the top-level value ends (the input length unless `trailing` let bytes follow). */
  end: number
}

export interface DecodeOptions {
  /**
   * Accept bytes after the top-level value (a stray newline after a .torrent's
   * dictionary is common; libtorrent ignores it). Otherwise they are an error.
   */
  trailing?: boolean
}

const MAX_DEPTH = 64

/**
 * Strict bencode decoder. It keeps the exact byte range of the top-level `info` value so
 * the infohash is taken over the bytes as written, even when they are not canonical.
 * Every malformation is a SeedcastError naming the byte offset.
 */
export function bdecode (input: Uint8Array, options: DecodeOptions = {}): DecodedTorrentBytes {
  const data = Buffer.from(input.buffer, input.byteOffset, input.byteLength)
  let position = 0
  let infoSpan: [number, number] | undefined

  const fail = (what: string): never => {
    const truncated = position >= data.length
    throw new SeedcastError(
      truncated ? `truncated bencode: input ends at byte ${data.length} ${what}` : `malformed bencode at byte ${position}: ${what}`,
      { code: 'ETORRENT', hint: truncated ? 'the file is not a complete .torrent; download it again' : 'the file is damaged or not a .torrent' }
    )
  }

  const readNumberUntil = (terminator: number, what: string): number => {
    const start = position
    const end = data.indexOf(terminator, start)
    if (end === -1) { position = data.length; return fail(`inside ${what}`) }
    const text = data.toString('latin1', start, end)
    if (!/^(0|-?[1-9][0-9]*)$/.test(text)) return fail(`invalid ${what} "${text.slice(0, 20)}"`)
    const number = Number(text)
    if (!Number.isSafeInteger(number)) return fail(`${what} out of range: ${text.slice(0, 30)}`)
    position = end + 1
    return number
  }

  const readBytes = (): Buffer => {
    const length = readNumberUntil(0x3a /* : */, 'string length')
    if (length < 0) { position -= 1; return fail('negative string length') }
    if (position + length > data.length) { position = data.length; return fail('inside a string') }
    const bytes = data.subarray(position, position + length)
    position += length
    return bytes
  }

  const readValue = (depth: number): BencodeValue => {
    if (depth > MAX_DEPTH) return fail('nesting too deep')
    if (position >= data.length) return fail('where a value was expected')
    const lead = data[position]!
    if (lead === 0x69 /* i */) {
      position++
      return readNumberUntil(0x65 /* e */, 'integer')
    }
    if (lead >= 0x30 && lead <= 0x39) return readBytes()
    if (lead === 0x6c /* l */) {
      position++
      const list: BencodeValue[] = []
      while (true) {
        if (position >= data.length) return fail('inside a list')
        if (data[position] === 0x65) { position++; return list }
        list.push(readValue(depth + 1))
      }
    }
    if (lead === 0x64 /* d */) {
      position++
      const dict: BencodeDict = Object.create(null) as BencodeDict
      while (true) {
        if (position >= data.length) return fail('inside a dictionary')
        if (data[position] === 0x65) { position++; return dict }
        if (data[position]! < 0x30 || data[position]! > 0x39) return fail('dictionary key is not a string')
        const key = readBytes().toString('utf8')
        const start = position
        dict[key] = readValue(depth + 1)
        if (depth === 0 && key === 'info') infoSpan = [start, position]
      }
    }
    return fail(`unexpected byte 0x${lead.toString(16).padStart(2, '0')}`)
  }

  const value = readValue(0)
  if (position !== data.length && !options.trailing) fail(`${data.length - position} extra bytes after the end of the data`)
  return { value, infoSpan, end: position }
}
