import { access, readdir, rm } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { SeedcastError, fileError } from '../errors.js'
import { SELF_TRACKER } from '../feed/trackers.js'
import { initShow, leftByCutInit } from './init.js'
import { readShowConfig } from './load.js'
import { showPaths, type ShowPaths } from '../model/paths.js'
import { publish, type PublishResult } from './publish.js'
import type { ShowConfig } from '../model/show.js'
import { normaliseBaseUrl } from './validate.js'

export const DEMO_BASE_URL = 'http://localhost:8080/'

// How a demo show is told from the podcaster's own: the owner and author it is made with.
const DEMO_OWNER_EMAIL = 'demo@example.org'
const DEMO_AUTHOR = 'The seedcast team'
const NEVER_DELETES = 'the demo only replaces a demo show it made'
/** The entries of a show folder (showPaths): all that removeDemoShow deletes. */
const SHOW_ENTRIES = new Set(['show.json', 'episodes.json', 'public', '.seedcast'])

export interface DemoOptions {
  /** Show folder to make; `.demo/show` by the CLI. */
  dir: string
  /** Folder with cover.jpg, episode.mp3, episode-2.mp3 and video.mp4 (the repository's fixtures/). */
  fixturesDir: string
  baseUrl?: string
  /** Delete an existing demo show first. */
  force?: boolean
}

export interface DemoResult { dir: string, created: boolean, show: ShowConfig, episodes: PublishResult[], feeds: Record<string, string> }

/**
 * Builds (or brings up to date) a demo show from the fixtures: a show with the fixture
 * cover, then the two speech episodes and the video. Idempotent: an existing demo show
 * with the same base URL is reused (the episodes are found as duplicates); one with another
 * base URL, or any with --force, is rebuilt.
 */
export async function buildDemoShow (options: DemoOptions): Promise<DemoResult> {
  const dir = resolve(options.dir)
  const paths = showPaths(dir)
  const baseUrl = normaliseBaseUrl(options.baseUrl ?? DEMO_BASE_URL)
  const existing = await existingDemoShow(dir, paths)
  // A demo made before it named its own tracker is rebuilt too (the torrents would lack it).
  const rebuild = options.force === true || !existing || existing.baseUrl !== baseUrl || !existing.trackers.includes(SELF_TRACKER)
  if (rebuild && existing) await removeDemoShow(paths)
  if (rebuild) {
    await initShow(dir, {
      title: 'seedcast demo podcast',
      description: 'A demo show made by `seedcast demo` from the fixtures: two short spoken episodes and a video, published peer to peer.',
      author: DEMO_AUTHOR,
      ownerName: DEMO_AUTHOR,
      ownerEmail: DEMO_OWNER_EMAIL,
      language: 'en',
      category: 'Technology',
      image: join(options.fixturesDir, 'cover.jpg'),
      link: baseUrl,
      baseUrl,
      // The tracker `seedcast serve` runs at the base URL: aria2c and browsers find the seeder.
      trackers: [SELF_TRACKER],
      funding: { url: new URL('support', baseUrl).href, title: 'Support seedcast' }
    })
  }
  const episodes: PublishResult[] = []
  const dates = ['2026-11-01T09:00:00Z', '2026-11-08T09:00:00Z', '2026-11-15T09:00:00Z']
  const files = ['episode.mp3', 'episode-2.mp3', 'video.mp4']
  for (const [index, file] of files.entries()) {
    episodes.push(await publish(dir, join(options.fixturesDir, file), { date: dates[index], episode: index + 1, season: 1 }))
  }
  const show = await readShowConfig(paths)
  const feeds = episodes[episodes.length - 1]!.feeds
  return { dir, created: rebuild, show, episodes, feeds }
}

/**
 * The demo show already in `dir`, if any. Anything else there is refused, --force or not:
 * `demo --dir` once deleted whatever show it was pointed at (a podcaster's own, media and
 * all, when its base URL differed), a show whose show.json had a typo, and with --force every
 * file of a folder it had once been built into.
 */
async function existingDemoShow (dir: string, paths: ShowPaths): Promise<ShowConfig | undefined> {
  if (await access(paths.showFile).then(() => true, () => false)) {
    const config = await readShowConfig(paths).catch((error: unknown) => {
      throw new SeedcastError(`${dir} holds a show.json that cannot be read; not replaced by the demo`, { code: 'EEXIST', cause: error, hint: `choose another \`dir\`: ${NEVER_DELETES}` })
    })
    if (config.owner.email !== DEMO_OWNER_EMAIL || config.author !== DEMO_AUTHOR) {
      throw new SeedcastError(`${dir} holds the show "${config.title}", not seedcast's demo; not replaced`, { code: 'EEXIST', hint: `choose another \`dir\`: ${NEVER_DELETES}` })
    }
    return config
  }
  const entries: string[] = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return []
    throw fileError(error, dir, 'read')
  })
  // A first `npm start` stopped before show.json was written is built again (nothing beside
  // a show folder's own entries).
  if (entries.every(entry => SHOW_ENTRIES.has(entry)) && await leftByCutInit(paths)) {
    await removeDemoShow(paths)
    return undefined
  }
  if (entries.length > 0) {
    throw new SeedcastError(`${dir} already holds files and no show; the demo is not built there`, { code: 'EEXIST', hint: 'choose a new or empty `dir`' })
  }
  return undefined
}

/** Removes what a show folder is made of, and nothing else that someone put beside it. */
async function removeDemoShow (paths: ShowPaths): Promise<void> {
  for (const path of [paths.showFile, paths.catalogFile, paths.publicDir, paths.stateDir]) {
    await rm(path, { recursive: true, force: true }).catch(error => { throw fileError(error, path, 'remove') })
  }
}
