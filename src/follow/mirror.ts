import { mkdir, rename, rm, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import mime from 'mime-types'
import { SeedcastError, fileError } from '../errors.js'
import { downloadHttp } from '../feed/read/enclosure-download.js'
import { fetchFeed } from '../feed/read/fetch-feed.js'
import { readPodcastFeed } from '../feed/read/podcast-feed.js'
import { allowsRedistribution } from '../feed/read/redistribution.js'
import { digestFile } from '../feed/read/integrity.js'
import type { FeedEpisode, PodcastFeed } from '../feed/read/types.js'
import { undatedNote } from '../feed/read/undated-note.js'
import { podcastGuid } from '../feed/guid.js'
import { notesOfFeedText } from '../feed/notes.js'
import { imageSize } from '../media/image-size.js'
import { probeMedia } from '../media/probe.js'
import { writeAtomic, writeJsonAtomic } from '../atomic.js'
import { buildFeeds, type BuiltFeeds } from '../show/feeds.js'
import { loadShow } from '../show/load.js'
import { withShowLock } from '../show/lock.js'
import { showPaths } from '../model/paths.js'
import { slugCandidates, slugify } from '../show/slug.js'
import type { Catalog, Episode, ShowConfig } from '../model/show.js'
import { inspectTorrent } from '../torrent/inspect.js'
import { retargetTorrent } from '../torrent/retarget.js'
import { fetchEpisode } from './episode-fetch.js'

export interface MirrorOptions {
  /** Where the mirror's public/ will be served, ending with "/". */
  baseUrl: string
  /** Trackers of the mirror's torrents and magnets. */
  trackers?: string[]
  /** Mirror a feed whose license does not say it may be shared (you have the right to). */
  allowRedistribution?: boolean
  /** Newest episodes mirrored; 0 for all. */
  keep?: number
  /** The mirror's owner, when the feed names none (show.json needs one). */
  ownerName?: string
  ownerEmail?: string
  dht?: boolean
  timeoutSeconds?: number
  maxEpisodeBytes?: number
  /**
   * Stops the mirror cleanly when aborted: the episode being copied is left out (its
   * partial download kept for the next run), the ones copied so far are written into the
   * show with its feeds, then mirrorFeed throws EINTR.
   */
  signal?: AbortSignal
  /** `note`: what the mirror made up for a mirrored episode (an item with no readable date is dated now). */
  onEpisode?: (event: { guid: string, title: string, action: 'mirrored' | 'failed', message?: string, infoHash?: string, note?: string }) => void
}

export interface MirrorResult {
  show: string
  feedUrl: string
  added: string[]
  failed: Array<{ guid: string, message: string }>
  /** What the mirror made up, one phrase each, as import's notes (an undated item dated now). */
  notes: string[]
  episodes: number
  feeds: BuiltFeeds['feeds']
  /**
   * When the original feed answered 410 Gone (ISO time of the first such answer): the feed
   * is not fetched again and nothing changed; the mirror keeps its episodes.
   */
  goneAt?: string
}

/**
 * `seedcast mirror`: makes (or brings up to date) a show folder that republishes a podcast
 * peer to peer, as Bitlove did. Same channel metadata and episode GUIDs; each episode's
 * media copied into public/media and its .torrent carrying both the mirror's copy and the
 * original enclosure as web seeds (a torrent the feed publishes keeps its infohash: the
 * mirror joins the show's own swarm); rss.xml's enclosures stay on the original host with
 * the mirror's torrent and magnet as alternate sources; p2p.xml has magnet enclosures;
 * the channel links the original feed (atom:link rel="via") and says it is a mirror.
 * A feed whose license does not allow redistribution is refused unless allowRedistribution.
 */
export async function mirrorFeed (feedUrl: string, showDir: string, options: MirrorOptions): Promise<MirrorResult> {
  const baseUrl = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`
  const paths = showPaths(showDir)
  // 410 says the feed will not come back (as follow treats it): a mirror run from cron
  // neither asks again nor fails at every run. A 404 or an error stays a failure.
  const gone = await goneMirror(showDir, feedUrl)
  if (gone) return gone
  let fetched: Awaited<ReturnType<typeof fetchFeed>>
  try {
    fetched = await fetchFeed(feedUrl)
  } catch (error) {
    const kept = error instanceof SeedcastError && error.code === 'EGONE' ? await markGone(showDir, feedUrl, error) : undefined
    if (kept) return kept
    throw error
  }
  if (options.signal?.aborted) throw interrupted()
  if (fetched.notModified) throw new SeedcastError(`${feedUrl}: 304 to an unconditional request`, { code: 'EHTTP' })
  const original = fetched.movedTo ?? feedUrl
  const feed = readPodcastFeed(fetched.xml, { url: fetched.url })
  if (!options.allowRedistribution && !allowsRedistribution(feed.license)) {
    throw new SeedcastError(`${feedUrl}: its license (${feed.license?.id ?? feed.copyright ?? 'none given'}) does not allow redistribution; not mirrored`, { code: 'ELICENSE', hint: 'mirror only Creative Commons or freely licensed shows, or `allowRedistribution` if the author allowed you' })
  }
  const existing = await loadShow(showDir).catch(() => undefined)
  if (existing && existing.config.mirrorOf !== original && existing.config.mirrorOf !== feedUrl) {
    throw new SeedcastError(`${showDir}: already a show${existing.config.mirrorOf ? `, the mirror of ${existing.config.mirrorOf}` : ''}`, { code: 'EEXIST', hint: 'give a new folder for this mirror' })
  }
  const config = mirrorConfig(feed, original, baseUrl, options, existing?.config)
  const catalog: Catalog = existing?.catalog ?? { version: 1, episodes: [] }
  await mkdir(paths.mediaDir, { recursive: true }).catch(err => { throw fileError(err, paths.mediaDir, 'create') })
  await mkdir(paths.torrentsDir, { recursive: true })
  if (!existing && feed.image) config.image = await copyCover(feed.image, paths.publicDir, paths.stateDir)

  const known = new Set(catalog.episodes.map(episode => episode.guid))
  const wanted = (options.keep ? feed.episodes.slice(0, options.keep) : feed.episodes).filter(episode => !known.has(episode.guid))
  const result: MirrorResult = { show: showDir, feedUrl: original, added: [], failed: [], notes: [], episodes: 0, feeds: {} }
  const work = join(paths.stateDir, 'mirror-work')
  let stopped: unknown
  for (const episode of wanted) {
    if (options.signal?.aborted) { stopped = true; break }
    try {
      const entry = await mirrorEpisode(showDir, episode, feed, config, catalog, work, options)
      catalog.episodes.push(entry)
      result.added.push(episode.guid)
      const note = undatedNote(episode)
      if (note) result.notes.push(note)
      options.onEpisode?.({ guid: episode.guid, title: episode.title, action: 'mirrored', infoHash: entry.infoHash, ...(note ? { note } : {}) })
    } catch (err) {
      // A stop cuts the episode's download: it is left out, what came of it kept in the work folder.
      if (options.signal?.aborted) { stopped = err; break }
      if (!(err instanceof SeedcastError)) throw err
      result.failed.push({ guid: episode.guid, message: err.message })
      options.onEpisode?.({ guid: episode.guid, title: episode.title, action: 'failed', message: err.message })
    }
  }
  if (!stopped) await rm(work, { recursive: true, force: true })
  // The catalog and show.json under the show lock, then the feeds (buildFeeds takes it again).
  await withShowLock(showDir, async () => {
    await writeJsonAtomic(paths.showFile, config)
    await writeJsonAtomic(paths.catalogFile, catalog)
  })
  const built = await buildFeeds(showDir)
  await rm(goneFile(showDir), { force: true })
  if (stopped) throw interrupted(stopped === true ? undefined : stopped)
  result.episodes = catalog.episodes.length
  result.feeds = built.feeds
  return result
}

/** Where a mirror notes that its feed answered 410: "<ISO time>\n<feed URL>\n". Removing it asks again. */
function goneFile (showDir: string): string {
  return join(showPaths(showDir).stateDir, 'mirror-gone')
}

/** The result of a mirror whose feed answered 410 at an earlier run (given as this URL), if so. */
async function goneMirror (showDir: string, feedUrl: string): Promise<MirrorResult | undefined> {
  const [goneAt = '', url = ''] = (await readFile(goneFile(showDir), 'utf8').catch(() => '')).split('\n')
  if (url !== feedUrl || !Date.parse(goneAt)) return undefined
  const existing = await loadShow(showDir).catch(() => undefined)
  return existing ? goneResult(showDir, feedUrl, existing.catalog, goneAt) : undefined
}

/**
 * Notes the 410 for an existing mirror of this feed and returns its result; undefined when
 * there is no such mirror (a first run of a gone feed is an error: nothing to keep).
 */
async function markGone (showDir: string, feedUrl: string, error: SeedcastError): Promise<MirrorResult | undefined> {
  const existing = await loadShow(showDir).catch(() => undefined)
  const of = existing?.config.mirrorOf
  // This feed's mirror: the URL given, or the one it moved to (the 410 names the URL answering).
  if (!existing || !of || (of !== feedUrl && !error.message.startsWith(`${of}: `))) return undefined
  const goneAt = new Date().toISOString()
  await mkdir(showPaths(showDir).stateDir, { recursive: true })
  await writeAtomic(goneFile(showDir), `${goneAt}\n${feedUrl}\n`)
  return goneResult(showDir, of, existing.catalog, goneAt)
}

function goneResult (showDir: string, feedUrl: string, catalog: Catalog, goneAt: string): MirrorResult {
  return { show: showDir, feedUrl, added: [], failed: [], notes: [], episodes: catalog.episodes.length, feeds: {}, goneAt }
}

/** Stopped (Ctrl-C): the episodes copied so far are in the mirror, with its feeds. */
function interrupted (cause?: unknown): SeedcastError {
  return new SeedcastError('interrupted', { code: 'EINTR', cause, hint: 'the episodes mirrored so far are in the show; run the same command again to continue' })
}

function mirrorConfig (feed: PodcastFeed, original: string, baseUrl: string, options: MirrorOptions, existing?: ShowConfig): ShowConfig {
  const ownerName = feed.owner?.name ?? options.ownerName ?? feed.author
  const ownerEmail = feed.owner?.email ?? options.ownerEmail
  if (!ownerEmail || !ownerName) throw new SeedcastError(`${original}: the feed names no owner e-mail, which the mirror's feed needs`, { code: 'EUSAGE', hint: 'give `ownerName` and `ownerEmail` (the mirror\'s operator)' })
  const note = `A peer-to-peer mirror of ${original}, made with seedcast: the episodes, their GUIDs and their original enclosures are the publisher's; the mirror adds BitTorrent sources.`
  const type = feed.showType === 'serial' || feed.showType === 'episodic' ? feed.showType : undefined
  // An HTML description (a CDATA block, as most hosts write it) as its words, as import does:
  // show.json's description is plain text, which the feeds would otherwise carry markup and all.
  const description = notesOfFeedText(feed.description)?.text ?? feed.description
  return {
    version: 1,
    title: feed.title || original,
    description: `${description?.trim() || feed.title}\n\n${note}`,
    author: feed.author ?? feed.title ?? ownerName,
    owner: { name: ownerName, email: ownerEmail },
    language: feed.language ?? 'en',
    category: feed.categories[0] ?? 'Society & Culture',
    explicit: feed.explicit ?? false,
    ...(existing?.image ? { image: existing.image } : {}),
    ...(feed.link ? { link: feed.link } : {}),
    baseUrl,
    license: feed.license?.id ?? feed.copyright ?? 'All rights reserved by the publisher',
    trackers: options.trackers ?? existing?.trackers ?? [],
    ...(type ? { type } : {}),
    // The mirror is another feed: its own podcast:guid, so indexes do not take it for the original.
    podcastGuid: podcastGuid(`${baseUrl}rss.xml`),
    locked: false,
    mirrorOf: original
  }
}

async function mirrorEpisode (showDir: string, episode: FeedEpisode, feed: PodcastFeed, config: ShowConfig, catalog: Catalog, work: string, options: MirrorOptions): Promise<Episode> {
  const taken = new Set(catalog.episodes.map(e => e.slug))
  let slug = ''
  for (const candidate of slugCandidates(slugify(`${episode.date ? episode.date.toISOString().slice(0, 10) : 'undated'} ${episode.title}`))) if (!taken.has(candidate)) { slug = candidate; break }
  const got = await fetchEpisode(episode, { library: work, feedSlug: 'episodes', episodeSlug: slug, trackers: [], dht: options.dht ?? true, maxEpisodeBytes: options.maxEpisodeBytes ?? 8 * 1024 ** 3, timeoutSeconds: options.timeoutSeconds ?? 60, signal: options.signal })
  const folder = join(work, 'episodes', slug)
  const torrentBytes = await readFile(join(folder, `${slug}.torrent`))
  const info = inspectTorrent(torrentBytes)
  if (info.name.includes('/') || catalog.episodes.some(e => e.mediaPath === `media/${info.name}`)) {
    throw new SeedcastError(`"${episode.title}": its torrent's file name ${info.name} is taken by another episode`, { code: 'ENAME' })
  }
  const root = showPaths(showDir)
  const mediaPath = `media/${info.name}`
  const torrentPath = `torrents/${slug}.torrent`
  const mediaUrl = new URL(mediaPath, config.baseUrl).href
  const originalUrl = episode.enclosure?.url ?? episode.media.http[0]
  // Both copies as web seeds; the feed's own trackers kept beside the mirror's.
  const retargeted = retargetTorrent(torrentBytes, {
    announce: [...new Set([...config.trackers, ...info.announce.flat()])].map(tracker => [tracker]),
    webSeeds: [...new Set([mediaUrl, ...(originalUrl ? [originalUrl] : []), ...info.webSeeds])]
  })
  const sha256 = await digestFile(join(folder, info.name), 'sha256')
  const duration = episode.duration || await mediaDuration(join(folder, info.name))
  // Notes another host wrote as HTML go through the allowlist, as import's do: the mirror's
  // feeds and pages republish them, and podcast apps render an episode's description as HTML.
  const description = episode.description?.trim()
  const notes = notesOfFeedText(description)
  await rename(join(folder, info.name), join(root.publicDir, mediaPath)).catch(err => { throw fileError(err, join(root.publicDir, mediaPath), 'move') })
  await writeAtomic(join(root.publicDir, torrentPath), retargeted)
  const positive = (n: number | undefined) => n !== undefined && Number.isInteger(n) && n > 0 ? n : undefined
  const season = positive(episode.season)
  const number = positive(episode.episode)
  return {
    slug,
    guid: episode.guid,
    title: episode.title,
    ...(notes ? { description: notes.text || episode.title, notesHtml: notes.html } : { description: description ?? '' }),
    pubDate: (episode.date ?? new Date()).toISOString(),
    ...(season ? { season } : {}),
    ...(number ? { episode: number } : {}),
    explicit: episode.explicit ?? feed.explicit ?? false,
    draft: false,
    duration,
    mimeType: episode.media.type ?? (mime.lookup(info.name) || 'application/octet-stream'),
    length: got.length,
    mediaPath,
    torrentPath,
    infoHash: info.infoHash,
    sha256,
    pieceLength: info.pieceLength,
    ...(originalUrl ? { originalUrl } : {})
  }
}

/**
 * The duration of a mirrored file the feed gave none for (itunes:duration is optional), so
 * the mirror's feeds and pages do not say 0 seconds; 0 still when the file cannot be read as
 * media (the mirror republishes the publisher's bytes as they are, playable or not).
 */
async function mediaDuration (path: string): Promise<number> {
  try {
    return (await probeMedia(path)).duration
  } catch (error) {
    if (error instanceof SeedcastError) return 0
    throw error
  }
}

/**
 * The feed's cover into public/, named cover.<ext> after what its bytes are (a JPEG or a
 * PNG); undefined when it cannot be had or is no such image (an HTML page served as the
 * cover is not published as cover.jpg). Streamed to a work file under a bound: a cover URL
 * that never ends must not fill the memory.
 */
async function copyCover (url: string, publicDir: string, stateDir: string): Promise<string | undefined> {
  const path = join(stateDir, 'mirror-cover')
  try {
    await mkdir(stateDir, { recursive: true })
    await rm(path, { force: true })
    await downloadHttp(url, path, { maxBytes: 10 * 1024 * 1024, idleTimeoutMs: 30_000 })
    const data = await readFile(path)
    const format = imageSize(data)?.format
    if (!format) return undefined
    const ext = format === 'png' ? 'png' : 'jpg'
    await writeAtomic(join(publicDir, `cover.${ext}`), data)
    return `cover.${ext}`
  } catch {
    return undefined
  } finally {
    await rm(path, { force: true })
  }
}
