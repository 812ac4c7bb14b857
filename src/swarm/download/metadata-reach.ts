import { SeedcastError } from '../../errors.js'
import type { ResolvedSource } from './source.js'

/**
 * Where a bare magnet's metadata (the info dictionary) can come from. Only peers send it:
 * a web seed (`ws=`) serves the file's bytes, never the metadata, and `get` finds peers
 * only through trackers (http and udp: it has no WebRTC, so ws:// ones are no use) and the
 * DHT (local peer discovery is off). With none of those, waiting is waiting for nothing.
 */

/** http(s) and udp trackers: the ones `get` can announce to. */
export function usableTrackers (urls: string[]): string[] {
  return [...new Set(urls.filter(url => !/^wss?:\/\//i.test(url)))]
}

/** The error for a bare magnet with no tracker `get` can use and the DHT off; undefined when peers can be looked for. */
export function nowhereToFindMetadata (source: ResolvedSource, options: { dht?: boolean, trackers?: string[] }): SeedcastError | undefined {
  const bare = source.bare
  if (!bare || options.dht !== false || usableTrackers([...bare.trackers, ...options.trackers ?? []]).length > 0) return undefined
  const hint = bare.webSeeds.length
    ? `its web seed (ws=) serves the file but not the metadata: give the .torrent, download ${bare.webSeeds[0]} over HTTP, add a tracker with \`trackers\`, or turn the DHT on`
    : 'add a tracker with `trackers`, turn the DHT on, or give the .torrent'
  return new SeedcastError(`nowhere to find the metadata of ${source.infoHash}: the magnet link names no tracker (http or udp) and no .torrent (xs=), and the DHT is off`, { code: 'ENOSOURCE', hint })
}

/** For the no-peers timeout of a bare magnet with a web seed: why that web seed did not help. */
export function webSeedCannotHelp (source: ResolvedSource): string | undefined {
  const url = source.bare?.webSeeds[0]
  return url ? `its web seed (ws=) serves the file but not the metadata: give the .torrent, or download ${url} over HTTP` : undefined
}
