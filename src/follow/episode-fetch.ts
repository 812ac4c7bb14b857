import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { SeedcastError, fileError } from '../errors.js'
import { downloadHttp } from '../feed/read/enclosure-download.js'
import { isHtmlPage } from '../feed/read/feed-discovery.js'
import { checkIntegrity, integrityError as mismatch } from '../feed/read/integrity.js'
import { mediaFileName } from '../feed/read/media-file-name.js'
import type { FeedEpisode } from '../feed/read/types.js'
import { writeAtomic } from '../atomic.js'
import { download } from '../swarm/download/download.js'
import { fetchTorrent } from '../swarm/download/source.js'
import { createTorrent } from '../torrent/create.js'
import { inspectTorrent } from '../torrent/inspect.js'
import { magnetURI, parseMagnet, type ParsedMagnet } from '../torrent/magnet.js'
import { retargetTorrent } from '../torrent/retarget.js'
import { libraryPaths } from './library.js'

export interface EpisodeFetchOptions {
  library: string
  feedSlug: string
  episodeSlug: string
  /** Trackers written into the torrents made for HTTP-only episodes. */
  trackers: string[]
  dht: boolean
  maxEpisodeBytes: number
  /** Seconds without progress before a download gives up. */
  timeoutSeconds: number
  signal?: AbortSignal
}

export interface FetchedEpisode {
  source: 'torrent' | 'http'
  infoHash: string
  /** Torrent name: the media file inside the episode folder. */
  name: string
  length: number
  /** Bytes that came over the network in this run. */
  received: number
}

/**
 * Brings one episode into the library by the best way the feed offers: its published
 * torrent (a .torrent source, or a magnet with an xs= .torrent URL) with the HTTP
 * enclosure added as web seed, so the swarm and the host share the load; a magnet whose
 * .torrent cannot be had (no xs=, or its host is down: the very case p2p.xml is for) from
 * its peers, metadata included; otherwise the HTTP enclosure, made into a torrent whose
 * web seed is that enclosure (as Bitlove did). The podcast:integrity SRI is checked
 * either way: a mismatch deletes what came and throws, so it never becomes a file in the library.
 */
export async function fetchEpisode (episode: FeedEpisode, options: EpisodeFetchOptions): Promise<FetchedEpisode> {
  const magnet = episode.media.magnets.find(uri => parsed(uri) !== undefined)
  const torrentUrl = episode.media.torrents[0] ?? episode.media.magnets.map(uri => parsed(uri)?.torrentUrl).find(url => url !== undefined)
  if (torrentUrl || magnet) return viaTorrent(episode, torrentUrl, magnet, options)
  const url = episode.media.http[0]
  if (url) return viaHttp(episode, url, options)
  throw new SeedcastError(`"${episode.title}": no enclosure seedcast can fetch`, { code: 'ESOURCE', hint: 'seedcast follow needs a .torrent, a magnet link or an HTTP enclosure' })
}

function parsed (magnet: string): ParsedMagnet | undefined {
  try {
    return parseMagnet(magnet)
  } catch {
    return undefined
  }
}

async function viaTorrent (episode: FeedEpisode, torrentUrl: string | undefined, magnet: string | undefined, options: EpisodeFetchOptions): Promise<FetchedEpisode> {
  const paths = libraryPaths(options.library)
  const dir = paths.episodeDir(options.feedSlug, options.episodeSlug)
  // The .torrent first (no peer needed for the metadata); when it cannot be had and a
  // magnet names the episode, its peers give the metadata instead.
  let bytes: Uint8Array | undefined
  if (torrentUrl) {
    try {
      bytes = await fetchTorrent(torrentUrl, { fetchTimeoutMs: options.timeoutSeconds * 1000 })
    } catch (err) {
      if (!magnet || !(err instanceof SeedcastError) || options.signal?.aborted) throw err
    }
  }
  let info
  if (bytes) {
    try {
      info = inspectTorrent(bytes)
    } catch (err) {
      throw new SeedcastError(`${torrentUrl}: not a valid .torrent (${(err as Error).message})`, { code: 'ETORRENT', cause: err })
    }
    if (info.length > options.maxEpisodeBytes) throw tooBig(episode, info.length, options)
  }
  const fromMagnet = magnet ? parseMagnet(magnet) : undefined
  const magnetTrackers = [...new Set(episode.media.magnets.flatMap(uri => parsed(uri)?.trackers ?? []))]
  const webSeeds = [...new Set([...(fromMagnet?.webSeeds ?? []), ...episode.media.http])]
  // The magnet carries the enclosure as web seed (ws=) on top of the torrent's own url-list.
  const source = info
    ? magnetURI({ infoHash: info.infoHash, name: info.name, torrentUrl, webSeeds: episode.media.http, trackers: magnetTrackers })
    : magnetURI({ infoHash: fromMagnet!.infoHash, name: fromMagnet!.name, trackers: magnetTrackers, webSeeds })
  await mkdir(dir, { recursive: true }).catch(err => { throw fileError(err, dir, 'create') })
  // Without a .torrent the size is known once the peers sent the metadata: a larger one stops there.
  const tooLarge = new AbortController()
  let announced = 0
  const signal = options.signal ? AbortSignal.any([options.signal, tooLarge.signal]) : tooLarge.signal
  let result
  try {
    result = await download(source, {
      outputDir: dir,
      dht: options.dht,
      timeoutSeconds: options.timeoutSeconds,
      signal,
      onEvent: event => {
        if (event.event === 'metadata' && event.length > options.maxEpisodeBytes) { announced = event.length; tooLarge.abort() }
      }
    })
  } catch (err) {
    if (tooLarge.signal.aborted && !options.signal?.aborted) throw tooBig(episode, announced, options)
    throw err
  }
  // A magnet alone: the info dictionary the peers sent, in a .torrent of its own (same
  // infohash) naming the magnet's trackers and every web seed.
  bytes ??= retargetTorrent(Buffer.concat([Buffer.from('d4:info'), result.infoDictionary ?? Buffer.alloc(0), Buffer.from('e')]), { announce: magnetTrackers.map(tracker => [tracker]), webSeeds })
  info ??= inspectTorrent(bytes)
  const file = result.files.length === 1 ? join(dir, result.files[0]!.path) : undefined
  if (file) {
    const check = await checkIntegrity(file, episode.media.integrity)
    if (!check.ok) {
      await rm(dir, { recursive: true, force: true })
      throw integrityError(episode, check.expected, check.actual)
    }
  }
  await writeTorrentFile(paths.torrentFile(options.feedSlug, options.episodeSlug), Buffer.from(bytes))
  return { source: 'torrent', infoHash: info.infoHash, name: info.name, length: info.length, received: result.received }
}

function tooBig (episode: FeedEpisode, length: number, options: EpisodeFetchOptions): SeedcastError {
  return new SeedcastError(`"${episode.title}": ${length} bytes, more than the ${options.maxEpisodeBytes} allowed`, { code: 'ETOOBIG', hint: 'raise `maxEpisodeBytes` to take it' })
}

async function viaHttp (episode: FeedEpisode, url: string, options: EpisodeFetchOptions): Promise<FetchedEpisode> {
  const paths = libraryPaths(options.library)
  const dir = paths.episodeDir(options.feedSlug, options.episodeSlug)
  const partialDir = paths.partialDir(options.feedSlug, options.episodeSlug)
  const name = mediaFileName(options.episodeSlug, url, episode.media.type)
  const partial = join(partialDir, name)
  await mkdir(partialDir, { recursive: true }).catch(err => { throw fileError(err, partialDir, 'create') })
  const got = await downloadHttp(url, partial, { maxBytes: options.maxEpisodeBytes, idleTimeoutMs: options.timeoutSeconds * 1000, signal: options.signal, retryHint: 'it will be tried again at the next poll', maxBytesOption: 'maxEpisodeBytes' })
  if (await holdsHtmlPage(partial)) {
    // An error, login or "coming soon" page answered with 200: no episode to seed. Dropped
    // (nothing else is in the folder of an episode not yet in the library), so the next poll
    // fetches the media whole instead of continuing the page's bytes.
    await rm(dir, { recursive: true, force: true })
    throw new SeedcastError(`${url} is not an audio or video file (the host answered with an HTML page)`, { code: 'ENOTMEDIA', hint: 'it will be tried again at the next poll' })
  }
  // One read gives the pieces and the SHA-256 for the integrity check.
  const created = await createTorrent(partial, {
    name,
    webSeeds: [url],
    announce: options.trackers.map(tracker => [tracker]),
    sha256: true,
    comment: episode.link ?? episode.guid
  })
  const check = await checkIntegrity(partial, episode.media.integrity, created.files[0]?.sha256)
  if (!check.ok) {
    // Nothing else is in the folder of an episode not yet in the library.
    await rm(dir, { recursive: true, force: true })
    throw integrityError(episode, check.expected, check.actual)
  }
  // The .torrent first, then the media into place: a crash between leaves a torrent
  // whose data is still in .partial, which the next run finishes from there.
  await writeTorrentFile(paths.torrentFile(options.feedSlug, options.episodeSlug), created.torrent)
  try {
    await rename(partial, join(dir, name))
  } catch (err) {
    throw fileError(err, join(dir, name), 'move')
  }
  await rm(partialDir, { recursive: true, force: true })
  return { source: 'http', infoHash: created.infoHash, name, length: created.length, received: got.received }
}

/** A temporary file this old is no live writer's (those last milliseconds). */
const LEFTOVER_AGE_MS = 60_000

/**
 * Writes an episode's .torrent atomically, first removing the temporary files
 * ("<name>.torrent.<digits>", write-file-atomic's) a run killed in mid-write left:
 * nothing else ever removed them, and the episode's folder kept one for good. Only old
 * ones: another process may be writing the same file this moment.
 */
async function writeTorrentFile (path: string, torrent: Buffer): Promise<void> {
  const name = basename(path)
  const names = await readdir(dirname(path)).catch(() => [] as string[])
  for (const entry of names) {
    if (!entry.startsWith(`${name}.`) || !/^\d+$/.test(entry.slice(name.length + 1))) continue
    const leftover = join(dirname(path), entry)
    const info = await stat(leftover).catch(() => undefined)
    if (info && Date.now() - info.mtimeMs > LEFTOVER_AGE_MS) await rm(leftover, { force: true })
  }
  await writeAtomic(path, torrent)
}

function integrityError (episode: FeedEpisode, expected: string, actual: string): SeedcastError {
  return mismatch(episode.title, expected, actual, 'the host serves another file than the feed describes; it will be tried again at the next poll')
}

async function holdsHtmlPage (path: string): Promise<boolean> {
  const file = await open(path, 'r')
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(1024), 0, 1024, 0)
    return isHtmlPage(buffer.subarray(0, bytesRead).toString('latin1'))
  } finally {
    await file.close()
  }
}
