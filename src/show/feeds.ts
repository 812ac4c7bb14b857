import { readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { fileError } from '../errors.js'
import { writeAtomic, writeAtomicParts, writeJsonAtomic, type FilePart } from '../atomic.js'
import { episodeHashes, type EpisodeHashes } from '../feed/episode-hash.js'
import type { PreviousFeed, PreviousFeeds } from '../feed/item-reuse.js'
import { renderFeedsReusing, type FeedBytes } from '../feed/render.js'
import { publishedEpisodes, type PublishedEpisode } from '../feed/published.js'
import { FEED_FILES } from '../feed/urls.js'
import { writeSite } from '../site/write.js'
import { startBuildReads, type BuildReads } from './build-reads.js'
import { feedIndexText, saveFeedIndex, sameIndex } from './feed-index.js'
import { loadShowForBuild, readShowConfig, showFolder } from './load.js'
import { saveCheckedHashes } from './catalog-check.js'
import { withShowLock } from './lock.js'
import { showPaths, type ShowPaths } from '../model/paths.js'
import { syncTorrentUrlsIfChanged } from './torrent-urls.js'
import { feedsAreStale } from './stale-feeds.js'
import type { Catalog, ShowConfig } from '../model/show.js'

/** The four feeds at the root of public/, all generated from the catalog. */
const FEED_NAMES = Object.values(FEED_FILES)

/**
 * Writes the four feeds of public/ from the catalog, each one atomically, and the show's
 * web pages (index.html and one per published episode, see src/site), so every change of
 * the catalog reaches podcast apps and browsers alike. Items of episodes unchanged since the
 * last build are copied from the feeds on disk (see previousFeeds), so a publish re-renders
 * one item, not the whole back catalogue; a file whose bytes would not change is not written.
 */
export async function writeFeeds (paths: ShowPaths, config: ShowConfig, catalog: Catalog): Promise<Record<string, string>> {
  return (await writeFeedsCounting(paths, config, catalog)).feeds
}

/** What a build wrote: the feeds' paths, how many items were rendered and how many copied, and which episodes were out at the time it took. */
interface WrittenOutputs {
  feeds: Record<string, string>
  rendered: number
  reused: number
  /** Episodes in the feeds (published at `now`, ms since the epoch): the others are drafts or scheduled. */
  published: number
  now: number
}

/** writeFeeds, also saying how many items were rendered and how many copied. */
async function writeFeedsCounting (paths: ShowPaths, config: ShowConfig, catalog: Catalog, loadedHashes?: EpisodeHashes, early?: BuildReads): Promise<WrittenOutputs> {
  const reads = early ?? startBuildReads(paths)
  try {
    return await writeOutputs(paths, config, catalog, reads, loadedHashes)
  } finally {
    if (!early) await reads.settle()
  }
}

async function writeOutputs (paths: ShowPaths, config: ShowConfig, catalog: Catalog, reads: BuildReads, loadedHashes?: EpisodeHashes): Promise<WrittenOutputs> {
  // Once per build: the feeds' item index and the site's page records are both keyed by them.
  const hashes = loadedHashes ?? episodeHashes(catalog.episodes)
  // The published episodes, newest first: the feeds' items and the site's pages, each date parsed once.
  const now = new Date()
  const published = publishedEpisodes(config, catalog.episodes, now)
  // The feeds and the pages at the same time: each write is atomic on its own, the feeds'
  // reads, writes and fsyncs (25 MiB for a show of 5,000 episodes) run in the thread pool
  // while the pages are worked out on this thread, and their fsyncs overlap.
  const [{ feeds, rendered, reused }] = await Promise.all([
    writeFeedFiles(paths, config, catalog, hashes, published, reads.feeds),
    writeSite(paths, config, catalog, { hashes, published: published.map(entry => entry.episode), reads: reads.site })
  ])
  return { feeds, rendered, reused, published: published.length, now: now.getTime() }
}

/** The four feeds, each written only when its bytes change, and their item index. */
async function writeFeedFiles (paths: ShowPaths, config: ShowConfig, catalog: Catalog, hashes: EpisodeHashes, published: PublishedEpisode[], previousRead: Promise<PreviousFeeds | undefined>): Promise<{ feeds: Record<string, string>, rendered: number, reused: number }> {
  const previous = await previousRead
  const { parts, index, rendered, reused } = renderFeedsReusing(config, catalog.episodes, previous, hashes, published)
  const onDisk = previous?.feeds ?? await currentFeeds(paths)
  const same = await Promise.all(FEED_NAMES.map(name => sameBytes(parts[name], onDisk[name])))
  const changed = FEED_NAMES.filter((_, at) => !same[at])
  const writing = Promise.all(FEED_NAMES.map(async (file, at) => {
    const stats = same[at] ? undefined : await writeAtomicParts(join(paths.publicDir, file), parts[file], { stat: true })
    // Copied from, or found the same: its previous file is done with. A replaced file is freed
    // by its last close (~5-9 ms each for a 5,000-episode show's feeds, blocks and cached pages
    // released), so it is closed here, while the other feeds and the pages are still written,
    // rather than by settle() at the end of the build (which awaits this same close).
    const before = previous?.feeds[file]
    if (before && !Buffer.isBuffer(before)) before.file.close().catch(() => {})
    return stats
  }))
  // The index's text (466 kB for 5,000 episodes) is made while the feeds are written and synced
  // (at the next turn of the event loop, once their writes are under way), not after them.
  const indexText = changed.length > 0 || !previous || !sameIndex(previous.index, index)
    ? new Promise(resolve => setImmediate(resolve)).then(() => feedIndexText(index))
    : undefined
  const written = await writing
  if (indexText) await saveFeedIndex(paths, await indexText, new Map(changed.map(name => [name, written[FEED_NAMES.indexOf(name)]!])))
  return { feeds: feedPaths(paths), rendered, reused }
}

/** The feed files as they are, those missing or unreadable left out (they are written). */
async function currentFeeds (paths: ShowPaths): Promise<Partial<FeedBytes>> {
  const texts = await Promise.all(FEED_NAMES.map(name => readFile(join(paths.publicDir, name)).catch(() => undefined)))
  return Object.fromEntries(FEED_NAMES.flatMap((name, at) => texts[at] ? [[name, texts[at]]] : []))
}

/**
 * True when the parts, joined, are the bytes of `before` (the feed on disk). A span of
 * `before`'s own file at the same place is the same bytes without reading them: a build with
 * nothing changed reads only the channel and the rendered items from the file to compare,
 * each run of rendered parts in one read.
 */
async function sameBytes (parts: FilePart[], before: PreviousFeed | undefined): Promise<boolean> {
  if (!before) return false
  const size = Buffer.isBuffer(before) ? before.length : before.end - before.start
  if (parts.reduce((total, part) => total + partLength(part), 0) !== size) return false
  let at = 0
  for (let next = 0; next < parts.length;) {
    const part = parts[next]!
    if (!Buffer.isBuffer(part)) {
      // Copied from elsewhere in the file (an item moved), or from another file: not the same bytes.
      if (Buffer.isBuffer(before) || part.file !== before.file || part.start !== before.start + at) return false
      at += partLength(part)
      next++
      continue
    }
    let end = next
    let length = 0
    while (end < parts.length && Buffer.isBuffer(parts[end])) length += (parts[end++] as Buffer).length
    const bytes = await bytesAt(before, at, length)
    let offset = 0
    for (; next < end; next++) {
      const rendered = parts[next] as Buffer
      if (!rendered.equals(bytes.subarray(offset, offset + rendered.length))) return false
      offset += rendered.length
    }
    at += length
  }
  return true
}

function partLength (part: FilePart): number {
  return Buffer.isBuffer(part) ? part.length : part.end - part.start
}

/** `length` bytes of a feed from offset `at`. */
async function bytesAt (feed: PreviousFeed, at: number, length: number): Promise<Buffer> {
  if (Buffer.isBuffer(feed)) return feed.subarray(at, at + length)
  const bytes = Buffer.allocUnsafeSlow(length)
  let read = 0
  while (read < length) {
    const { bytesRead } = await feed.file.read(bytes, read, length - read, feed.start + at + read)
    if (bytesRead === 0) break
    read += bytesRead
  }
  return bytes.subarray(0, read)
}

/** The absolute path of each feed, by file name. */
export function feedPaths (paths: ShowPaths): Record<string, string> {
  return Object.fromEntries(FEED_NAMES.map(file => [file, join(paths.publicDir, file)]))
}

/**
 * Saves a changed catalog and the feeds made from it; call it holding the show lock.
 * The catalog is the commit point. A marker file lives between the catalog write and
 * the last feed write, so a process killed in that window leaves a trace, and the next
 * seedcast command on the show (repairFeeds) rebuilds the feeds before anything else.
 * `hashes`: the hashes of entries unchanged since they were loaded (readCatalogForBuild);
 * entries not in it are hashed.
 */
export async function commitCatalog (paths: ShowPaths, config: ShowConfig, catalog: Catalog, hashes?: EpisodeHashes): Promise<Record<string, string>> {
  await sweepWriteLeftovers(paths)
  await writeAtomic(paths.feedsStaleMarker, `${process.pid}\n`)
  await writeJsonAtomic(paths.catalogFile, catalog)
  const { feeds } = await writeFeedsCounting(paths, config, catalog, hashes)
  await clearStaleMarker(paths)
  return feeds
}

/**
 * Saves a changed show.json and everything made from it: the .torrent files' trackers and
 * web seeds, then the feeds; call it holding the show lock. As with commitCatalog, the
 * stale marker stays until the last write, and repairFeeds finishes the work of a killed run.
 */
export async function commitConfig (paths: ShowPaths, config: ShowConfig, catalog: Catalog): Promise<{ feeds: Record<string, string>, torrents: string[] }> {
  await sweepWriteLeftovers(paths)
  await writeAtomic(paths.feedsStaleMarker, `${process.pid}\n`)
  await writeJsonAtomic(paths.showFile, config)
  return rebuildFeeds(paths, config, catalog)
}

/**
 * Feeds from an unchanged catalog, after bringing the torrents in line with show.json
 * (which may have been edited by hand); clears the stale marker once all is written.
 * `hashes`: the entries' hashes when the catalog is exactly as loaded. `alongside`: another
 * write of the lock holder's, done while the feeds are written (and awaited, failed or not).
 */
async function rebuildFeeds (paths: ShowPaths, config: ShowConfig, catalog: Catalog, hashes?: EpisodeHashes, reads?: BuildReads, alongside?: () => Promise<void>): Promise<WrittenOutputs & { torrents: string[] }> {
  await sweepWriteLeftovers(paths)
  const torrents = await syncTorrentUrlsIfChanged(paths, config, catalog)
  const writing = writeFeedsCounting(paths, config, catalog, hashes, reads)
  // Started after the sweep (which would take its temp file for a killed writer's), and at the
  // next turn of the event loop: once this thread has rendered the feeds and started their writes.
  const beside = alongside ? new Promise(resolve => setImmediate(resolve)).then(alongside) : undefined
  let written: Awaited<typeof writing>
  try {
    written = await writing
  } finally {
    await beside
  }
  await clearStaleMarker(paths)
  return { ...written, torrents }
}

async function clearStaleMarker (paths: ShowPaths): Promise<void> {
  await rm(paths.feedsStaleMarker, { force: true }).catch(error => { throw fileError(error, paths.feedsStaleMarker, 'remove') })
}

// write-file-atomic's temp files are "<name>.<number>" beside their target. The files below
// are only written holding the lock, so such a temp file seen while holding it is a leftover
// of a killed process and would otherwise stay in public/ for everyone to download.
const LOCKED_WRITE_LEFTOVER = /^(?:show\.json|episodes\.json|rss\.xml|p2p\.xml|atom\.xml|feed\.json|feeds-stale|torrent-urls|feed-items\.json|site-pages\.json|show-page\.json|checked-episodes\.json)\.\d+$/

/** Removes temp files of killed writers of the catalog and feeds; call it holding the lock. */
async function sweepWriteLeftovers (paths: ShowPaths): Promise<void> {
  for (const folder of [paths.root, paths.publicDir, paths.stateDir]) {
    const names = await readdir(folder).catch(() => [])
    for (const name of names) if (LOCKED_WRITE_LEFTOVER.test(name)) await rm(join(folder, name), { force: true })
  }
}


/** Rebuilds the feeds if a killed run left them older than the catalog; holds the lock. */
export async function repairFeeds (dir: string): Promise<boolean> {
  const paths = showPaths(dir)
  if (!await feedsAreStale(paths)) return false
  await readShowConfig(await showFolder(dir))
  return withShowLock(dir, async () => {
    if (!await feedsAreStale(paths)) return false
    const fresh = await loadShowForBuild(dir)
    await rebuildFeeds(fresh.paths, fresh.config, fresh.catalog, fresh.checks.hashes)
    await saveCheckedHashes(fresh.paths, fresh.checks, fresh.known)
    return true
  })
}

export interface BuiltFeeds {
  feeds: Record<string, string>
  episodes: number
  published: number
  /** Episodes dated after now: in the catalog, out of the feeds until their date. */
  scheduled: number
  /** The earliest of their dates (ISO 8601), when the feeds next need a build. */
  nextScheduled?: string
  /** Slugs whose .torrent got new trackers or web seeds (after show.json changed). */
  torrents: string[]
  /** Published episodes whose items were rendered; the others were copied from the feeds on disk. */
  rendered: number
}

/** `seedcast feed build`: regenerates every feed of the show from its catalog. */
export async function buildFeeds (dir: string): Promise<BuiltFeeds> {
  await readShowConfig(await showFolder(dir)) // a clear error for a folder that is no show, before taking the lock
  return withShowLock(dir, async () => {
    const reads = startBuildReads(showPaths(dir))
    let built!: Awaited<ReturnType<typeof rebuildFeeds>>
    let loaded!: Awaited<ReturnType<typeof loadShowForBuild>>
    try {
      loaded = await loadShowForBuild(dir)
      // The record of the checked catalog is about the catalog alone, whatever becomes of the
      // feeds: written while they are, not after them.
      built = await rebuildFeeds(loaded.paths, loaded.config, loaded.catalog, loaded.checks.hashes, reads, () => saveCheckedHashes(loaded.paths, loaded.checks, loaded.known))
    } finally {
      await reads.settle()
    }
    const { catalog } = loaded
    const { feeds, torrents, rendered, published, now } = built
    // The episodes neither drafts nor in the feeds are scheduled: their dates are parsed (for the
    // next one) only when there are any, not the 5,000 dates of a long show at every build.
    let drafts = 0
    for (const episode of catalog.episodes) if (episode.draft) drafts++
    const scheduled = catalog.episodes.length - drafts - published
    let next: number | undefined
    if (scheduled > 0) {
      for (const episode of catalog.episodes) {
        if (episode.draft) continue
        const at = Date.parse(episode.pubDate)
        if (at > now && (next === undefined || at < next)) next = at
      }
    }
    return {
      feeds,
      torrents,
      episodes: catalog.episodes.length,
      published,
      scheduled,
      ...(next !== undefined ? { nextScheduled: new Date(next).toISOString() } : {}),
      rendered
    }
  })
}
