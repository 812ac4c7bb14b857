import type { FeedMedia, MediaFile } from './types.js'

/** A podcast:alternateEnclosure as feedsmith reads it (the fields used here). */
export interface AlternateEnclosureLike {
  type?: string
  length?: number
  default?: boolean
  sources?: Array<{ uri?: string, contentType?: string }>
  integrity?: { type?: string, value?: string }
}

export type SourceKind = 'http' | 'torrent' | 'magnet'

/**
 * What a source URI is: a magnet, a .torrent (by content type, or by path when the
 * feed gives none, as PeerTube's `…/torrents/x.torrent`), or plain HTTP(S) media.
 * Anything else (ftp:, file:, javascript:, ipfs:…) is undefined: never fetched.
 */
export function sourceKind (uri: string, contentType?: string): SourceKind | undefined {
  if (/^magnet:\?/i.test(uri)) return 'magnet'
  let url: URL
  try {
    url = new URL(uri)
  } catch {
    return undefined
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined
  if (contentType?.toLowerCase().includes('bittorrent')) return 'torrent'
  if (!contentType && url.pathname.toLowerCase().endsWith('.torrent')) return 'torrent'
  return 'http'
}

/** An absolute URL (relative ones resolved against the feed's URL), or undefined when unusable. */
export function absoluteUrl (uri: string | undefined, base?: string): string | undefined {
  const value = uri?.trim()
  if (!value) return undefined
  if (/^magnet:\?/i.test(value)) return value
  try {
    return new URL(value, base).href
  } catch {
    return undefined
  }
}

/**
 * Gathers one episode's media: the enclosure and the podcast:alternateEnclosure that is
 * the same file (it lists the enclosure URL among its sources; else the one marked
 * default; else the only one, or the first when there is no enclosure). Other
 * alternate enclosures are other renditions (PeerTube's 480p beside its 1080p) and
 * are left out: their bytes differ, so their sources are not sources of this file.
 */
export function episodeMedia (enclosure: MediaFile | undefined, alternates: AlternateEnclosureLike[], base?: string): FeedMedia {
  const sourcesOf = (alternate: AlternateEnclosureLike) => (alternate.sources ?? [])
    .map(source => ({ uri: absoluteUrl(source.uri, base), contentType: source.contentType }))
    .filter((source): source is { uri: string, contentType: string | undefined } => source.uri !== undefined)
  const matching = alternates.find(alternate => enclosure && sourcesOf(alternate).some(source => source.uri === enclosure.url)) ??
    alternates.find(alternate => alternate.default) ??
    (alternates.length === 1 || !enclosure ? alternates[0] : undefined)

  const media: FeedMedia = { http: [], torrents: [], magnets: [] }
  const add = (uri: string, contentType?: string) => {
    const kind = sourceKind(uri, contentType)
    const list = kind === 'http' ? media.http : kind === 'torrent' ? media.torrents : kind === 'magnet' ? media.magnets : undefined
    if (list && !list.includes(uri)) list.push(uri)
  }
  if (enclosure) add(enclosure.url, enclosure.type)
  if (matching) {
    for (const source of sourcesOf(matching)) add(source.uri, source.contentType)
    if (matching.integrity?.type && matching.integrity.value) media.integrity = { type: matching.integrity.type, value: matching.integrity.value.trim() }
  }
  const enclosureIsMedia = enclosure && sourceKind(enclosure.url, enclosure.type) === 'http'
  media.type = (enclosureIsMedia ? enclosure.type : undefined) ?? matching?.type ?? enclosure?.type
  media.length = positive(enclosureIsMedia ? enclosure.length : undefined) ?? positive(matching?.length)
  return media
}

function positive (value: number | undefined): number | undefined {
  return value !== undefined && Number.isSafeInteger(value) && value > 0 ? value : undefined
}
