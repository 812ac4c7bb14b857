import { readFile, rm } from 'node:fs/promises'
import { SeedcastError, fileError } from '../errors.js'
import { decodeFeed } from '../feed/read/decode-feed.js'
import { fetchFeed } from '../feed/read/fetch-feed.js'
import { feedAddress } from '../feed/read/feed-address.js'
import { readOpmlList, writeOpml, type OpmlFeed } from '../feed/read/opml.js'
import { readPodcastFeed } from '../feed/read/podcast-feed.js'
import { slugCandidates, slugify } from '../show/slug.js'
import { libraryPaths } from './library.js'
import { opmlFeeds } from './opml-includes.js'
import { findFeed, loadLibrary, updateLibrary, type FeedState } from './state.js'

export interface AddOptions {
  allowRedistribution?: boolean
  timeoutMs?: number
}

export interface AddedFeed {
  url: string
  slug: string
  title: string
  episodes: number
  license?: string
  /** False when the feed was already followed (nothing changed but the flag). */
  added: boolean
  /** The feed had answered 410 Gone and answers again: it is polled again. */
  revived?: boolean
}

/**
 * Follows a feed: fetches it once (so a wrong URL is refused now, not at the next run)
 * and names its folder after its title. Adding a feed already followed (under its URL
 * or an earlier one) changes nothing but the redistribution flag, except for a feed that
 * had answered 410 Gone: it answered now, so it is polled again (its episodes were kept).
 */
export async function followFeed (dir: string, given: string, options: AddOptions = {}): Promise<AddedFeed> {
  const url = feedAddress(given)
  const fetched = await fetchFeed(url, { timeoutMs: options.timeoutMs })
  if (fetched.notModified) throw new SeedcastError(`${url}: the server answered 304 to an unconditional request`, { code: 'EHTTP' })
  const feed = readPodcastFeed(fetched.xml, { url: fetched.url })
  const finalUrl = fetched.movedTo ?? url
  return updateLibrary(dir, state => {
    const known = findFeed(state, url) ?? findFeed(state, finalUrl)
    if (known) {
      if (options.allowRedistribution !== undefined) known.allowRedistribution = options.allowRedistribution
      const revived = known.goneAt !== undefined
      if (revived) {
        delete known.goneAt
        delete known.lastError
        delete known.nextCheckAt
        known.failures = 0
      }
      return { url: known.url, slug: known.slug, title: known.title ?? feed.title, episodes: feed.episodes.length, license: feed.license?.id, added: false, ...(revived ? { revived } : {}) }
    }
    const taken = new Set(state.feeds.map(f => f.slug))
    let slug = ''
    for (const candidate of slugCandidates(slugify(feed.title || new URL(finalUrl).hostname))) if (!taken.has(candidate)) { slug = candidate; break }
    const entry: FeedState = {
      url: finalUrl,
      previousUrls: finalUrl !== url ? [url] : [],
      slug,
      title: feed.title,
      addedAt: new Date().toISOString(),
      failures: 0,
      episodes: {},
      ...(feed.license ? { license: feed.license.id } : {}),
      ...(options.allowRedistribution ? { allowRedistribution: true } : {})
    }
    state.feeds.push(entry)
    return { url: finalUrl, slug, title: feed.title, episodes: feed.episodes.length, license: feed.license?.id, added: true }
  })
}

/**
 * Stops following a feed (by URL, earlier URL or folder name) and deletes its folder:
 * a running `follow run` stops seeding its episodes at its next pass.
 */
export async function unfollowFeed (dir: string, key: string, options: { keepFiles?: boolean } = {}): Promise<{ url: string, slug: string, deleted: boolean }> {
  const removed = await updateLibrary(dir, state => {
    const feed = findFeed(state, key)
    if (!feed) throw new SeedcastError(`not following ${key}`, { code: 'ENOTFOLLOWED', hint: 'see `seedcast follow list` for the feeds and their folder names' })
    state.feeds = state.feeds.filter(f => f !== feed)
    return feed
  })
  if (!options.keepFiles) {
    const folder = libraryPaths(dir).feedDir(removed.slug)
    await rm(folder, { recursive: true, force: true }).catch(err => { throw fileError(err, folder, 'delete') })
  }
  return { url: removed.url, slug: removed.slug, deleted: !options.keepFiles }
}

export interface FollowedFeed {
  url: string
  slug: string
  title?: string
  license?: string
  allowRedistribution: boolean
  episodes: number
  bytes: number
  failed: number
  checkedAt?: string
  nextCheckAt?: string
  lastError?: string
  /** When the host answered 410 Gone (no longer polled). */
  goneAt?: string
}

export async function listFollowed (dir: string): Promise<FollowedFeed[]> {
  const state = await loadLibrary(dir)
  return state.feeds.map(feed => {
    const episodes = Object.values(feed.episodes)
    const held = episodes.filter(episode => episode.status === 'downloaded')
    return {
      url: feed.url,
      slug: feed.slug,
      title: feed.title,
      license: feed.license,
      allowRedistribution: feed.allowRedistribution === true,
      episodes: held.length,
      bytes: held.reduce((sum, episode) => sum + (episode.length ?? 0), 0),
      failed: episodes.filter(episode => episode.status === 'failed').length,
      checkedAt: feed.checkedAt,
      nextCheckAt: feed.nextCheckAt,
      lastError: feed.lastError,
      ...(feed.goneAt ? { goneAt: feed.goneAt } : {})
    }
  })
}

/** One feed of an import: where it is followed (whether newly is said by the list it is in). */
export type ImportedFeed = Omit<AddedFeed, 'added'>

export interface ImportResult {
  /** Feeds followed by this import. */
  added: ImportedFeed[]
  /** Feeds the library followed already (left as they were, but for a revived 410). */
  alreadyFollowed: ImportedFeed[]
  failed: Array<{ url: string, message: string }>
}

/** Follows every feed of an OPML file; a feed that cannot be fetched is reported, not fatal. */
export async function importOpml (dir: string, file: string, options: AddOptions = {}): Promise<ImportResult> {
  let bytes: Buffer
  try {
    bytes = await readFile(file)
  } catch (err) {
    throw fileError(err, file)
  }
  // The lists it includes (OPML 2.0 type="include") are read too: their feeds are followed,
  // a list that cannot be had is reported as a feed that cannot be.
  const { feeds, failed } = await opmlFeeds(readOpmlList(decodeFeed(bytes, file), file), { timeoutMs: options.timeoutMs })
  // Two lists, not one with an `added` flag per feed: a second import of the same file said
  // `"added": [{…, "added": false}]`, feeds under "added" that were not added.
  const result: ImportResult = { added: [], alreadyFollowed: [], failed: [...failed] }
  for (const feed of feeds) {
    try {
      const { added, ...followed } = await followFeed(dir, feed.url, options)
      result[added ? 'added' : 'alreadyFollowed'].push(followed)
    } catch (err) {
      if (!(err instanceof SeedcastError)) throw err
      result.failed.push({ url: feed.url, message: err.message })
    }
  }
  return result
}

export async function exportOpml (dir: string): Promise<string> {
  const state = await loadLibrary(dir)
  return writeOpml(state.feeds.map((feed): OpmlFeed => feed.title ? { url: feed.url, title: feed.title } : { url: feed.url }))
}
