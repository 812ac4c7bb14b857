import { SeedcastError } from '../errors.js'

export interface MagnetFields {
  infoHash: string
  name?: string
  /** Total size in bytes (xl). */
  length?: number
  trackers?: string[]
  /** BEP 19 web seeds (ws): HTTP URLs of the content. */
  webSeeds?: string[]
  /** Where the .torrent itself can be fetched (xs). */
  torrentUrl?: string
}

/**
 * Builds a magnet URI. The infohash goes first and unescaped (clients match on
 * `xt=urn:btih:`), every other value is percent-encoded so URLs with `&` survive.
 */
export function magnetURI (fields: MagnetFields): string {
  if (!/^[0-9a-f]{40}$/i.test(fields.infoHash)) {
    throw new SeedcastError(`not a v1 infohash: ${fields.infoHash}`, { code: 'EMAGNET', hint: 'expected 40 hex characters' })
  }
  const parts = [`xt=urn:btih:${fields.infoHash.toLowerCase()}`]
  if (fields.name) parts.push(`dn=${encodeURIComponent(fields.name)}`)
  if (fields.length !== undefined) parts.push(`xl=${fields.length}`)
  for (const tracker of fields.trackers ?? []) parts.push(`tr=${encodeURIComponent(tracker)}`)
  for (const webSeed of fields.webSeeds ?? []) parts.push(`ws=${encodeURIComponent(webSeed)}`)
  if (fields.torrentUrl) parts.push(`xs=${encodeURIComponent(fields.torrentUrl)}`)
  return `magnet:?${parts.join('&')}`
}
