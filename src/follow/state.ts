import { mkdir, readFile } from 'node:fs/promises'
import lockfile from 'proper-lockfile'
import * as z from '../model/zod.js'
import { SeedcastError, fileError } from '../errors.js'
import { writeJsonAtomic } from '../atomic.js'
import { libraryPaths } from './library.js'

const episodeState = z.object({
  /** Folder name under the feed's folder. */
  slug: z.string(),
  title: z.string(),
  date: z.optional(z.string()),
  /** downloaded: in the library; dropped: fell out of retention (never fetched again); failed: will be retried. */
  status: z.enum(['downloaded', 'dropped', 'failed']),
  source: z.optional(z.enum(['torrent', 'magnet', 'http'])),
  infoHash: z.optional(z.string()),
  /** Torrent name = the media file (or folder) inside the episode folder. */
  name: z.optional(z.string()),
  length: z.optional(z.number()),
  /** Whether this episode may be seeded (a published torrent, or a license that allows it). */
  seed: z.optional(z.boolean()),
  error: z.optional(z.string()),
  attempts: z.optional(z.number()),
  downloadedAt: z.optional(z.string())
})

const feedState = z.object({
  /** The URL polled now (after permanent redirects and itunes:new-feed-url). */
  url: z.string(),
  /** URLs this feed had before, oldest first: `follow remove` and `add` recognise them. */
  previousUrls: z._default(z.array(z.string()), []),
  slug: z.string(),
  title: z.optional(z.string()),
  addedAt: z.string(),
  /** The user allows seeding this feed's HTTP episodes whatever its license says. */
  allowRedistribution: z.optional(z.boolean()),
  license: z.optional(z.string()),
  etag: z.optional(z.string()),
  lastModified: z.optional(z.string()),
  checkedAt: z.optional(z.string()),
  nextCheckAt: z.optional(z.string()),
  /** Wait between polls the feed asked for in its last full answer (kept while it answers 304). */
  intervalMs: z.optional(z.number()),
  /** Consecutive failed polls (backoff doubles with each). */
  failures: z._default(z.number(), 0),
  lastError: z.optional(z.string()),
  /** Until when the host asked not to be polled (Retry-After of a 429 or 503): even `--once` waits. */
  retryAfter: z.optional(z.string()),
  /**
   * When the host answered 410 Gone: the feed is no longer polled (410 is permanent), its
   * episodes are kept and seeded; `follow add` of its URL follows it again.
   */
  goneAt: z.optional(z.string()),
  /** By episode GUID. */
  episodes: z._default(z.record(z.string(), episodeState), {})
})

const libraryState = z.object({
  version: z.literal(1),
  feeds: z.array(feedState)
})

export type EpisodeState = z.infer<typeof episodeState>
export type FeedState = z.infer<typeof feedState>
export type LibraryState = z.infer<typeof libraryState>

/** The state file, or an empty library when there is none yet. */
export async function loadLibrary (dir: string): Promise<LibraryState> {
  const { stateFile } = libraryPaths(dir)
  let text: string
  try {
    text = await readFile(stateFile, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, feeds: [] }
    throw fileError(err, stateFile)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new SeedcastError(`${stateFile}: not valid JSON (${(err as Error).message})`, { code: 'EBADSTATE', hint: 'restore it from a backup, or move it away to start an empty library' })
  }
  const parsed = libraryState.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new SeedcastError(`${stateFile}: ${issue.path.join('.') || 'file'}: ${issue.message}`, { code: 'EBADSTATE', hint: 'restore it from a backup, or move it away to start an empty library' })
  }
  return parsed.data
}

/** A lock not refreshed for this long belongs to a killed process and is taken over. */
const STALE_MS = 5_000

/**
 * Reads the state, lets `change` modify it, and writes it back atomically (temp file +
 * rename), all under the library's lock so `follow add` during a `follow run` loses
 * nothing. Hold it only for the read-modify-write: downloads happen outside.
 */
export async function updateLibrary<T> (dir: string, change: (state: LibraryState) => T | Promise<T>): Promise<T> {
  const paths = libraryPaths(dir)
  await mkdir(dir, { recursive: true }).catch(err => { throw fileError(err, dir, 'create') })
  let release: () => Promise<void>
  try {
    release = await lockfile.lock(dir, {
      lockfilePath: paths.lockFile,
      realpath: false,
      stale: STALE_MS,
      update: 1_000,
      retries: { retries: 80, factor: 1.3, minTimeout: 10, maxTimeout: 400, randomize: true }
    })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOCKED') throw new SeedcastError(`${dir}: the library is busy (locked by another seedcast process)`, { code: 'ELOCKED', hint: 'try again in a moment' })
    throw fileError(err, paths.lockFile, 'lock')
  }
  try {
    const state = await loadLibrary(dir)
    const result = await change(state)
    await writeJsonAtomic(paths.stateFile, state)
    return result
  } finally {
    await release().catch(() => {})
  }
}

/** The feed followed at `url` (now or under an earlier URL), by URL or by folder name. */
export function findFeed (state: LibraryState, key: string): FeedState | undefined {
  return state.feeds.find(feed => feed.url === key || feed.previousUrls.includes(key) || feed.slug === key)
}
