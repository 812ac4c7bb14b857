import { readFile, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { SeedcastError } from '../errors.js'
import { allowsRedistribution } from '../feed/read/redistribution.js'
import type { FeedEpisode, PodcastFeed } from '../feed/read/types.js'
import { slugCandidates, slugify } from '../show/slug.js'
import { inspectTorrent } from '../torrent/inspect.js'
import { fetchEpisode } from './episode-fetch.js'
import type { EpisodeFailure, FeedFailure, FollowEvent } from './events.js'
import { libraryPaths } from './library.js'
import { pollFeed } from './poll.js'
import { episodesToDrop, type RetentionRules } from './retention.js'
import { FeedStateBatch } from './state-batch.js'
import { loadLibrary, updateLibrary, type EpisodeState, type FeedState } from './state.js'

export interface PassOptions extends RetentionRules {
  dir: string
  /** Poll every feed now, whatever its next poll time (`--once`, `follow run` at start). */
  all?: boolean
  /** Seed HTTP-only episodes whatever the license says. */
  allowRedistribution?: boolean
  trackers?: string[]
  dht?: boolean
  maxEpisodeBytes?: number
  timeoutSeconds?: number
  /** Episodes downloaded at the same time across all feeds; default 4. */
  downloads?: number
  /** Feeds polled at the same time; default 8. */
  polls?: number
  /** Failed attempts after which an episode is left alone; default 5. */
  maxAttempts?: number
  minIntervalMs?: number
  signal?: AbortSignal
  onEvent?: (event: FollowEvent) => void
  /** Called as soon as an episode that may be seeded is in the library (follow run seeds it at once). */
  onSeedable?: (torrent: { infoHash: string, torrentPath: string }) => void
}

export interface PassResult {
  feeds: number
  requests: number
  feedBytes: number
  receivedBytes: number
  /** Episodes now in the library that may be seeded: their .torrent paths. */
  added: Array<{ infoHash: string, torrentPath: string, seed: boolean }>
  failed: number
  /** The episodes that failed and why (`failed` of them). */
  failures: EpisodeFailure[]
  /** The feeds whose poll failed (not found, gone, refused, not a feed…). */
  feedErrors: FeedFailure[]
  /** Infohashes of episodes deleted by retention (stop seeding them). */
  dropped: string[]
}

/**
 * One pass over the library: polls the feeds that are due (all with `all`), downloads
 * their new episodes (newest first, at most `keep` per feed), applies retention, and
 * records everything in the state file. Feeds' results are written in batches (see
 * state-batch.ts) as their episodes are done; an episode whose files are complete on disk
 * but missing from the state (a kill -9 between the two) is adopted without downloading
 * or hashing again.
 */
export async function followPass (options: PassOptions): Promise<PassResult> {
  const emit = options.onEvent ?? (() => {})
  const result: PassResult = { feeds: 0, requests: 0, feedBytes: 0, receivedBytes: 0, added: [], failed: 0, failures: [], feedErrors: [], dropped: [] }
  const state = await loadLibrary(options.dir)
  const now = Date.now()
  // A feed whose host answered 410 Gone is not polled again, not even by --once (see poll.ts).
  const due = state.feeds.filter(feed => !feed.goneAt && (options.all || !feed.nextCheckAt || Date.parse(feed.nextCheckAt) <= now))
  const downloads = limiter(options.downloads ?? 4)
  const batch = new FeedStateBatch(options.dir)

  // What was polled is written even when the pass fails half-way (a disk error, a bug).
  const polling = forEachLimit(due, options.polls ?? 8, async feed => {
    if (options.signal?.aborted) return
    // The host asked to be left alone until then (Retry-After of a 429 or 503): not even
    // --once asks before, or the host may block this address altogether.
    if (feed.retryAfter && Date.parse(feed.retryAfter) > now) {
      emit({ event: 'poll', feed: feed.slug, url: feed.url, status: 'deferred', message: `the host asked not to be polled before ${feed.retryAfter} (Retry-After); not polled` })
      return
    }
    // Two followed feeds at one address (a permanent redirect or itunes:new-feed-url took
    // one to the other's): one of them is left alone, or every new episode would be
    // downloaded and seeded twice.
    const kept = duplicateOf(state.feeds, feed)
    if (kept) {
      emit({ event: 'poll', feed: feed.slug, url: feed.url, status: 'duplicate', message: duplicateMessage(feed, kept) })
      return
    }
    result.feeds++
    // An episode that failed and will be tried again needs the feed's items: a 304 would
    // leave it failed until the feed changes, for good on a feed that rarely does.
    const retrying = Object.values(feed.episodes).some(episode => episode.status === 'failed' && (episode.attempts ?? 0) < (options.maxAttempts ?? 5))
    const polled = await pollFeed(feed, { minIntervalMs: options.minIntervalMs, unconditional: retrying })
    result.requests += polled.requests
    result.feedBytes += polled.bytes
    for (const move of polled.moved) {
      const [from, to] = move.split(' → ')
      emit({ event: 'moved', feed: feed.slug, from: from!, to: to!.replace(/ \(.*\)$/, ''), why: /\((.*)\)$/.exec(move)?.[1] ?? '' })
    }
    // Moved just now onto a feed already followed: its episodes are that feed's.
    const movedOnto = polled.moved.length ? duplicateOf(state.feeds, feed) : undefined
    if (polled.gone) {
      // Said once, here: later passes skip the feed. Not a failure of the pass (nothing is
      // left for the next run), so `--once` in cron does not exit 1 for it every time.
      const held = Object.values(feed.episodes).filter(episode => episode.status === 'downloaded').length
      emit({ event: 'poll', feed: feed.slug, url: feed.url, status: 'gone', message: `${polled.error!.message}: no longer polled; its ${held} episode(s) are kept${held ? ' and seeded' : ''} (\`seedcast follow add ${feed.url}\` follows it again, \`seedcast follow remove ${feed.slug}\` deletes them)` })
    } else if (polled.error) {
      result.feedErrors.push({ feed: feed.slug, url: feed.url, message: polled.error.message })
      emit({ event: 'poll', feed: feed.slug, url: feed.url, status: 'error', message: polled.error.message })
    } else if (!polled.feed) {
      emit({ event: 'poll', feed: feed.slug, url: feed.url, status: 'not-modified' })
    } else if (movedOnto) {
      emit({ event: 'poll', feed: feed.slug, url: feed.url, status: 'duplicate', message: duplicateMessage(feed, movedOnto) })
    } else {
      emit({ event: 'poll', feed: feed.slug, url: feed.url, status: 'updated', episodes: polled.feed.episodes.length })
      for (const message of polled.feed.skipped) emit({ event: 'skipped', feed: feed.slug, message })
      const wanted = wantedEpisodes(feed, polled.feed, options)
      await Promise.all(wanted.map(episode => downloads(() => getOne(feed, polled.feed!, episode, options, result, emit))))
    }
    batch.put(feed)
  })
  await polling.finally(() => batch.flush())

  await applyRetention(options, result, emit)
  emit({ event: 'pass', feeds: result.feeds, requests: result.requests, feedBytes: result.feedBytes, downloaded: result.added.length, failed: result.failed, dropped: result.dropped.length, receivedBytes: result.receivedBytes, failures: result.failures, feedErrors: result.feedErrors })
  return result
}

/**
 * Of the followed feeds at `feed`'s address, the one kept when it is not `feed`: the one
 * followed at that address itself (never moved) before one that moved there, then the
 * first in the library. Stable from the pass that made them one, so one feed gets the
 * new episodes, always the same.
 */
function duplicateOf (feeds: FeedState[], feed: FeedState): FeedState | undefined {
  const same = feeds.filter(other => other.url === feed.url)
  if (same.length < 2) return undefined
  const kept = same.find(other => other.previousUrls.length === 0) ?? same[0]!
  return kept === feed ? undefined : kept
}

function duplicateMessage (feed: FeedState, kept: FeedState): string {
  return `now the same feed as ${kept.slug} (both at ${feed.url}): left alone so that nothing is downloaded twice; \`seedcast follow remove ${feed.slug}\` removes it and its files`
}

/** The newest `keep` episodes the library does not hold yet (nor dropped, nor given up on). */
function wantedEpisodes (feed: FeedState, podcast: PodcastFeed, options: PassOptions): FeedEpisode[] {
  const newest = options.keep > 0 ? podcast.episodes.slice(0, options.keep) : podcast.episodes
  return newest.filter(episode => {
    const known = feed.episodes[episode.guid]
    if (!known) return true
    return known.status === 'failed' && (known.attempts ?? 0) < (options.maxAttempts ?? 5)
  })
}

async function getOne (feed: FeedState, podcast: PodcastFeed, episode: FeedEpisode, options: PassOptions, result: PassResult, emit: (event: FollowEvent) => void): Promise<void> {
  if (options.signal?.aborted) return
  const previous = feed.episodes[episode.guid]
  const slug = previous?.slug ?? episodeSlug(feed, episode)
  const base: EpisodeState = { slug, title: episode.title, ...(episode.date ? { date: episode.date.toISOString() } : {}), status: 'failed' }
  const paths = libraryPaths(options.dir)
  const seedHttp = options.allowRedistribution === true || feed.allowRedistribution === true || allowsRedistribution(podcast.license)
  try {
    const got = await adopt(options.dir, feed.slug, slug, episode) ?? await fetchEpisode(episode, {
      library: options.dir,
      feedSlug: feed.slug,
      episodeSlug: slug,
      trackers: options.trackers ?? [],
      dht: options.dht ?? true,
      maxEpisodeBytes: options.maxEpisodeBytes ?? 8 * 1024 ** 3,
      timeoutSeconds: options.timeoutSeconds ?? 60,
      signal: options.signal
    })
    const seed = got.source === 'torrent' || seedHttp
    feed.episodes[episode.guid] = { ...base, status: 'downloaded', source: got.source, infoHash: got.infoHash, name: got.name, length: got.length, seed, downloadedAt: new Date().toISOString() }
    result.receivedBytes += got.received
    const torrentPath = paths.torrentFile(feed.slug, slug)
    result.added.push({ infoHash: got.infoHash, torrentPath, seed })
    if (seed) options.onSeedable?.({ infoHash: got.infoHash, torrentPath })
    emit({ event: 'episode', feed: feed.slug, guid: episode.guid, title: episode.title, action: 'downloaded', source: got.source, infoHash: got.infoHash, path: join(paths.episodeDir(feed.slug, slug), got.name), length: got.length, seed })
  } catch (err) {
    if (!(err instanceof SeedcastError)) throw err
    // Stopped (SIGTERM, Ctrl-C) mid-download: not the episode's failure. Counted as one, a
    // seed box restarted a few times during a long download gave the episode up for good
    // (maxAttempts). Still recorded as to be tried again (so the next poll asks for the
    // feed whole, not a 304), with its attempts as they were; what came is kept.
    if (options.signal?.aborted) {
      feed.episodes[episode.guid] = { ...base, error: 'stopped before the download was complete; continued at the next run', ...(previous?.attempts ? { attempts: previous.attempts } : {}) }
      // Due at once: a restart polls only the feeds due (run.ts), and this one has a download to finish.
      delete feed.nextCheckAt
      return
    }
    result.failed++
    result.failures.push({ feed: feed.slug, guid: episode.guid, title: episode.title, code: err.code, message: err.message })
    feed.episodes[episode.guid] = { ...base, error: err.message, attempts: (previous?.attempts ?? 0) + 1 }
    emit({ event: 'episode', feed: feed.slug, guid: episode.guid, title: episode.title, action: 'failed', message: err.message, code: err.code })
  }
}

/** A folder name unique in the feed: date and title, e.g. `2026-09-01-the-first-one`. */
function episodeSlug (feed: FeedState, episode: FeedEpisode): string {
  const taken = new Set(Object.values(feed.episodes).map(known => known.slug))
  const base = slugify(`${episode.date ? episode.date.toISOString().slice(0, 10) : 'undated'} ${episode.title}`)
  for (const candidate of slugCandidates(base)) if (!taken.has(candidate)) return candidate
  throw new Error('unreachable')
}

/**
 * An episode whose .torrent and complete media are already in its folder (the process was
 * killed before it wrote the state) is taken as it is: its size is checked, not its hash —
 * the torrent was written only after the data was verified.
 */
async function adopt (dir: string, feedSlug: string, slug: string, episode: FeedEpisode) {
  const paths = libraryPaths(dir)
  let info
  try {
    info = inspectTorrent(await readFile(paths.torrentFile(feedSlug, slug)))
  } catch {
    return undefined
  }
  try {
    const file = await stat(join(paths.episodeDir(feedSlug, slug), info.name))
    if (!file.isFile() || file.size !== info.length) return undefined
  } catch {
    return undefined
  }
  const source: 'torrent' | 'http' = episode.media.torrents.length || episode.media.magnets.length ? 'torrent' : 'http'
  return { source, infoHash: info.infoHash, name: info.name, length: info.length, received: 0 }
}

async function applyRetention (options: PassOptions, result: PassResult, emit: (event: FollowEvent) => void): Promise<void> {
  if (options.keep <= 0 && options.maxBytes <= 0) return
  const removed: Array<{ feed: string, guid: string, title: string, dir: string, infoHash?: string }> = []
  await updateLibrary(options.dir, state => {
    for (const { feedSlug, guid } of episodesToDrop(state, options)) {
      const feed = state.feeds.find(f => f.slug === feedSlug)!
      const episode = feed.episodes[guid]!
      removed.push({ feed: feedSlug, guid, title: episode.title, dir: libraryPaths(options.dir).episodeDir(feedSlug, episode.slug), infoHash: episode.infoHash })
      feed.episodes[guid] = { slug: episode.slug, title: episode.title, ...(episode.date ? { date: episode.date } : {}), status: 'dropped', ...(episode.infoHash ? { infoHash: episode.infoHash } : {}) }
    }
  })
  // Recorded as dropped first, deleted second: a crash between leaves files nobody
  // seeds, never state pointing at deleted files.
  for (const episode of removed) {
    await rm(episode.dir, { recursive: true, force: true })
    if (episode.infoHash) result.dropped.push(episode.infoHash)
    emit({ event: 'episode', feed: episode.feed, guid: episode.guid, title: episode.title, action: 'dropped', ...(episode.infoHash ? { infoHash: episode.infoHash } : {}) })
  }
  result.added = result.added.filter(added => !result.dropped.includes(added.infoHash))
}

/** Every seedable episode the library holds: what `follow run` seeds. */
export async function seedableTorrents (dir: string): Promise<Array<{ infoHash: string, torrentPath: string }>> {
  const state = await loadLibrary(dir)
  const paths = libraryPaths(dir)
  return state.feeds.flatMap(feed => Object.values(feed.episodes)
    .filter(episode => episode.status === 'downloaded' && episode.seed && episode.infoHash)
    .map(episode => ({ infoHash: episode.infoHash!, torrentPath: paths.torrentFile(feed.slug, episode.slug) })))
}


function limiter (max: number) {
  let active = 0
  const queue: Array<() => void> = []
  return async <T>(run: () => Promise<T>): Promise<T> => {
    if (active >= max) await new Promise<void>(resolve => queue.push(resolve))
    active++
    try {
      return await run()
    } finally {
      active--
      queue.shift()?.()
    }
  }
}

async function forEachLimit<T> (items: T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await run(items[next++]!)
  }))
}
