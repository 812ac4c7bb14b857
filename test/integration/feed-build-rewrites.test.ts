// feed build rewrites exactly what changed: each file it makes (the four feeds, the show page,
// each episode page, its two records in .seedcast/) is written again when an input it is made
// from changes, and otherwise left alone: same inode, same mtime. What it writes is always
// what a build from scratch writes.
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Episode, ShowConfig } from '../../src/model/show.ts'
import { buildFeeds } from '../../src/show/feeds.ts'
import { SHOW_PAGE_IN_FULL } from '../../src/site/write.ts'
import { tempDir } from '../helpers/tmp.ts'
import { sampleEpisode, sampleShow } from './feed-lint-show.ts'

// A stand-in for a seedcast upgrade that changes what every page looks like.
const template = vi.hoisted(() => ({ extra: '' }))
vi.mock('../../src/site/layout.ts', async importOriginal => {
  const real = await importOriginal<typeof import('../../src/site/layout.ts')>()
  return { ...real, page: (options: Parameters<typeof real.page>[0]) => real.page(options) + template.extra }
})

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  template.extra = ''
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const FEEDS = ['public/atom.xml', 'public/feed.json', 'public/p2p.xml', 'public/rss.xml']
const SHOW_PAGE = 'public/index.html'
/** Where the show page's older-episode lines sit in it (src/site/show-page-write.ts): written with the page. */
const SHOW_PAGE_RECORD = '.seedcast/show-page.json'
const FEED_INDEX = '.seedcast/feed-items.json'
const PAGE_RECORDS = '.seedcast/site-pages.json'
/** The catalog entries checked (src/show/catalog-check.ts): changes with the catalog. */
const CHECKED = '.seedcast/checked-episodes.json'
const page = (slug: string) => `public/episodes/${slug}/index.html`

async function showFolder (show: ShowConfig, episodes: Episode[]): Promise<string> {
  const tmp = await tempDir()
  cleanups.push(tmp.cleanup)
  await mkdir(join(tmp.path, 'public', 'chapters'), { recursive: true })
  await writeFile(join(tmp.path, 'show.json'), JSON.stringify(show, null, 2))
  await setCatalog(tmp.path, episodes)
  return tmp.path
}

const setCatalog = (dir: string, episodes: Episode[]) => writeFile(join(dir, 'episodes.json'), JSON.stringify({ version: 1, episodes }, null, 2))

/** Every file below public/ and .seedcast/ with its inode, mtime and size. */
async function stamps (dir: string): Promise<Map<string, string>> {
  const found = new Map<string, string>()
  for (const top of ['public', '.seedcast']) {
    for (const entry of await readdir(join(dir, top), { recursive: true, withFileTypes: true }).catch(() => [])) {
      if (!entry.isFile()) continue
      const path = join(entry.parentPath, entry.name)
      const info = await stat(path)
      found.set(relative(dir, path), `${info.ino}:${info.mtimeMs}:${info.size}`)
    }
  }
  return found
}

/** Runs a build and says which files it wrote, made or removed. */
async function build (dir: string): Promise<{ written: string[], rendered: number }> {
  const before = await stamps(dir)
  const { rendered } = await buildFeeds(dir)
  const after = await stamps(dir)
  const written = [...new Set([...before.keys(), ...after.keys()])].filter(path => before.get(path) !== after.get(path))
  return { written: written.sort(), rendered }
}

/** The bytes of every file below public/. */
async function publicFiles (dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {}
  for (const path of (await stamps(dir)).keys()) if (path.startsWith('public')) files[path] = await readFile(join(dir, path), 'utf8')
  return files
}

const sorted = (paths: string[]) => [...paths].sort()

describe('feed build rewrites only what changed', () => {
  it('publish, edits, a removal, a chapters file, a show edit and template changes each rewrite their outputs and nothing else', async () => {
    const show = sampleShow()
    // More episodes than the show page shows in full, so some are only listed there by title and date.
    const count = SHOW_PAGE_IN_FULL + 10
    let episodes = Array.from({ length: count }, (_, at) => sampleEpisode(at + 1))
    const dir = await showFolder(show, episodes)
    await writeFile(join(dir, 'public', 'chapters', 'episode-2.json'), JSON.stringify({ version: '1.2.0', chapters: [{ startTime: 0, title: 'Opening' }] }))
    const first = await build(dir)
    expect(first.rendered).toBe(count)
    expect(first.written).toEqual(expect.arrayContaining([...FEEDS, SHOW_PAGE, SHOW_PAGE_RECORD, FEED_INDEX, PAGE_RECORDS, CHECKED, page('episode-1'), page(`episode-${count}`)]))

    // Nothing changed: nothing written, not even the records.
    expect(await build(dir)).toEqual({ written: [], rendered: 0 })

    // Page records as earlier builds stored them (an object keyed by slug) still describe the pages.
    const recordsFile = join(dir, PAGE_RECORDS)
    const log = await readFile(recordsFile, 'utf8')
    const shared = log.slice('seedcast site-pages 2 '.length, log.indexOf('\n'))
    const records = (JSON.parse(`[${log.slice(log.indexOf('\n') + 1)}null]`) as string[]).slice(0, -1)
    const pages: Record<string, [string, string]> = {}
    for (let at = 0; at < records.length; at += 3) pages[records[at]!] = [records[at + 1]!, records[at + 2]!]
    await writeFile(recordsFile, JSON.stringify({ shared, pages }))
    expect(await build(dir)).toEqual({ written: [], rendered: 0 })

    // A publish: the feeds, the show page, the new page, the records.
    episodes = [...episodes, sampleEpisode(count + 1, { title: 'The newest' })]
    await setCatalog(dir, episodes)
    expect(await build(dir)).toEqual({ written: sorted([...FEEDS, SHOW_PAGE, SHOW_PAGE_RECORD, page(`episode-${count + 1}`), FEED_INDEX, PAGE_RECORDS, CHECKED]), rendered: 1 })

    // An old episode's description (its page and items, not the show page, which lists it by title and date).
    episodes = episodes.map(episode => episode.slug === 'episode-3' ? { ...episode, description: 'Told again & better.' } : episode)
    await setCatalog(dir, episodes)
    expect(await build(dir)).toEqual({ written: sorted([...FEEDS, page('episode-3'), FEED_INDEX, PAGE_RECORDS, CHECKED]), rendered: 1 })
    expect(await readFile(join(dir, page('episode-3')), 'utf8')).toContain('Told again &amp; better.')

    // A title, which the show page shows too.
    episodes = episodes.map(episode => episode.slug === 'episode-4' ? { ...episode, title: 'Renamed <4>' } : episode)
    await setCatalog(dir, episodes)
    expect(await build(dir)).toEqual({ written: sorted([...FEEDS, SHOW_PAGE, SHOW_PAGE_RECORD, page('episode-4'), FEED_INDEX, PAGE_RECORDS, CHECKED]), rendered: 1 })
    expect(await readFile(join(dir, SHOW_PAGE), 'utf8')).toContain('Renamed &lt;4&gt;')

    // A removal: its page goes, the others stay.
    episodes = episodes.filter(episode => episode.slug !== 'episode-5')
    await setCatalog(dir, episodes)
    expect(await build(dir)).toEqual({ written: sorted([...FEEDS, SHOW_PAGE, SHOW_PAGE_RECORD, page('episode-5'), FEED_INDEX, PAGE_RECORDS, CHECKED]), rendered: 0 })
    expect(await readdir(join(dir, 'public', 'episodes'))).not.toContain('episode-5')

    // A chapters file changed under the same catalog entry: that page alone (the feeds link the file, they do not copy it).
    await writeFile(join(dir, 'public', 'chapters', 'episode-2.json'), JSON.stringify({ version: '1.2.0', chapters: [{ startTime: 0, title: 'Opening, renamed' }] }))
    expect(await build(dir)).toEqual({ written: sorted([page('episode-2'), PAGE_RECORDS]), rendered: 0 })
    expect(await readFile(join(dir, page('episode-2')), 'utf8')).toContain('Opening, renamed')

    // A chapters file the catalog names but that was missing, put there by hand (by a rename, as
    // editors save), then deleted: that page alone each time. A build lists the chapters folder
    // and stats only the files in it, so both a file that appears and one that goes must count.
    const handMade = join(dir, 'public', 'chapters', 'episode-6.json')
    await writeFile(`${handMade}.tmp`, JSON.stringify({ version: '1.2.0', chapters: [{ startTime: 0, title: 'Added by hand' }] }))
    await rename(`${handMade}.tmp`, handMade)
    expect(await build(dir)).toEqual({ written: sorted([page('episode-6'), PAGE_RECORDS]), rendered: 0 })
    expect(await readFile(join(dir, page('episode-6')), 'utf8')).toContain('Added by hand')
    await rm(handMade)
    expect(await build(dir)).toEqual({ written: sorted([page('episode-6'), PAGE_RECORDS]), rendered: 0 })
    expect(await readFile(join(dir, page('episode-6')), 'utf8')).not.toContain('Added by hand')
    // The whole chapters folder gone: the one page with chapters follows, the others stay.
    const chaptersDir = join(dir, 'public', 'chapters')
    const kept = await readFile(join(chaptersDir, 'episode-2.json'))
    await rm(chaptersDir, { recursive: true })
    expect(await build(dir)).toEqual({ written: sorted([page('episode-2'), PAGE_RECORDS]), rendered: 0 })
    expect(await readFile(join(dir, page('episode-2')), 'utf8')).not.toContain('Opening, renamed')
    await mkdir(chaptersDir)
    await writeFile(join(chaptersDir, 'episode-2.json'), kept)
    expect(await build(dir)).toEqual({ written: sorted([page('episode-2'), PAGE_RECORDS]), rendered: 0 })
    expect(await readFile(join(dir, page('episode-2')), 'utf8')).toContain('Opening, renamed')

    // A show edit: every page and feed.
    const published = episodes.map(episode => episode.slug)
    await writeFile(join(dir, 'show.json'), JSON.stringify({ ...show, title: 'The seedcast show, renamed' }, null, 2))
    const showEdit = await build(dir)
    expect(showEdit.written).toEqual(sorted([...FEEDS, SHOW_PAGE, SHOW_PAGE_RECORD, ...published.map(page), FEED_INDEX, PAGE_RECORDS]))
    expect(showEdit.rendered).toBe(0) // the items do not show the title: copied, in new channels
    expect(await readFile(join(dir, page('episode-1')), 'utf8')).toContain('The seedcast show, renamed')

    // New page templates (a seedcast upgrade): every page, no feed.
    template.extra = '<!-- templates v2 -->\n'
    expect(await build(dir)).toEqual({ written: sorted([SHOW_PAGE, SHOW_PAGE_RECORD, ...published.map(page), PAGE_RECORDS]), rendered: 0 })
    expect(await readFile(join(dir, page('episode-1')), 'utf8')).toContain('<!-- templates v2 -->')

    // An index made by other item renderers: every item rendered again; same bytes, so no feed written.
    const indexFile = join(dir, FEED_INDEX)
    await writeFile(indexFile, (await readFile(indexFile, 'utf8')).replace(/"context":"[^"]*"/, '"context":"older renderers"'))
    expect(await build(dir)).toEqual({ written: [FEED_INDEX], rendered: published.length })

    // Everything written is what a build from scratch writes.
    const fresh = await showFolder({ ...show, title: 'The seedcast show, renamed' }, episodes)
    await writeFile(join(fresh, 'public', 'chapters', 'episode-2.json'), await readFile(join(dir, 'public', 'chapters', 'episode-2.json')))
    await buildFeeds(fresh)
    expect(await publicFiles(dir)).toEqual(await publicFiles(fresh))
  })

  it('writes again a feed deleted or edited by hand, and a page whose folder was deleted, and only those', async () => {
    const dir = await showFolder(sampleShow(), Array.from({ length: 3 }, (_, at) => sampleEpisode(at + 1)))
    await build(dir)
    const full = await publicFiles(dir)
    await rm(join(dir, 'public', 'atom.xml'))
    await writeFile(join(dir, 'public', 'rss.xml'), 'edited by hand')
    await rm(join(dir, 'public', 'episodes', 'episode-1'), { recursive: true })
    const repair = await build(dir)
    expect(repair.written).toEqual(sorted(['public/atom.xml', 'public/rss.xml', page('episode-1'), FEED_INDEX]))
    expect(repair.rendered).toBe(3) // the feeds on disk no longer match the index: nothing copied from them
    expect(await publicFiles(dir)).toEqual(full)
  })

  it('a build that stops at a broken catalog writes nothing, and the next one still copies the items on disk', async () => {
    const show = sampleShow()
    const episodes = Array.from({ length: 4 }, (_, at) => sampleEpisode(at + 1))
    const dir = await showFolder(show, episodes)
    await build(dir)
    const before = await stamps(dir)
    // The previous feeds are opened while the catalog loads: a catalog that fails leaves them closed and untouched.
    await writeFile(join(dir, 'episodes.json'), '{"version": 1, "episodes": [')
    await expect(buildFeeds(dir)).rejects.toThrow(/^episodes\.json: not valid JSON/)
    await setCatalog(dir, [...episodes, sampleEpisode(5)])
    const after = await stamps(dir)
    for (const path of before.keys()) if (path !== 'episodes.json') expect(after.get(path)).toBe(before.get(path))
    const next = await build(dir)
    expect(next.rendered).toBe(1)
    expect(next.written).toEqual(expect.arrayContaining([...FEEDS, SHOW_PAGE, page('episode-5'), FEED_INDEX]))
    // The item index written from the new files' own stats describes them: a build with nothing changed copies every item.
    expect(await build(dir)).toEqual({ written: [], rendered: 0 })
  })
})
