import { isAscii, isUtf8 } from 'node:buffer'
import { SeedcastError } from '../../errors.js'

// A feed or OPML file is read in the encoding it is written in. XML lets a document name
// any encoding in its declaration (XML 1.0 §4.3.3), and podcast feeds in ISO-8859-1 or
// windows-1252 are still served by older hosts: decoded as UTF-8, every accented letter
// of their titles and notes became U+FFFD, and import or mirror kept it so. The order:
// a byte order mark; bytes that are valid UTF-8 (and not ASCII); the declaration's
// encoding (written with the bytes, where a server's Content-Type charset is often a
// default); the HTTP charset; else UTF-8.
// JSON Feed is UTF-8 by its spec.

/** Where a byte order mark says the text's encoding is, and how long the mark is. */
const BYTE_ORDER_MARKS: Array<{ bytes: number[], encoding: string }> = [
  { bytes: [0xef, 0xbb, 0xbf], encoding: 'utf-8' },
  { bytes: [0xfe, 0xff], encoding: 'utf-16be' },
  { bytes: [0xff, 0xfe], encoding: 'utf-16le' }
]

/** `<?` in UTF-16 with no byte order mark (XML 1.0 Appendix F). */
const UTF16_WITHOUT_MARK: Array<{ bytes: number[], encoding: string }> = [
  { bytes: [0x3c, 0x00, 0x3f, 0x00], encoding: 'utf-16le' },
  { bytes: [0x00, 0x3c, 0x00, 0x3f], encoding: 'utf-16be' }
]

const DECLARED_ENCODING = /^<\?xml\s[^>]*?\bencoding\s*=\s*["']([A-Za-z][A-Za-z0-9._-]*)["']/

/** The encoding the document's own bytes name, if any (byte order mark or XML declaration). */
export function declaredEncoding (bytes: Uint8Array): string | undefined {
  const startsWith = (prefix: number[]) => prefix.every((byte, at) => bytes[at] === byte)
  const marked = BYTE_ORDER_MARKS.find(mark => startsWith(mark.bytes)) ?? UTF16_WITHOUT_MARK.find(mark => startsWith(mark.bytes))
  if (marked) return marked.encoding
  // The declaration is ASCII in every encoding it may name here (UTF-16 is handled above).
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 256)).toString('latin1')
  const declared = DECLARED_ENCODING.exec(head)?.[1]?.toLowerCase()
  // A declaration readable as ASCII is not in UTF-16, whatever it says (XML 1.0 §4.3.3 calls
  // that an error): such files are UTF-8 in practice.
  return declared?.startsWith('utf-16') ? undefined : declared
}

/** The charset parameter of a Content-Type header, lower case. */
export function charsetOf (contentType: string | null | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '')
  return match?.[1]?.toLowerCase()
}

/**
 * A feed document's text from its bytes (see the order above), and the encoding it was
 * read in (its WHATWG name: "utf-8", "windows-1252"...). `source` names it in the
 * one-line error given for an encoding nobody can read.
 */
export function decodeFeedWithEncoding (bytes: Uint8Array, source: string, httpCharset?: string): { text: string, encoding: string } {
  const declared = declaredEncoding(bytes)
  // Bytes that are valid UTF-8 and not plain ASCII are UTF-8, whatever a declaration or a
  // server's default charset says (`charset=ISO-8859-1` on UTF-8 files is a common server
  // default): text in a legacy encoding is almost never valid UTF-8 by chance.
  if (!declared?.startsWith('utf-16') && isUtf8(bytes) && !isAscii(bytes)) return { text: new TextDecoder('utf-8').decode(bytes), encoding: 'utf-8' }
  const label = declared ?? httpCharset ?? 'utf-8'
  let decoder: TextDecoder
  try {
    decoder = new TextDecoder(label) // a byte order mark is dropped by the decoder
  } catch {
    throw new SeedcastError(`${source}: written in "${label}", a text encoding seedcast cannot read`, {
      code: 'EBADFEED',
      hint: 'ask the publisher for UTF-8, the encoding every podcast app reads'
    })
  }
  return { text: decoder.decode(bytes), encoding: decoder.encoding }
}

/** A feed document's text from its bytes: decodeFeedWithEncoding's text. */
export function decodeFeed (bytes: Uint8Array, source: string, httpCharset?: string): string {
  return decodeFeedWithEncoding(bytes, source, httpCharset).text
}
