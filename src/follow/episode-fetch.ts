import { mkdir, open, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
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
import { magnetURI, parseMagnet } from '../torrent/magnet.js'
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
 * enclosure added as web seed, so the swarm and the host share the load; otherwise the
 * HTTP enclosure, made into a torrent whose web seed is that enclosure (as Bitlove did).
 * The podcast:integrity SRI is checked either way: a mismatch deletes what came and
 * throws, so it never becomes a file in the library.
 */
export async function fetchEpisode (episode: FeedEpisode, options: EpisodeFetchOptions): Promise<FetchedEpisode> {
  const torrentUrl = episode.media.torrents[0] ?? episode.media.magnets.map(xsOf).find(url => url !== undefined)
  if (torrentUrl) return viaTorrent(episode, torrentUrl, options)
  const url = episode.media.http[0]
  if (url) return viaHttp(episode, url, options)
  throw new SeedcastError(`"${episode.title}": only a magnet link without a .torrent URL and no HTTP enclosure`, { code: 'ESOURCE', hint: 'seedcast follow needs a .torrent URL (xs=) or an HTTP enclosure to start from' })
}

function xsOf (magnet: string): string | undefined {
  try {
    return parseMagnet(magnet).torrentUrl
  } catch {
    return undefined
  }
}

async function viaTorrent (episode: FeedEpisode, torrentUrl: string, options: EpisodeFetchOptions): Promise<FetchedEpisode> {
  const paths = libraryPaths(options.library)
  const dir = paths.episodeDir(options.feedSlug, options.episodeSlug)
  const bytes = await fetchTorrent(torrentUrl, { fetchTimeoutMs: options.timeoutSeconds * 1000 })
  let info
  try {
    info = inspectTorrent(bytes)
  } catch (err) {
    throw new SeedcastError(`${torrentUrl}: not a valid .torrent (${(err as Error).message})`, { code: 'ETORRENT', cause: err })
  }
  if (info.length > options.maxEpisodeBytes) throw new SeedcastError(`"${episode.title}": ${info.length} bytes, more than the ${options.maxEpisodeBytes} allowed`, { code: 'ETOOBIG', hint: 'raise `maxEpisodeBytes` to take it' })
  const magnetTrackers = episode.media.magnets.flatMap(magnet => { try { return parseMagnet(magnet).trackers } catch { return [] } })
  // The magnet carries the enclosure as web seed (ws=) on top of the torrent's own url-list.
  const magnet = magnetURI({ infoHash: info.infoHash, name: info.name, torrentUrl, webSeeds: episode.media.http, trackers: [...new Set(magnetTrackers)] })
  await mkdir(dir, { recursive: true }).catch(err => { throw fileError(err, dir, 'create') })
  const result = await download(magnet, { outputDir: dir, dht: options.dht, timeoutSeconds: options.timeoutSeconds, signal: options.signal })
  const file = result.files.length === 1 ? join(dir, result.files[0]!.path) : undefined
  if (file) {
    const check = await checkIntegrity(file, episode.media.integrity)
    if (!check.ok) {
      await rm(dir, { recursive: true, force: true })
      throw integrityError(episode, check.expected, check.actual)
    }
  }
  await writeAtomic(paths.torrentFile(options.feedSlug, options.episodeSlug), Buffer.from(bytes))
  return { source: 'torrent', infoHash: info.infoHash, name: info.name, length: info.length, received: result.received }
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
  await writeAtomic(paths.torrentFile(options.feedSlug, options.episodeSlug), created.torrent)
  try {
    await rename(partial, join(dir, name))
  } catch (err) {
    throw fileError(err, join(dir, name), 'move')
  }
  await rm(partialDir, { recursive: true, force: true })
  return { source: 'http', infoHash: created.infoHash, name, length: created.length, received: got.received }
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
