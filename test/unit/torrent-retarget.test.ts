import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { bdecode, bencode } from '../../src/torrent/bencode.ts'
import { parseMetainfo } from '../../src/torrent/metainfo.ts'
import { retargetTorrent } from '../../src/torrent/retarget.ts'

// A torrent whose info dictionary is NOT canonical bencode (keys out of order): re-encoding
// it would change the infohash, so the rewrite must copy its bytes as they are.
const info = Buffer.concat([
  Buffer.from('d4:name5:a.mp312:piece lengthi16384e6:lengthi3e6:pieces20:'),
  createHash('sha1').update('abc').digest(),
  Buffer.from('e')
])
const str = (text: string) => `${Buffer.byteLength(text)}:${text}`
const original = Buffer.concat([
  Buffer.from(`d${str('announce')}${str('http://old.example/announce')}${str('comment')}${str('hello')}${str('info')}`), info,
  Buffer.from(`${str('url-list')}l${str('http://old.example/media/a.mp3')}${str('https://mirror.example/a.mp3')}ee`)
])

describe('retargetTorrent', () => {
  it('rewrites trackers and web seeds, keeps the info bytes (and infohash) and the other keys', () => {
    const before = parseMetainfo(original)
    const after = retargetTorrent(original, {
      announce: [['wss://new.example/'], ['udp://new.example:6969/announce']],
      webSeeds: ['https://new.example/media/a.mp3', 'https://mirror.example/a.mp3']
    })
    const parsed = parseMetainfo(after)
    expect(parsed.infoHash).toBe(before.infoHash)
    expect(parsed.infoHash).toBe(createHash('sha1').update(info).digest('hex'))
    expect(after.includes(info)).toBe(true)
    expect(parsed.announce).toEqual([['wss://new.example/'], ['udp://new.example:6969/announce']])
    expect(parsed.webSeeds).toEqual(['https://new.example/media/a.mp3', 'https://mirror.example/a.mp3'])
    expect(parsed.comment).toBe('hello')
    const root = bdecode(after).value as Record<string, Buffer>
    expect(Object.keys(root)).toEqual(['announce', 'announce-list', 'comment', 'info', 'url-list'])
  })

  it('drops the keys for no trackers and no web seeds, and is stable', () => {
    const bare = retargetTorrent(original, { announce: [], webSeeds: [] })
    expect(Object.keys(bdecode(bare).value as object)).toEqual(['comment', 'info'])
    const canonical = bencode({ announce: 'http://x/', info: { length: 1, name: 'x', 'piece length': 16384, pieces: Buffer.alloc(20) } })
    expect(retargetTorrent(canonical, { announce: [['http://x/']], webSeeds: [] }).equals(canonical)).toBe(true)
  })
})
