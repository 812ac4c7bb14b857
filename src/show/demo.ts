import { access } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { SELF_TRACKER } from '../feed/trackers.js'
import { initShow, removeShowFolder } from './init.js'
import { readShowConfig } from './load.js'
import { showPaths } from '../model/paths.js'
import { publish, type PublishResult } from './publish.js'
import type { ShowConfig } from '../model/show.js'
import { normaliseBaseUrl } from './validate.js'

export const DEMO_BASE_URL = 'http://localhost:8080/'

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
  const existing = await readShowConfig(paths).catch(() => undefined)
  // A demo made before it named its own tracker is rebuilt too (the torrents would lack it).
  const rebuild = options.force === true || !existing || existing.baseUrl !== baseUrl || !existing.trackers.includes(SELF_TRACKER)
  if (rebuild && await access(paths.showFile).then(() => true, () => false)) await removeShowFolder(paths)
  if (rebuild) {
    await initShow(dir, {
      title: 'seedcast demo podcast',
      description: 'A demo show made by `seedcast demo` from the fixtures: two short spoken episodes and a video, published peer to peer.',
      author: 'The seedcast team',
      ownerName: 'The seedcast team',
      ownerEmail: 'demo@example.org',
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
