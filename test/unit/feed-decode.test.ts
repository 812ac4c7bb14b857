import { describe, expect, it } from 'vitest'
import { charsetOf, decodeFeed, decodeFeedWithEncoding, declaredEncoding } from '../../src/feed/read/decode-feed.js'
import { SeedcastError } from '../../src/errors.js'

const title = 'Thé et café, crème brûlée'
const rss = (declaration: string) => `${declaration}<rss version="2.0"><channel><title>${title}</title></channel></rss>`

describe('decodeFeed', () => {
  it('reads the encoding the XML declaration names', () => {
    const bytes = Buffer.from(rss('<?xml version="1.0" encoding="ISO-8859-1"?>'), 'latin1')
    expect(declaredEncoding(bytes)).toBe('iso-8859-1')
    expect(decodeFeedWithEncoding(bytes, 'f.xml')).toEqual({ text: rss('<?xml version="1.0" encoding="ISO-8859-1"?>'), encoding: 'windows-1252' })
    // Single quotes, other attributes first, windows-1252's own letters (’ is 0x92 there).
    const quoted = Buffer.concat([Buffer.from("<?xml version='1.0' standalone='yes' encoding='windows-1252' ?><rss><channel><title>Tea"), Buffer.from([0x92]), Buffer.from('s</title></channel></rss>')])
    expect(decodeFeed(quoted, 'f.xml')).toContain('<title>Tea’s</title>')
  })

  it('follows a byte order mark, and finds UTF-16 without one, before any declaration', () => {
    const text = rss('<?xml version="1.0" encoding="UTF-16"?>')
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])
    const be = Buffer.from(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]).swap16())
    expect(decodeFeed(le, 'f.xml')).toBe(text)
    expect(decodeFeed(be, 'f.xml')).toBe(text)
    expect(decodeFeed(Buffer.from(text, 'utf16le'), 'f.xml')).toBe(text)
    expect(decodeFeed(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(rss('<?xml version="1.0" encoding="ISO-8859-1"?>'))]), 'f.xml')).toContain(title)
  })

  it('takes the HTTP charset when the document names none, and UTF-8 when nothing does', () => {
    expect(decodeFeed(Buffer.from(rss(''), 'latin1'), 'u', 'iso-8859-1')).toContain(title)
    expect(decodeFeed(Buffer.from(rss('<?xml version="1.0"?>')), 'u')).toContain(title)
    // The declaration is written with the bytes; a server's charset is often a default.
    expect(decodeFeed(Buffer.from(rss('<?xml version="1.0" encoding="UTF-8"?>')), 'u', 'iso-8859-1')).toContain(title)
    // A declaration readable as ASCII is not UTF-16, whatever it says.
    expect(decodeFeed(Buffer.from(rss('<?xml version="1.0" encoding="UTF-16"?>')), 'u')).toContain(title)
    // JSON Feed is UTF-8.
    expect(decodeFeed(Buffer.from(JSON.stringify({ title })), 'u')).toBe(JSON.stringify({ title }))
  })

  it('reads valid UTF-8 as UTF-8 whatever the declaration or the server says (a common misconfiguration)', () => {
    expect(decodeFeedWithEncoding(Buffer.from(rss('<?xml version="1.0" encoding="ISO-8859-1"?>')), 'u')).toEqual({ text: rss('<?xml version="1.0" encoding="ISO-8859-1"?>'), encoding: 'utf-8' })
    expect(decodeFeed(Buffer.from(rss('<?xml version="1.0"?>')), 'u', 'iso-8859-1')).toContain(title)
    // Plain ASCII reads the same in either; the declared encoding is then kept.
    expect(decodeFeedWithEncoding(Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><rss/>'), 'u').encoding).toBe('windows-1252')
  })

  it('refuses an encoding it cannot read in one line', () => {
    let error: unknown
    try { decodeFeed(Buffer.from('<?xml version="1.0" encoding="EBCDIC-CP-US"?><rss version="2.0"/>'), 'https://h/feed') } catch (caught) { error = caught }
    expect(error).toBeInstanceOf(SeedcastError)
    expect(error).toMatchObject({ code: 'EBADFEED', message: 'https://h/feed: written in "ebcdic-cp-us", a text encoding seedcast cannot read' })
  })

  it('reads the charset of a Content-Type', () => {
    expect(charsetOf('text/xml; charset=ISO-8859-1')).toBe('iso-8859-1')
    expect(charsetOf('application/rss+xml;charset="utf-8"')).toBe('utf-8')
    expect(charsetOf('text/xml')).toBeUndefined()
    expect(charsetOf(null)).toBeUndefined()
  })
})
