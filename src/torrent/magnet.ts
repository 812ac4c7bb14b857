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

/** What a magnet URI says; only a v1 infohash is required. */
export interface ParsedMagnet extends MagnetFields {
  trackers: string[]
  webSeeds: string[]
  /** Every `xs` (`torrentUrl` is the first http(s) one). */
  torrentUrls: string[]
}

/**
 * The same magnet with its parameter names in lower case and its values untouched, for
 * readers that only know `xt=` (WebTorrent's): `XT=urn:btih:…` names the same torrent.
 */
export function lowerCaseMagnetKeys (uri: string): string {
  const query = uri.indexOf('?')
  const parts = uri.slice(query + 1).split('&').map(part => {
    const equals = part.indexOf('=')
    return equals < 0 ? part : part.slice(0, equals).toLowerCase() + part.slice(equals)
  })
  return `${uri.slice(0, query).toLowerCase()}?${parts.join('&')}`
}

/**
 * Reads a magnet URI (BEP 9): `xt=urn:btih:` with a hex or base32 infohash, plus the
 * optional `dn`, `xl`, `tr`, `ws` and `xs`. Anything else malformed is a SeedcastError.
 */
export function parseMagnet (uri: string): ParsedMagnet {
  const bad = (why: string): never => {
    throw new SeedcastError(`bad magnet link: ${why}`, { code: 'EMAGNET', hint: 'expected magnet:?xt=urn:btih:<40 hex characters>' })
  }
  if (!/^magnet:\?/i.test(uri)) bad('it does not start with magnet:?')
  // Parameter names are read in any case: `XT=` and `DN=` are the same fields, as
  // libtorrent and aria2 read them.
  const params = [...new URLSearchParams(uri.slice(uri.indexOf('?') + 1))].map(([key, value]) => [key.toLowerCase(), value] as const)
  const first = (name: string) => params.find(([key]) => key === name)?.[1] ?? null
  let infoHash: string | undefined
  for (const [key, value] of params) {
    if (!/^xt(\.\d+)?$/.test(key)) continue
    const match = /^urn:btih:(.+)$/i.exec(value)
    if (!match) continue
    const hash = match[1]!
    let named: string
    if (/^[0-9a-f]{40}$/i.test(hash)) named = hash.toLowerCase()
    else if (/^[a-z2-7]{32}$/i.test(hash)) named = base32ToHex(hash)
    else named = bad(`"${hash}" is not a 40-character hex or 32-character base32 infohash`)
    // Two infohashes are two torrents: which one the sender meant is not ours to guess.
    if (infoHash && infoHash !== named) bad(`it names two torrents (${infoHash} and ${named}); give one magnet per torrent`)
    infoHash = named
  }
  if (!infoHash) bad('no xt=urn:btih: infohash (v2-only magnets are not supported)')
  const all = (name: string) => params.filter(([key]) => key === name || key.startsWith(`${name}.`)).map(([, value]) => value)
  let length: number | undefined
  const xl = first('xl')
  if (xl !== null) {
    if (!/^\d+$/.test(xl) || !Number.isSafeInteger(Number(xl))) bad(`xl "${xl}" is not a byte count`)
    length = Number(xl)
  }
  return {
    infoHash: infoHash!,
    name: first('dn') ?? undefined,
    length,
    trackers: all('tr'),
    webSeeds: all('ws'),
    // The first xs a client can fetch: `xs` may also name a content URN (urn:sha1:…), and
    // a magnet may number every xs (`xs.1=`).
    torrentUrl: all('xs').find(url => /^https?:\/\//i.test(url)),
    torrentUrls: all('xs')
  }
}

function base32ToHex (text: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = ''
  for (const char of text.toUpperCase()) bits += alphabet.indexOf(char).toString(2).padStart(5, '0')
  let hex = ''
  for (let i = 0; i + 4 <= bits.length; i += 4) hex += parseInt(bits.slice(i, i + 4), 2).toString(16)
  return hex
}
