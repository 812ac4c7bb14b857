// `episodes list` gives the catalog in the feeds' order (publishedEpisodes): newest first by
// time, whatever offset a date was written with, ties by season, episode number, then slug;
// never by the dates' text nor by the catalog's order.
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { publishedEpisodes } from '../../src/feed/published.ts'
import { listEpisodes } from '../../src/show/episodes.ts'
import { tempDir } from '../helpers/tmp.ts'
import { sampleEpisode, sampleShow } from '../integration/feed-lint-show.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

describe('episodes list order', () => {
  it('is the feeds\' order: by time across offsets, then season, episode number and slug', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    await mkdir(join(tmp.path, 'public'))
    const show = sampleShow()
    const sameDay = '2025-12-01T06:00:00.000Z'
    const episodes = [
      // 08:00 UTC written with an offset: its text sorts after 09:00Z, its time before.
      sampleEpisode(1, { slug: 'offset', pubDate: '2026-01-01T10:00:00+02:00' }),
      sampleEpisode(2, { slug: 'utc', pubDate: '2026-01-01T09:00:00.000Z' }),
      // Same date: the higher episode number first, though it comes later in the catalog.
      sampleEpisode(3, { slug: 'first-number', pubDate: sameDay, season: 1, episode: 1 }),
      sampleEpisode(4, { slug: 'second-number', pubDate: sameDay, season: 1, episode: 2 }),
      // Same date, no numbers: by slug.
      sampleEpisode(5, { slug: 'b-bonus', pubDate: '2025-11-01T06:00:00.000Z', season: undefined, episode: undefined }),
      sampleEpisode(6, { slug: 'a-bonus', pubDate: '2025-11-01T06:00:00.000Z', season: undefined, episode: undefined })
    ].map(episode => JSON.parse(JSON.stringify(episode)) as typeof episode)
    await writeFile(join(tmp.path, 'show.json'), JSON.stringify(show))
    await writeFile(join(tmp.path, 'episodes.json'), JSON.stringify({ version: 1, episodes }, null, 2))
    const listed = (await listEpisodes(tmp.path)).episodes.map(episode => episode.slug)
    expect(listed).toEqual(['utc', 'offset', 'second-number', 'first-number', 'a-bonus', 'b-bonus'])
    expect(listed).toEqual(publishedEpisodes(show, episodes, new Date('2027-01-01T00:00:00Z')).map(published => published.episode.slug))
  })
})
