import bencodePackage from 'bencode'
import { describe, expect, it } from 'vitest'
import { SeedcastError } from '../../src/errors.js'
import { bdecode, bencode } from '../../src/torrent/bencode.js'

describe('bencode writer', () => {
  it('writes the canonical form: sorted keys, UTF-8 strings, integers', () => {
    const value = { zeta: 1, alpha: 'ü', list: [-3, 0, Buffer.from([0, 255])], nested: { b: 2, a: 'x' } }
    const expected = Buffer.concat([
      Buffer.from('d5:alpha2:ü4:listli-3ei0e2:'), Buffer.from([0, 255]), Buffer.from('e6:nestedd1:a1:x1:bi2ee4:zetai1ee')
    ])
    expect(bencode(value).equals(expected)).toBe(true)
  })

  it('gives the same bytes as the bencode package for a torrent-like value', () => {
    const value = {
      announce: 'http://tracker.example/announce',
      'announce-list': [['http://a.example'], ['udp://b.example:6969', 'wss://c.example']],
      info: { name: 'Émission 12 — 日本語', 'piece length': 16384, pieces: Buffer.alloc(40, 7), files: [{ length: 5, path: ['dir', 'ü.mp3'] }], private: 1 },
      'creation date': 1764300000
    }
    expect(bencode(value).equals(Buffer.from(bencodePackage.encode(value)))).toBe(true)
  })

  it('leaves out undefined entries and refuses non-integers', () => {
    expect(bencode({ a: undefined, b: 1 }).toString()).toBe('d1:bi1ee')
    expect(() => bencode(1.5)).toThrow(/not an integer/)
  })
})

describe('bencode reader', () => {
  it('round-trips and keeps byte strings as buffers', () => {
    const { value } = bdecode(Buffer.from('d3:bar4:spam3:fooi42e4:listl1:ai-1eee'))
    expect(value).toEqual({ bar: Buffer.from('spam'), foo: 42, list: [Buffer.from('a'), -1] })
  })

  it('records the exact byte range of the top-level info value, even when not canonical', () => {
    // Keys out of order inside info: re-encoding would change the bytes, the span must not.
    const raw = Buffer.from('d4:infod4:name1:x6:lengthi1ee3:zzzi1ee')
    const { infoSpan } = bdecode(raw)
    expect(raw.subarray(infoSpan![0], infoSpan![1]).toString()).toBe('d4:name1:x6:lengthi1ee')
  })

  it.each([
    ['d4:info', /truncated bencode: input ends at byte 7/],
    ['5:abc', /truncated bencode/],
    ['i12', /truncated bencode/],
    ['l1:a', /truncated bencode.*inside a list/],
    ['i012e', /malformed bencode at byte 1: invalid integer "012"/],
    ['i-0e', /invalid integer "-0"/],
    ['ie', /invalid integer ""/],
    ['di1ei2ee', /dictionary key is not a string/],
    ['x', /unexpected byte 0x78/],
    ['i1ei2e', /3 extra bytes after the end/],
    ['-1:a', /unexpected byte 0x2d/],
    ['i99999999999999999999e', /out of range/]
  ])('rejects %j with a clear SeedcastError', (text, message) => {
    let caught: unknown
    try { bdecode(Buffer.from(text)) } catch (error) { caught = error }
    expect(caught).toBeInstanceOf(SeedcastError)
    expect((caught as SeedcastError).code).toBe('ETORRENT')
    expect((caught as Error).message).toMatch(message)
  })

  it('refuses absurd nesting instead of overflowing the stack', () => {
    expect(() => bdecode(Buffer.from('l'.repeat(100_000) + 'e'.repeat(100_000)))).toThrow(/nesting too deep/)
  })
})
