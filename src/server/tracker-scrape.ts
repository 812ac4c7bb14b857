import querystring from 'node:querystring'
import type { ServedInfoHashes } from './served-infohashes.js'

/** What this file reads of bittorrent-tracker's server: its swarms by hex infohash. */
interface SwarmCounts { complete: number, incomplete: number }
export interface ScrapedServer { torrents: Record<string, SwarmCounts | undefined>, intervalMs: number }

/**
 * The bencoded answer to an HTTP scrape (BEP 48): `files` keyed by each infohash's 20 raw
 * bytes. bittorrent-tracker (11.2.3) keys them by a latin1 string that its bencode (4.x)
 * writes as UTF-8, so a hash byte of 0x80 or more became two bytes and every client looked
 * its torrent up under a 32-byte key it never finds ("0 seeders" in qBittorrent's tracker
 * list). Only the served episodes are answered for; an infohash of another length is left
 * out, as is an unknown one. No info_hash asks for every served episode.
 */
export async function scrapeAnswer (rawQuery: string, server: ScrapedServer, served: ServedInfoHashes): Promise<Buffer> {
  const asked = querystring.parse(rawQuery, '&', '=', { decodeURIComponent: percentBytes }).info_hash
  const wanted = asked === undefined
    ? await served.all()
    : [...new Set((Array.isArray(asked) ? asked : [asked]).filter(hash => hash.length === 20).map(hash => Buffer.from(hash, 'latin1').toString('hex')))]
  const files: Buffer[] = []
  for (const hex of wanted.sort()) {
    if (!await served.has(hex)) continue
    const swarm = server.torrents[hex]
    const complete = swarm?.complete ?? 0
    const incomplete = swarm?.incomplete ?? 0
    // `downloaded` is a lower bound, as bittorrent-tracker's: the seeders now.
    files.push(Buffer.from('20:', 'latin1'), Buffer.from(hex, 'hex'), Buffer.from(`d8:completei${complete}e10:downloadedi${complete}e10:incompletei${incomplete}ee`, 'latin1'))
  }
  const interval = Math.ceil(server.intervalMs / 1000)
  return Buffer.concat([Buffer.from('d5:filesd', 'latin1'), ...files, Buffer.from(`e5:flagsd20:min_request_intervali${interval}eee`, 'latin1')])
}

/** Each %XX as one latin1 character: a byte of the infohash, whatever its value. */
function percentBytes (text: string): string {
  return text.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
}
