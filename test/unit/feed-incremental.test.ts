import { mkdir, open, readFile, rm, stat, writeFile, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeAtomicParts } from '../../src/atomic.ts'
import { FEED_NAMES, renderFeeds, renderFeedsReusing, type FeedName } from '../../src/feed/render.ts'
import { buildFeeds } from '../../src/show/feeds.ts'
import type { Episode } from '../../src/model/show.ts'
import { tempDir } from '../helpers/tmp.ts'
import { sampleEpisode, sampleShow } from '../integration/feed-lint-show.ts'

// An incremental build copies unchanged items out of the previous feeds. Whatever changed
// in between, its output must be byte-identical to a full render, and it must render
// exactly the items that changed.
const show = sampleShow()
const catalog: Episode[] = Array.from({ length: 40 }, (_, i) => sampleEpisode(i + 1, {
  title: i % 3 === 0 ? `Episode ${i + 1}: "quotes" & <tags> ünïcödé 🎙` : `Episode ${i + 1}`,
  imagePath: i % 4 === 0 ? `images/episode-${i + 1}.jpg` : undefined,
  chaptersPath: i % 5 === 0 ? undefined : `chapters/episode-${i + 1}.json`,
  draft: i === 7
}))

function build (episodes: Episode[], previous?: ReturnType<typeof renderFeedsReusing>, config = show) {
  return renderFeedsReusing(config, episodes, previous && { feeds: previous.feeds, index: previous.index })
}

/** renderFeeds (strings, rendered whole by separate code) as the bytes of the files. */
function fullBuild (config: typeof show, episodes: Episode[]) {
  return Object.fromEntries(Object.entries(renderFeeds(config, episodes)).map(([name, text]) => [name, Buffer.from(text)]))
}

describe('incremental feed builds', () => {
  const first = build(catalog)

  it('renders everything without a previous build, exactly as renderFeeds does', () => {
    expect(first.feeds).toEqual(fullBuild(show, catalog))
    expect(first.rendered).toBe(39) // one draft left out
    expect(first.reused).toBe(0)
  })

  it('re-renders nothing when nothing changed', () => {
    const again = build(catalog, first)
    expect(again.feeds).toEqual(first.feeds)
    expect(again.rendered).toBe(0)
    expect(again.reused).toBe(39)
  })

  it('after a publish, renders the new episode only and equals a full build', () => {
    const published = [...catalog, sampleEpisode(41, { title: 'Brand new', pubDate: '2026-06-01T00:00:00.000Z' })]
    const next = build(published, first)
    expect(next.feeds).toEqual(fullBuild(show, published))
    expect(next.rendered).toBe(1)
    expect(next.reused).toBe(39)
    // The copied items sat together in the previous file: one part (head, new item, [separator,] back catalogue, tail).
    for (const parts of Object.values(next.parts)) expect(parts.length).toBeLessThanOrEqual(5)
  })

  it('after an edit, a removal and a draft published, renders just those and equals a full build', () => {
    const changed = catalog
      .filter(episode => episode.slug !== 'episode-12')
      .map(episode => episode.slug === 'episode-3' ? { ...episode, title: 'Renamed & retitled' } : episode)
      .map(episode => episode.slug === 'episode-8' ? { ...episode, draft: false } : episode)
    const next = build(changed, first)
    expect(next.feeds).toEqual(fullBuild(show, changed))
    expect(next.rendered).toBe(2) // the edited episode and the former draft
  })

  it('finds the items of the previous build past many removed ones (more than are looked for one by one), equal to a full build', () => {
    const changed = [...catalog.filter((_, at) => at % 2 === 1 || at < 4), sampleEpisode(41, { title: 'New one', pubDate: '2026-06-01T00:00:00.000Z' })]
    const next = build(changed, first)
    expect(next.feeds).toEqual(fullBuild(show, changed))
    expect(next.rendered).toBe(1)
    expect(next.reused).toBe(changed.length - 2) // one draft left out, one new
  })

  it('renders every item again when a show field the items use changes, and equals a full build', () => {
    const moved = sampleShow({ baseUrl: 'https://cdn.example.net/moved/', trackers: ['self', 'udp://tracker.example.net:6969/announce'] })
    const next = build(catalog, first, moved)
    expect(next.feeds).toEqual(fullBuild(moved, catalog))
    expect(next.rendered).toBe(39)
  })

  it('renders the channel afresh when only show fields of the channel change', () => {
    const retitled = sampleShow({ title: 'A new name <for> the show', description: 'Changed' })
    const next = build(catalog, first, retitled)
    expect(next.feeds).toEqual(fullBuild(retitled, catalog))
    expect(next.rendered).toBe(0)
  })

  it('chains: each build reuses the one before, still equal to a full build', () => {
    let previous = first
    let episodes = catalog
    for (let n = 41; n < 46; n++) {
      episodes = [...episodes, sampleEpisode(n)]
      previous = build(episodes, previous)
      expect(previous.rendered).toBe(1)
    }
    expect(previous.feeds).toEqual(fullBuild(show, episodes))
  })

  it('ignores a previous build whose index does not describe its feeds', () => {
    const torn = { feeds: { ...first.feeds, 'atom.xml': first.feeds['atom.xml'].subarray(0, 100) }, index: first.index }
    const next = renderFeedsReusing(show, catalog, torn)
    expect(next.feeds).toEqual(first.feeds)
    expect(next.rendered).toBe(39)
    const garbage = renderFeedsReusing(show, catalog, { feeds: first.feeds, index: { keys: ['x'], spans: {} } as never })
    expect(garbage.rendered).toBe(39)
  })

  it('copies items from the previous feeds given as files, never read whole, and writes the bytes of a full render', async () => {
    const { path, cleanup } = await tempDir()
    const files: Partial<Record<FeedName, FileHandle>> = {}
    try {
      for (const name of FEED_NAMES) {
        await writeFile(join(path, name), first.feeds[name])
        files[name] = await open(join(path, name), 'r')
      }
      const previous = { feeds: Object.fromEntries(FEED_NAMES.map(name => [name, { file: files[name]!, start: 0, end: first.feeds[name].length }])) as Record<FeedName, { file: FileHandle, start: number, end: number }>, index: first.index }
      const publish = [...catalog, sampleEpisode(41, { title: 'Brand new', pubDate: '2026-06-01T00:00:00.000Z' })]
      // Runs of copied items with new and dropped ones between them: the JSON feed's separators come with the runs.
      const edits = catalog
        .filter(episode => episode.slug !== 'episode-12')
        .map(episode => episode.slug === 'episode-3' ? { ...episode, title: 'Renamed & retitled' } : episode)
        .map(episode => episode.slug === 'episode-8' ? { ...episode, draft: false } : episode)
      for (const [episodes, rendered] of [[publish, 1], [edits, 2]] as const) {
        const next = renderFeedsReusing(show, episodes, previous)
        expect(next.rendered).toBe(rendered)
        const full = fullBuild(show, episodes)
        for (const name of FEED_NAMES) {
          expect(next.parts[name].filter(part => !Buffer.isBuffer(part)).length).toBeGreaterThan(0)
          await writeAtomicParts(join(path, `next-${name}`), next.parts[name])
          expect((await readFile(join(path, `next-${name}`))).equals(full[name]!)).toBe(true)
        }
        expect(() => next.feeds).toThrow(/spans of the previous files/)
      }
    } finally {
      for (const file of Object.values(files)) await file.close()
      await cleanup()
    }
  })

  it('renders empty feeds (no items) identically too', () => {
    const empty = build([], first)
    expect(empty.feeds).toEqual(fullBuild(show, []))
    expect(JSON.parse(empty.feeds['feed.json'].toString()).items).toEqual([])
  })
})

describe('feed build on a show folder (index kept in .seedcast/)', () => {
  async function showFolder (episodes: Episode[]) {
    const { path, cleanup } = await tempDir()
    await mkdir(join(path, 'public'), { recursive: true })
    await mkdir(join(path, '.seedcast'), { recursive: true })
    await writeFile(join(path, 'show.json'), JSON.stringify(show))
    await setCatalog(path, episodes)
    return { path, cleanup }
  }
  const setCatalog = (dir: string, episodes: Episode[]) => writeFile(join(dir, 'episodes.json'), JSON.stringify({ version: 1, episodes }))
  async function feedsOnDisk (dir: string) {
    return Object.fromEntries(await Promise.all(['rss.xml', 'p2p.xml', 'atom.xml', 'feed.json'].map(async name => [name, await readFile(join(dir, 'public', name))])))
  }

  it('after a publish writes the feeds of a full build, rendering one item', async () => {
    const { path, cleanup } = await showFolder(catalog)
    try {
      expect((await buildFeeds(path)).rendered).toBe(39)
      const more = [...catalog, sampleEpisode(41)]
      await setCatalog(path, more)
      const built = await buildFeeds(path)
      expect(built.rendered).toBe(1)
      expect(await feedsOnDisk(path)).toEqual(fullBuild(show, more))
    } finally {
      await cleanup()
    }
  })

  it('renders everything when a feed was changed by hand since, and still writes a full build', async () => {
    const { path, cleanup } = await showFolder(catalog)
    try {
      await buildFeeds(path)
      const rss = join(path, 'public', 'rss.xml')
      await writeFile(rss, (await readFile(rss, 'utf8')).replace('<title>Episode 2</title>', '<title>Episode 2 (edited)</title>'))
      const built = await buildFeeds(path)
      expect(built.rendered).toBe(39)
      expect(await feedsOnDisk(path)).toEqual(fullBuild(show, catalog))
    } finally {
      await cleanup()
    }
  })

  it('writes a feed whose channel changed but not its length, and leaves alone those that did not change', async () => {
    const { path, cleanup } = await showFolder(catalog)
    try {
      await buildFeeds(path)
      const before = await feedsOnDisk(path)
      // The same length: only the channel's bytes tell the feeds apart (the items are spans of the files on disk).
      const renamed = { ...show, title: show.title.slice(0, -1) + (show.title.endsWith('X') ? 'Y' : 'X') }
      await writeFile(join(path, 'show.json'), JSON.stringify(renamed))
      expect((await buildFeeds(path)).rendered).toBe(0)
      const after = await feedsOnDisk(path)
      expect(after).toEqual(fullBuild(renamed, catalog))
      for (const name of Object.keys(after)) {
        expect(after[name]!.length).toBe(before[name]!.length)
        expect(after[name]!.equals(before[name]!)).toBe(false)
      }
      const written = async () => Promise.all(['rss.xml', 'p2p.xml', 'atom.xml', 'feed.json'].map(async name => (await stat(join(path, 'public', name))).mtimeMs))
      const stamps = await written()
      expect((await buildFeeds(path)).rendered).toBe(0)
      expect(await written()).toEqual(stamps)
    } finally {
      await cleanup()
    }
  })

  it('renders everything when the index is missing or not JSON', async () => {
    const { path, cleanup } = await showFolder(catalog)
    try {
      await buildFeeds(path)
      await writeFile(join(path, '.seedcast', 'feed-items.json'), '{"keys": [')
      expect((await buildFeeds(path)).rendered).toBe(39)
      await rm(join(path, '.seedcast', 'feed-items.json'))
      expect((await buildFeeds(path)).rendered).toBe(39)
      expect((await buildFeeds(path)).rendered).toBe(0)
      expect(await feedsOnDisk(path)).toEqual(fullBuild(show, catalog))
    } finally {
      await cleanup()
    }
  })
})
