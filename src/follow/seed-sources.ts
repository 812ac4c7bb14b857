import { mkdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { writeAtomic } from '../atomic.js'
import { SeedcastError, fileError } from '../errors.js'
import { readPodcastFeed } from '../feed/read/podcast-feed.js'
import type { FeedEpisode } from '../feed/read/types.js'
import { slugCandidates, slugify } from '../show/slug.js'
import { download } from '../swarm/download/download.js'
import { fetchTorrent } from '../swarm/download/source.js'
import { inspectTorrent } from '../torrent/inspect.js'
import { parseMagnet } from '../torrent/magnet.js'
import { retargetTorrent } from '../torrent/retarget.js'
import { fetchEpisode } from './episode-fetch.js'
import { libraryPaths } from './library.js'

export interface SeedSourceOptions {
  /** Folder the data (and the .torrent kept for it) goes to. */
  dir: string
  dht?: boolean
  /** Seconds without progress before one download gives up. */
  timeoutSeconds?: number
  maxEpisodeBytes?: number
  /** Downloads at the same time (a feed's episodes); default 4. */
  downloads?: number
  signal?: AbortSignal
  onEvent?: (event: SeedSourceEvent) => void
}

export type SeedSourceEvent =
  | { event: 'fetching', input: string, name?: string }
  | { event: 'fetched', input: string, name: string, infoHash: string, received: number }
  | { event: 'skipped', input: string, message: string }

/**
 * Brings what a magnet, a .torrent URL or a podcast feed URL names into `dir` and
 * returns the .torrent paths to seed, each with its data next to it:
 * - a magnet or .torrent URL: `<dir>/<name>` and `<dir>/<name>.torrent` (a magnet's
 *   trackers and web seeds are written into that .torrent, so seeding announces where
 *   the magnet said; the infohash is unchanged);
 * - a feed (any podcast RSS or Atom, p2p.xml too): every episode that offers a torrent
 *   (podcast:alternateEnclosure .torrent, or a magnet with xs=), laid out as the follow
 *   library does: `<dir>/<feed>/<episode>/<file>` and `<episode>.torrent`, through the
 *   same fetcher (the HTTP enclosure as web seed, podcast:integrity checked). Episodes with
 *   HTTP only are reported as skipped: making and seeding torrents of other people's
 *   media is what `follow` does, under their license.
 * Data already complete there is not fetched again (the seeder checks it). A source
 * that is neither, or cannot be fetched, throws one SeedcastError; one failed episode of
 * a feed is a 'skipped' event.
 */
export async function fetchSeedSource (input: string, options: SeedSourceOptions): Promise<string[]> {
  if (/^magnet:\?/i.test(input)) return [await fetchTorrentSource(input, options)]
  const bytes = await fetchTorrent(input, { fetchTimeoutMs: (options.timeoutSeconds ?? 60) * 1000, maxTorrentBytes: 64 * 1024 * 1024 })
  if (looksBencoded(bytes)) {
    try {
      inspectTorrent(bytes)
    } catch (err) {
      throw new SeedcastError(`${input}: not a valid .torrent (${(err as Error).message})`, { code: 'ETORRENT', cause: err, hint: 'check the URL' })
    }
    return [await fetchTorrentSource(input, options, bytes)]
  }
  let feed
  try {
    feed = readPodcastFeed(Buffer.from(bytes).toString('utf8'), { url: input })
  } catch (err) {
    throw new SeedcastError(`${input}: neither a .torrent nor a podcast feed (${(err as Error).message.split('\n')[0]})`, { code: 'ESOURCE', cause: err, hint: 'give a magnet link, the URL of a .torrent, or the URL of a podcast feed' })
  }
  return fetchFeedTorrents(input, feed.title, feed.episodes, options)
}

/** A bencoded dictionary starts with `d` and a length-prefixed key: no feed does. */
function looksBencoded (bytes: Uint8Array): boolean {
  return bytes[0] === 0x64 && bytes[1] !== undefined && bytes[1] >= 0x30 && bytes[1] <= 0x39
}

async function fetchTorrentSource (input: string, options: SeedSourceOptions, fetched?: Uint8Array): Promise<string> {
  const emit = options.onEvent ?? (() => {})
  let magnetUrls = { trackers: [] as string[], webSeeds: [] as string[] }
  let bytes = fetched
  if (!bytes) {
    const magnet = parseMagnetOrThrow(input)
    magnetUrls = { trackers: magnet.trackers, webSeeds: magnet.webSeeds }
    // A magnet from a seedcast feed names its .torrent (xs=): no peer is needed for the metadata.
    if (magnet.torrentUrl) bytes = await fetchTorrent(magnet.torrentUrl, { fetchTimeoutMs: (options.timeoutSeconds ?? 60) * 1000 }).catch(() => undefined)
  }
  let info = bytes ? inspectTorrent(bytes) : undefined
  if (info && await keptWithData(join(options.dir, `${info.safeName}.torrent`), options.dir, info.infoHash)) return join(options.dir, `${info.safeName}.torrent`)
  emit({ event: 'fetching', input, ...(info ? { name: info.name } : {}) })
  await mkdir(options.dir, { recursive: true }).catch(err => { throw fileError(err, options.dir, 'create') })
  const got = await download(input, { outputDir: options.dir, dht: options.dht, timeoutSeconds: options.timeoutSeconds, signal: options.signal })
  // A bare magnet: the info dictionary the peers sent, in a .torrent of its own (same infohash).
  if (!bytes && got.infoDictionary) bytes = Buffer.concat([Buffer.from('d4:info'), got.infoDictionary, Buffer.from('e')])
  if (!bytes) throw new SeedcastError(`${input}: downloaded, but its metadata was not kept`, { code: 'ETORRENT' })
  info ??= inspectTorrent(bytes)
  const torrent = retargetTorrent(bytes, {
    announce: [...info.announce, ...magnetUrls.trackers.filter(url => !info!.announce.flat().includes(url)).map(url => [url])],
    webSeeds: [...new Set([...info.webSeeds, ...magnetUrls.webSeeds])]
  })
  const torrentPath = join(options.dir, `${info.safeName}.torrent`)
  await writeAtomic(torrentPath, torrent)
  emit({ event: 'fetched', input, name: info.name, infoHash: info.infoHash, received: got.received })
  return torrentPath
}

function parseMagnetOrThrow (input: string) {
  try {
    return parseMagnet(input)
  } catch (err) {
    throw new SeedcastError(`not a valid magnet link: ${(err as Error).message.replace(/^bad magnet link: /, '')}`, { code: 'EMAGNET', cause: err, hint: 'check that the whole link was copied' })
  }
}

/**
 * Whether the .torrent at `torrentPath` (for `infoHash` when given) is there with every
 * file of its data in full under `dataDir`: then nothing is fetched, the seeder checks it.
 */
async function keptWithData (torrentPath: string, dataDir: string, infoHash?: string): Promise<boolean> {
  const kept = await readFile(torrentPath).then(bytes => inspectTorrent(bytes)).catch(() => undefined)
  if (!kept || (infoHash !== undefined && kept.infoHash !== infoHash)) return false
  for (const file of kept.files) {
    if (file.type !== 'file') continue
    const size = await stat(join(dataDir, file.safePath)).then(found => found.size, () => -1)
    if (size !== file.length) return false
  }
  return true
}

async function fetchFeedTorrents (input: string, title: string, episodes: FeedEpisode[], options: SeedSourceOptions): Promise<string[]> {
  const emit = options.onEvent ?? (() => {})
  const paths = libraryPaths(options.dir)
  const feedSlug = slugify(title || new URL(input).hostname) || 'feed'
  const withTorrent = episodes.filter(episode => episode.media.torrents.length > 0 || episode.media.magnets.some(magnet => xsOf(magnet)))
  if (withTorrent.length < episodes.length) {
    emit({ event: 'skipped', input, message: `${episodes.length - withTorrent.length} of the ${episodes.length} episodes of "${title}" offer no torrent (HTTP only): not seeded; \`seedcast follow add\` with --allow-redistribution (or a free license) makes torrents of them` })
  }
  if (withTorrent.length === 0) throw new SeedcastError(`${input}: no episode of this feed offers a torrent`, { code: 'ENODATA', hint: 'follow it with `seedcast follow add <feed-url>` (which makes torrents where the license allows), or mirror it with `seedcast mirror`' })

  const taken = new Set<string>()
  const slugs = withTorrent.map(episode => {
    const base = slugify(`${episode.date ? episode.date.toISOString().slice(0, 10) : 'undated'} ${episode.title}`) || 'episode'
    for (const candidate of slugCandidates(base)) if (!taken.has(candidate)) { taken.add(candidate); return candidate }
    throw new Error('unreachable')
  })
  const torrents: string[] = []
  let next = 0
  await Promise.all(Array.from({ length: Math.min(options.downloads ?? 4, withTorrent.length) }, async () => {
    while (next < withTorrent.length && !options.signal?.aborted) {
      const index = next++
      const episode = withTorrent[index]!
      const slug = slugs[index]!
      const torrentPath = paths.torrentFile(feedSlug, slug)
      if (await keptWithData(torrentPath, paths.episodeDir(feedSlug, slug))) {
        torrents.push(torrentPath)
        continue
      }
      emit({ event: 'fetching', input, name: episode.title })
      try {
        const got = await fetchEpisode(episode, {
          library: options.dir,
          feedSlug,
          episodeSlug: slug,
          trackers: [],
          dht: options.dht ?? true,
          maxEpisodeBytes: options.maxEpisodeBytes ?? 8 * 1024 ** 3,
          timeoutSeconds: options.timeoutSeconds ?? 60,
          signal: options.signal
        })
        torrents.push(torrentPath)
        emit({ event: 'fetched', input, name: got.name, infoHash: got.infoHash, received: got.received })
      } catch (err) {
        if (!(err instanceof SeedcastError)) throw err
        emit({ event: 'skipped', input, message: `"${episode.title}": ${err.message}` })
      }
    }
  }))
  return torrents
}

function xsOf (magnet: string): string | undefined {
  try {
    return parseMagnet(magnet).torrentUrl
  } catch {
    return undefined
  }
}
