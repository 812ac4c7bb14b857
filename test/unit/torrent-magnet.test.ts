import { describe, expect, it } from 'vitest'
import { lowerCaseMagnetKeys, magnetURI, parseMagnet } from '../../src/torrent/magnet.js'

const hash = 'c24b68dc5e048ccfb3d28530b5a32130aec19b91'

describe('parseMagnet', () => {
  it('reads every field magnetURI writes, with escaped URLs intact', () => {
    const fields = {
      infoHash: hash,
      name: 'Épisode 12 & co.mp3',
      length: 1234567,
      trackers: ['udp://t.example:6969/announce', 'https://t.example/announce?key=a&b=c'],
      webSeeds: ['https://cdn.example/ep 12.mp3'],
      torrentUrl: 'https://example.com/torrents/ep12.torrent'
    }
    expect(parseMagnet(magnetURI(fields))).toEqual({ ...fields, torrentUrls: [fields.torrentUrl] })
  })

  it('takes the first http(s) xs as the .torrent URL, numbered or not, past content URNs', () => {
    const url = 'https://example.com/t/ep.torrent'
    const parsed = parseMagnet(`magnet:?xt=urn:btih:${hash}&xs=urn:sha1:PDAQRAOQQRYS76MRZJ33LK4MMVZBDSCL&xs.1=${encodeURIComponent(url)}`)
    expect(parsed.torrentUrl).toBe(url)
    expect(parsed.torrentUrls).toEqual(['urn:sha1:PDAQRAOQQRYS76MRZJ33LK4MMVZBDSCL', url])
    expect(parseMagnet(`magnet:?xt=urn:btih:${hash}&xs.2=${encodeURIComponent(url)}`).torrentUrl).toBe(url)
    expect(parseMagnet(`magnet:?xt=urn:btih:${hash}&xs=urn:sha1:PDAQRAOQQRYS76MRZJ33LK4MMVZBDSCL`).torrentUrl).toBeUndefined()
  })

  it('accepts upper-case hex and base32 infohashes', () => {
    expect(parseMagnet(`magnet:?xt=urn:btih:${hash.toUpperCase()}`).infoHash).toBe(hash)
    // base32 of the same 20 bytes
    const base32 = 'YJFWRXC6ASGM7M6SQUYLLIZBGCXMDG4R'
    expect(parseMagnet(`magnet:?xt=urn:btih:${base32}&dn=x`).infoHash).toBe(hash)
    // The same torrent named twice (hex and base32, as some clients write it) is one torrent.
    expect(parseMagnet(`magnet:?xt.1=urn:btih:${hash}&xt.2=urn:btih:${base32}`).infoHash).toBe(hash)
  })

  it.each([
    ['http://example.com', /does not start with magnet:\?/],
    ['magnet:?dn=nothing', /no xt=urn:btih: infohash/],
    ['magnet:?xt=urn:btih:1234', /"1234" is not a 40-character hex/],
    ['magnet:?xt=urn:btmh:1220abcd', /no xt=urn:btih:/],
    [`magnet:?xt=urn:btih:${hash}&xl=12ab`, /xl "12ab" is not a byte count/],
    [`magnet:?xt.1=urn:btih:${hash}&xt.2=urn:btih:${'ab'.repeat(20)}`, new RegExp(`names two torrents \\(${hash} and ${'ab'.repeat(20)}\\)`)]
  ])('rejects %s', (uri, message) => {
    expect(() => parseMagnet(uri)).toThrow(message)
  })
})

describe('magnet parameter names in capitals', () => {
  it('reads XT, DN, XL, TR, WS and XS as their lower-case names', () => {
    const uri = `magnet:?XT=urn:btih:${hash.toUpperCase()}&DN=An%20Episode&XL=12&TR=http%3A%2F%2Ft%2Fa&Ws=http%3A%2F%2Fw%2Fe.mp3&XS=http%3A%2F%2Fw%2Fe.torrent&xs.2=http%3A%2F%2Fv%2Fe.torrent`
    expect(parseMagnet(uri)).toEqual({
      infoHash: hash,
      name: 'An Episode',
      length: 12,
      trackers: ['http://t/a'],
      webSeeds: ['http://w/e.mp3'],
      torrentUrl: 'http://w/e.torrent',
      torrentUrls: ['http://w/e.torrent', 'http://v/e.torrent']
    })
  })

  it('lowerCaseMagnetKeys lowers the names only, every value byte for byte', () => {
    expect(lowerCaseMagnetKeys('MAGNET:?XT=urn:btih:ABCD&Dn=My%20Show&x.pe=1.2.3.4:5&flag&TR=http%3A%2F%2FT%2FA'))
      .toBe('magnet:?xt=urn:btih:ABCD&dn=My%20Show&x.pe=1.2.3.4:5&flag&tr=http%3A%2F%2FT%2FA')
  })
})

describe('magnetURI', () => {
  it('puts the lower-case infohash first and encodes the rest', () => {
    expect(magnetURI({ infoHash: hash.toUpperCase(), name: 'a b', length: 3, trackers: ['http://t/a?x=1&y=2'] }))
      .toBe(`magnet:?xt=urn:btih:${hash}&dn=a%20b&xl=3&tr=http%3A%2F%2Ft%2Fa%3Fx%3D1%26y%3D2`)
  })
})
