// The site's page records (.seedcast/site-pages.json) are a log a build appends to: a publish
// adds a line, not 1 MB. A line cut short by a killed build is ignored and the next save writes
// the file afresh; a damaged file is a cache miss (every page rendered), never a wrong page.
import { appendFile, mkdir, readFile, readdir, rm, stat, truncate, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { buildFeeds } from '../../src/show/feeds.ts'
import type { Episode } from '../../src/model/show.ts'
import type { PageRecord } from '../../src/site/page-cache.ts'
import { readPageRecords, savePageRecords } from '../../src/site/page-records.ts'
import { tempDir } from '../helpers/tmp.ts'
import { sampleEpisode, sampleShow } from '../integration/feed-lint-show.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

async function recordsFile (): Promise<string> {
  const tmp = await tempDir()
  cleanups.push(tmp.cleanup)
  return join(tmp.path, '.seedcast', 'site-pages.json')
}

const record = (n: number, version = 1): PageRecord => ({ key: `key-${n}-v${version} - -`, listed: `<li><a href="episodes/episode-${n}/">Episode ${n}, "quoted" & <b></a></li>` })
const records = (count: number): Map<string, PageRecord> => new Map(Array.from({ length: count }, (_, at) => [`episode-${at + 1}`, record(at + 1)]))
const lineCount = async (file: string) => (await readFile(file, 'utf8')).split('\n').length - 1

describe('site page records', () => {
  it('appends what changed, removals included, and reads back exactly the records saved', async () => {
    const file = await recordsFile()
    const first = records(5)
    await savePageRecords(file, 'shared-1', first, await readPageRecords(file))
    expect(await readPageRecords(file)).toEqual({ shared: 'shared-1', pages: first, lines: 5 })

    // Nothing changed: the file is not touched.
    const before = await stat(file)
    await savePageRecords(file, 'shared-1', records(5), await readPageRecords(file))
    expect((await stat(file)).mtimeMs).toBe(before.mtimeMs)

    // A publish, an edit and a removal: three lines appended to the same file.
    const text = await readFile(file, 'utf8')
    const second = records(6)
    second.set('episode-2', record(2, 2))
    second.delete('episode-4')
    await savePageRecords(file, 'shared-1', second, await readPageRecords(file))
    const after = await readFile(file, 'utf8')
    expect(after.startsWith(text)).toBe(true)
    expect(after.slice(text.length).split('\n')).toHaveLength(4)
    const read = await readPageRecords(file)
    expect(read.pages).toEqual(second)
    expect(read.lines).toBe(8)

    // Another shared key (show, player or templates changed): written afresh, the old lines gone.
    await savePageRecords(file, 'shared-2', second, read)
    expect(await readPageRecords(file)).toEqual({ shared: 'shared-2', pages: second, lines: second.size })
  })

  it('writes the file afresh once outdated lines would outnumber the live ones', async () => {
    const file = await recordsFile()
    const pages = records(3)
    await savePageRecords(file, 'shared', pages, await readPageRecords(file))
    for (let version = 2; version < 400; version++) {
      pages.set('episode-1', record(1, version))
      await savePageRecords(file, 'shared', pages, await readPageRecords(file))
      expect(await lineCount(file)).toBeLessThanOrEqual(1 + 2 * pages.size + 256)
    }
    expect((await readPageRecords(file)).pages).toEqual(pages)
  })

  it('ignores a line cut short and writes the file afresh on the next save', async () => {
    const file = await recordsFile()
    const pages = records(4)
    await savePageRecords(file, 'shared', pages, await readPageRecords(file))
    // A build killed while appending the record of a fifth page.
    await appendFile(file, '"episode-5","key-5')
    const torn = await readPageRecords(file)
    expect(torn.pages).toEqual(pages)
    expect(torn.lines).toBeUndefined()
    pages.set('episode-5', record(5))
    await savePageRecords(file, 'shared', pages, torn)
    expect(await readFile(file, 'utf8')).not.toContain('"key-5"key')
    expect(await readPageRecords(file)).toEqual({ shared: 'shared', pages, lines: 5 })
  })

  it('reads records whose text is past ASCII, and a log of its header alone', async () => {
    const file = await recordsFile()
    const pages = new Map([['episode-1', { key: 'k1 - -', listed: '<li>Épisode №1 — “quoted” 🎧</li>' }], ['episode-2', record(2)]])
    await savePageRecords(file, 'shared', pages, await readPageRecords(file))
    expect(await readPageRecords(file)).toEqual({ shared: 'shared', pages, lines: 2 })
    // Read in place, the bytes lent are given back as they were: a second read finds the same.
    expect(await readPageRecords(file)).toEqual({ shared: 'shared', pages, lines: 2 })
    await writeFile(file, 'seedcast site-pages 2 shared\n')
    expect(await readPageRecords(file)).toEqual({ shared: 'shared', pages: new Map(), lines: 0 })
  })

  it('reads a damaged or foreign file as no records', async () => {
    const file = await recordsFile()
    await savePageRecords(file, 'shared', records(3), await readPageRecords(file))
    const text = await readFile(file, 'utf8')
    const damaged = [
      text.replace('"episode-2",', '"episode-2",,'), // not JSON
      text.replace('"key-2-v1 - -"', '42'), // a key that is no string
      text.replace('"episode-3","key-3-v1 - -",', '"episode-3",'), // a line short of its fields
      text.replace('\n', ''), // the header run into the first line
      'seedcast site-pages 2 shared', // a header cut short
      '{"pages": {"x"', // earlier builds' form, torn
      ''
    ]
    for (const bad of damaged) {
      await writeFile(file, bad)
      expect((await readPageRecords(file)).pages.size, bad).toBe(0)
    }
    await rm(file)
    expect((await readPageRecords(file)).pages.size).toBe(0)
  })

  it('reads the records of earlier builds (one JSON object), and writes the log once they change', async () => {
    const file = await recordsFile()
    await mkdir(join(file, '..'), { recursive: true })
    const pages = records(3)
    const flat = [...pages].flatMap(([slug, { key, listed }]) => [slug, key, listed])
    await writeFile(file, JSON.stringify({ shared: 'shared', records: flat }))
    const read = await readPageRecords(file)
    expect(read).toEqual({ shared: 'shared', pages })
    await savePageRecords(file, 'shared', pages, read)
    expect(await readFile(file, 'utf8')).toBe(JSON.stringify({ shared: 'shared', records: flat })) // unchanged: not written
    pages.set('episode-4', record(4))
    await savePageRecords(file, 'shared', pages, read)
    expect(await readPageRecords(file)).toEqual({ shared: 'shared', pages, lines: 4 })
  })

  it('a build killed mid-append leaves records the next builds read: their pages are those of a build from scratch', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const dir = tmp.path
    await mkdir(join(dir, 'public'))
    await writeFile(join(dir, 'show.json'), JSON.stringify(sampleShow()))
    const setCatalog = (episodes: Episode[]) => writeFile(join(dir, 'episodes.json'), JSON.stringify({ version: 1, episodes }, null, 2))
    let episodes = Array.from({ length: 60 }, (_, at) => sampleEpisode(at + 1))
    await setCatalog(episodes)
    await buildFeeds(dir)
    const file = join(dir, '.seedcast', 'site-pages.json')
    const full = await readFile(file, 'utf8')

    // A publish appends the new page's record; the build is killed halfway through that line.
    episodes = [...episodes, sampleEpisode(61, { title: 'Sixty-one' })]
    await setCatalog(episodes)
    await buildFeeds(dir)
    const appended = await readFile(file, 'utf8')
    expect(appended.startsWith(full)).toBe(true)
    expect(appended.slice(full.length)).toContain('Sixty-one')
    await truncate(file, full.length + Math.floor((appended.length - full.length) / 2))

    // The next publish, and an edit of the page whose record was cut: both pages follow.
    episodes = [...episodes.map(episode => episode.slug === 'episode-61' ? { ...episode, title: 'Sixty-one, renamed' } : episode), sampleEpisode(62, { title: 'Sixty-two' })]
    await setCatalog(episodes)
    await buildFeeds(dir)
    expect((await readPageRecords(file)).lines).toBe(episodes.length)
    await writeFile(join(dir, 'episodes.json'), JSON.stringify({ version: 1, episodes: episodes.map(episode => episode.slug === 'episode-3' ? { ...episode, title: 'Three, edited' } : episode) }, null, 2))
    await buildFeeds(dir)

    const scratch = await tempDir()
    cleanups.push(scratch.cleanup)
    await mkdir(join(scratch.path, 'public'))
    await writeFile(join(scratch.path, 'show.json'), JSON.stringify(sampleShow()))
    await writeFile(join(scratch.path, 'episodes.json'), await readFile(join(dir, 'episodes.json')))
    await buildFeeds(scratch.path)
    expect(await publicFiles(dir)).toEqual(await publicFiles(scratch.path))
    expect(await publicFiles(dir)).toHaveProperty(['episodes/episode-3/index.html'], expect.stringContaining('Three, edited'))
  })
})

/** Every file below public/ and its text. */
async function publicFiles (dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {}
  const root = join(dir, 'public')
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) files[relative(root, join(entry.parentPath, entry.name))] = await readFile(join(entry.parentPath, entry.name), 'utf8')
  }
  return files
}
