import { SeedcastError, fileError } from '../../errors.js'
import { inspectTorrent, type TorrentInfo } from '../../torrent/inspect.js'
import { readTorrentFileSync, tooLargeForATorrent } from '../../torrent/read-torrent-file.js'
import { lowerCaseMagnetKeys, parseMagnet, type ParsedMagnet } from '../../torrent/magnet.js'

/** What `seedcast get` was given, resolved to something a BitTorrent client can add. */
export interface ResolvedSource {
  kind: 'magnet' | 'file' | 'url'
  /** The bytes of a .torrent, or a magnet URI when no .torrent could be had. */
  torrentId: Uint8Array | string
  infoHash: string
  name?: string
  /** Trackers and web seeds named by the magnet, added on top of the .torrent's own. */
  extraTrackers: string[]
  extraWebSeeds: string[]
  /** Why an `xs=` .torrent could not be used (the magnet is used alone then). */
  warnings: string[]
  /**
   * A magnet used without a .torrent (none given, or none usable): its metadata must come from
   * peers found through these trackers or the DHT; its web seeds cannot send it (metadata-reach.ts).
   */
  bare?: { trackers: string[], webSeeds: string[] }
}

export interface SourceOptions {
  /** Bound on fetching a .torrent over HTTP, in milliseconds. */
  fetchTimeoutMs?: number
  /** Largest .torrent accepted, in bytes (a podcast episode's is a few KiB). */
  maxTorrentBytes?: number
}

const DEFAULT_MAX_TORRENT_BYTES = 16 * 1024 * 1024

/**
 * Resolves a magnet link, a bare infohash, a .torrent path or a .torrent URL. A magnet
 * with an `xs=` HTTP(S) URL gets its .torrent fetched first (that is how seedcast feeds
 * publish episodes), so the download needs no peer to learn the metadata; when that
 * fetch fails the magnet is used alone and the reason is kept in `warnings`.
 */
export async function resolveSource (input: string, options: SourceOptions = {}): Promise<ResolvedSource> {
  const text = input.trim()
  if (/^[0-9a-f]{40}$/i.test(text)) return resolveMagnet(`magnet:?xt=urn:btih:${text.toLowerCase()}`, options)
  if (/^magnet:/i.test(text)) return resolveMagnet(text, options)
  if (/^https?:\/\//i.test(text)) {
    const bytes = await fetchTorrent(text, options)
    const parsed = parseTorrentBytes(bytes, text)
    return { kind: 'url', torrentId: bytes, infoHash: parsed.infoHash, name: parsed.name, extraTrackers: [], extraWebSeeds: [], warnings: [] }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    throw new SeedcastError(`unsupported source: ${text}`, { code: 'ESOURCE', hint: 'give a magnet link, a .torrent file or an http(s) URL of a .torrent' })
  }
  const bytes = readTorrentFile(text, options.maxTorrentBytes ?? DEFAULT_MAX_TORRENT_BYTES)
  const parsed = parseTorrentBytes(bytes, text)
  return { kind: 'file', torrentId: bytes, infoHash: parsed.infoHash, name: parsed.name, extraTrackers: [], extraWebSeeds: [], warnings: [] }
}

async function resolveMagnet (magnet: string, options: SourceOptions): Promise<ResolvedSource> {
  let parsed: ParsedMagnet
  try {
    parsed = parseMagnet(magnet)
  } catch (error) {
    const why = error instanceof SeedcastError ? error.message.replace(/^bad magnet link: /, '') : String(error)
    throw new SeedcastError(`not a valid magnet link: ${why}`, { code: 'EMAGNET', cause: error, hint: 'check that the whole link was copied' })
  }
  const { infoHash } = parsed
  const warnings: string[] = []
  const torrentUrls = parsed.torrentUrls.filter(url => /^https?:\/\//i.test(url))
  for (const url of torrentUrls) {
    try {
      const bytes = await fetchTorrent(url, options)
      const torrent = parseTorrentBytes(bytes, url)
      if (torrent.infoHash !== infoHash) {
        warnings.push(`the .torrent at ${url} is for another infohash (${torrent.infoHash}); ignored`)
        continue
      }
      return { kind: 'magnet', torrentId: bytes, infoHash, name: torrent.name, extraTrackers: parsed.trackers, extraWebSeeds: parsed.webSeeds, warnings }
    } catch (error) {
      warnings.push(`could not use the magnet's .torrent (xs): ${(error as Error).message}`)
    }
  }
  return { kind: 'magnet', torrentId: lowerCaseMagnetKeys(magnet), infoHash, name: parsed.name, extraTrackers: [], extraWebSeeds: [], warnings, bare: { trackers: parsed.trackers, webSeeds: parsed.webSeeds } }
}

/** Fetches a .torrent with a time bound and a size bound, so a wrong URL cannot hang or flood us. */
export async function fetchTorrent (url: string, options: SourceOptions = {}): Promise<Uint8Array> {
  const maxBytes = options.maxTorrentBytes ?? DEFAULT_MAX_TORRENT_BYTES
  const timeoutMs = options.fetchTimeoutMs ?? 30_000
  let response: Response
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' })
  } catch (error) {
    const reason = (error as Error).name === 'TimeoutError'
      ? `no answer within ${Math.round(timeoutMs / 1000)} s`
      : causeMessage(error)
    throw new SeedcastError(`cannot fetch ${url}: ${reason}`, { code: 'EFETCH', cause: error, hint: 'check the URL and the network' })
  }
  if (!response.ok) {
    await response.body?.cancel()
    throw new SeedcastError(`cannot fetch ${url}: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`, { code: 'EFETCH', hint: 'check the URL' })
  }
  const declared = Number(response.headers.get('content-length') ?? 0)
  if (declared > maxBytes) {
    await response.body?.cancel()
    throw tooLargeForATorrent(url, maxBytes)
  }
  const chunks: Uint8Array[] = []
  let total = 0
  try {
    for await (const chunk of response.body ?? []) {
      total += chunk.byteLength
      if (total > maxBytes) {
        await response.body?.cancel()
        throw tooLargeForATorrent(url, maxBytes)
      }
      chunks.push(chunk)
    }
  } catch (error) {
    if (error instanceof SeedcastError) throw error
    throw new SeedcastError(`cannot fetch ${url}: ${causeMessage(error)}`, { code: 'EFETCH', cause: error })
  }
  return Buffer.concat(chunks)
}

function readTorrentFile (path: string, maxBytes: number): Uint8Array {
  try {
    return readTorrentFileSync(path, maxBytes)
  } catch (error) {
    if (error instanceof SeedcastError) throw error
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new SeedcastError(`${path}: no such file, and not a magnet link or URL`, { code: 'ENOENT', cause: error, hint: 'give a magnet link, a .torrent file or an http(s) URL of a .torrent' })
    }
    throw fileError(error, path, 'read')
  }
}

/** Strict parse (the project's bencode reader): a truncated or non-torrent file is named. */
function parseTorrentBytes (bytes: Uint8Array, where: string): TorrentInfo {
  try {
    return inspectTorrent(bytes)
  } catch (error) {
    const why = error instanceof SeedcastError ? error.message : causeMessage(error)
    // The reader's own hint says what to do when it has one (a BitTorrent v2-only torrent).
    const hint = error instanceof SeedcastError && error.hint ? error.hint : 'the file may be truncated or not a torrent at all'
    throw new SeedcastError(`${where}: not a valid .torrent (${why})`, { code: 'ETORRENT', cause: error, hint })
  }
}

/** fetch() wraps the useful reason (ECONNREFUSED, ENOTFOUND...) in `cause`. */
function causeMessage (error: unknown): string {
  const cause = (error as { cause?: { code?: string, message?: string } }).cause
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error)
}
