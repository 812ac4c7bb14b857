import { bdecode, bencode, type BencodeDict } from './bencode.js'
import { SeedcastError } from '../errors.js'

/** Where a torrent points outside its info dictionary: trackers and web seeds. */
export interface TorrentUrls {
  /** Tracker tiers (BEP 12); one tracker per tier as create writes them. */
  announce: string[][]
  /** BEP 19 web seeds (url-list). */
  webSeeds: string[]
}

/**
 * Rewrites a .torrent's trackers (announce, announce-list) and web seeds (url-list) and
 * nothing else. The info dictionary is copied byte for byte from the input, so the
 * infohash, and every magnet's xt, stay the same: peers and podcast apps still know the
 * episode by it. Callers compare the result with the input to skip unchanged files.
 */
export function retargetTorrent (bytes: Uint8Array, urls: TorrentUrls): Buffer {
  const { value, infoSpan } = bdecode(bytes)
  if (typeof value !== 'object' || value === null || Buffer.isBuffer(value) || Array.isArray(value) || !infoSpan) {
    throw new SeedcastError('invalid torrent: no info dictionary', { code: 'ETORRENT', hint: 'the .torrent is damaged; publish the episode again' })
  }
  const root: BencodeDict = { ...value }
  const tiers = urls.announce.filter(tier => tier.length > 0)
  const trackers = tiers.flat()
  delete root.announce
  delete root['announce-list']
  delete root['url-list']
  const outside: Record<string, unknown> = {
    ...root,
    ...(trackers[0] ? { announce: trackers[0] } : {}),
    ...(trackers.length > 1 ? { 'announce-list': tiers } : {}),
    ...(urls.webSeeds.length ? { 'url-list': urls.webSeeds } : {})
  }
  delete outside.info
  const info = Buffer.from(bytes.buffer, bytes.byteOffset + infoSpan[0], infoSpan[1] - infoSpan[0])
  // Encode the other keys as a dictionary, then splice the raw info value in at its sorted place.
  const keys = [...Object.keys(outside), 'info'].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
  const parts: Buffer[] = [Buffer.from('d')]
  for (const key of keys) {
    const name = Buffer.from(key, 'utf8')
    parts.push(Buffer.from(`${name.length}:`), name)
    parts.push(key === 'info' ? info : bencode(outside[key] as Parameters<typeof bencode>[0]))
  }
  parts.push(Buffer.from('e'))
  return Buffer.concat(parts)
}
