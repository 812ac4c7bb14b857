import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { SeedcastError } from '../../src/errors.js'
import { bencode, type Encodable } from '../../src/torrent/bencode.js'
import { inspectTorrent } from '../../src/torrent/inspect.js'

type Dict = { [key: string]: Encodable | undefined }
const pieces = (count: number) => Buffer.alloc(20 * count, 9)
const singleInfo = (): Dict => ({ name: 'ep.mp3', 'piece length': 16384, pieces: pieces(2), length: 20000 })
const multiInfo = (): Dict => ({
  name: 'show', 'piece length': 16384, pieces: pieces(2),
  files: [{ length: 10000, path: ['a.mp3'] }, { length: 0, path: ['empty'] }, { length: 10000, path: ['sub', 'b.mp3'] }]
})
const torrent = (info: Encodable | undefined, extra: Dict = {}) => bencode({ info, ...extra })

function errorOf (action: () => unknown): SeedcastError {
  try { action() } catch (error) { return error as SeedcastError }
  throw new Error('expected an error')
}

describe('inspectTorrent', () => {
  it('reads a single-file torrent with every optional field', () => {
    const info = { ...singleInfo(), private: 1, source: 'my-show' }
    const bytes = torrent(info, {
      announce: 'http://a.example/announce',
      'announce-list': [['http://a.example/announce', 'http://b.example/announce'], ['udp://c.example:1']],
      'url-list': 'https://cdn.example/ep.mp3',
      comment: 'hello', 'created by': 'test', 'creation date': 1764300000
    })
    const result = inspectTorrent(bytes)
    expect(result).toMatchObject({
      kind: 'torrent', name: 'ep.mp3', length: 20000, pieceLength: 16384, pieceCount: 2, private: true, source: 'my-show',
      announce: [['http://a.example/announce', 'http://b.example/announce'], ['udp://c.example:1']],
      webSeeds: ['https://cdn.example/ep.mp3'], comment: 'hello', createdBy: 'test',
      files: [{ path: 'ep.mp3', length: 20000, offset: 0 }]
    })
    expect(result.creationDate?.toISOString()).toBe('2025-11-28T03:20:00.000Z')
    expect(result.infoHash).toBe(createHash('sha1').update(bencode(info)).digest('hex'))
    expect(result.magnet).toBe(`magnet:?xt=urn:btih:${result.infoHash}&dn=ep.mp3&xl=20000&tr=http%3A%2F%2Fa.example%2Fannounce&tr=http%3A%2F%2Fb.example%2Fannounce&tr=udp%3A%2F%2Fc.example%3A1&ws=https%3A%2F%2Fcdn.example%2Fep.mp3`)
  })

  it('gives multi-file paths under the torrent name with offsets, and announce alone as one tier', () => {
    const result = inspectTorrent(torrent(multiInfo(), { announce: 'http://only.example/a' }))
    expect(result.files).toEqual([
      { path: 'show/a.mp3', safePath: 'show/a.mp3', length: 10000, offset: 0, type: 'file' },
      { path: 'show/empty', safePath: 'show/empty', length: 0, offset: 10000, type: 'file' },
      { path: 'show/sub/b.mp3', safePath: 'show/sub/b.mp3', length: 10000, offset: 10000, type: 'file' }
    ])
    expect(result.sanitised).toEqual([])
    expect(result.announce).toEqual([['http://only.example/a']])
    expect(result.private).toBe(false)
  })

  it('hashes the info bytes as written, not a re-encoding', () => {
    // A non-canonical info dict (keys out of order) must keep its own infohash.
    const rawInfo = Buffer.concat([Buffer.from('d4:name6:ep.mp36:lengthi20000e12:piece lengthi16384e6:pieces40:'), pieces(2), Buffer.from('e')])
    const bytes = Buffer.concat([Buffer.from('d4:info'), rawInfo, Buffer.from('e')])
    expect(inspectTorrent(bytes).infoHash).toBe(createHash('sha1').update(rawInfo).digest('hex'))
  })

  it('reads magnet links', () => {
    const result = inspectTorrent('magnet:?xt=urn:btih:C24B68DC5E048CCFB3D28530B5A32130AEC19B91&dn=ep&xl=5&tr=udp%3A%2F%2Ft%3A1&xs=https%3A%2F%2Fx%2Fy.torrent')
    expect(result).toMatchObject({ kind: 'magnet', name: 'ep', length: 5, announce: [['udp://t:1']], torrentUrl: 'https://x/y.torrent', files: [] })
    expect(result.magnet).toContain('xt=urn:btih:c24b68dc5e048ccfb3d28530b5a32130aec19b91')
  })

  it.each<[string, () => Uint8Array, RegExp]>([
    ['an empty file', () => Buffer.alloc(0), /not a torrent: the file is empty/],
    ['text', () => Buffer.from('hello world'), /not a torrent: it does not start with a bencoded dictionary/],
    ['truncated bencode', () => torrent(singleInfo()).subarray(0, 60), /truncated bencode/],
    ['no info', () => bencode({ announce: 'http://x' }), /the info dictionary is missing/],
    ['info of the wrong type', () => bencode({ info: 3 }), /info is not a dictionary/],
    ['name of the wrong type', () => torrent({ ...singleInfo(), name: 5 }), /info.name is not a string/],
    ['missing piece length', () => torrent({ ...singleInfo(), 'piece length': undefined }), /piece length"\] is not a non-negative integer/],
    ['zero piece length', () => torrent({ ...singleInfo(), 'piece length': 0 }), /piece length"\] is zero/],
    ['pieces not a string', () => torrent({ ...singleInfo(), pieces: 5 }), /info.pieces is not a string/],
    ['pieces not a multiple of 20', () => torrent({ ...singleInfo(), pieces: Buffer.alloc(39) }), /39 bytes, not a multiple of 20/],
    ['too few pieces for the size', () => torrent({ ...singleInfo(), pieces: pieces(1) }), /1 piece hashes for 20000 bytes.*expected 2/],
    ['negative length', () => torrent({ ...singleInfo(), length: -1 }), /info.length is not a non-negative integer/],
    ['empty files list', () => torrent({ ...multiInfo(), files: [] }), /info.files is not a non-empty list/],
    ['file entry of the wrong type', () => torrent({ ...multiInfo(), files: ['x'] }), /info.files\[0\] is not a dictionary/],
    ['path of the wrong type', () => torrent({ ...multiInfo(), files: [{ length: 1, path: 'a' }] }), /info.files\[0\].path is not a non-empty list/],
    ['a single file whose name has nothing usable', () => torrent({ ...singleInfo(), name: '../' }), /info.name "..\/" leaves no usable file name/]
  ])('rejects %s with a SeedcastError', (_label, make, message) => {
    const error = errorOf(() => inspectTorrent(make()))
    expect(error).toBeInstanceOf(SeedcastError)
    expect(error.message).toMatch(message)
    expect(error.hint).toBeTruthy()
  })

  it('names the file when reading from a path fails', () => {
    expect(errorOf(() => inspectTorrent('/nonexistent/x.torrent')).message).toBe('/nonexistent/x.torrent: no such file or directory')
  })
})
