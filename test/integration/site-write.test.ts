// publish, episodes edit|remove and feed build write the show's pages into public/:
// index.html and episodes/<slug>/index.html for published episodes only, removed with
// their episode, and the player's built assets copied and linked when there are any.
import { access, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { HtmlValidate } from 'html-validate'
import { afterEach, describe, expect, it } from 'vitest'
import { editEpisode, removeEpisode } from '../../src/show/episodes.js'
import { buildFeeds } from '../../src/show/feeds.js'
import { initShow } from '../../src/show/init.js'
import { loadShow } from '../../src/show/load.js'
import { publish } from '../../src/show/publish.js'
import { SHOW_PAGE_IN_FULL, writeSite } from '../../src/site/write.js'
import { tempDir } from '../helpers/tmp.js'
import { fixture } from './serve-helpers.js'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

const exists = (path: string) => access(path).then(() => true, () => false)

async function newShow (): Promise<string> {
  const tmp = await tempDir()
  cleanups.push(tmp.cleanup)
  const dir = join(tmp.path, 'show')
  await initShow(dir, {
    title: 'Pages & <Pods>', description: 'A show with pages', author: 'Ann', ownerName: 'Ann', ownerEmail: 'ann@example.org',
    language: 'en', category: 'Technology', baseUrl: 'http://127.0.0.1:9/', image: fixture('cover.jpg'), trackers: ['self']
  })
  return dir
}

/** A Vite build of the player as contract A describes it, with the given hash in its names. */
async function fakePlayerBuild (dir: string, hash: string): Promise<void> {
  await rm(dir, { recursive: true, force: true })
  await mkdir(join(dir, '.vite'), { recursive: true })
  await mkdir(join(dir, 'assets'))
  await writeFile(join(dir, '.vite', 'manifest.json'), JSON.stringify({
    'player/main.ts': { file: `assets/main-${hash}.js`, css: [`assets/main-${hash}.css`], isEntry: true, dynamicImports: ['_webtorrent.js'] },
    '_webtorrent.js': { file: `assets/webtorrent-${hash}.js` }
  }))
  for (const name of [`main-${hash}.js`, `main-${hash}.css`, `webtorrent-${hash}.js`]) await writeFile(join(dir, 'assets', name), `/* ${name} */`)
  await writeFile(join(dir, 'seedcast-sw.js'), `/* sw ${hash} */`)
}

describe('the show pages in public/', () => {
  it('follow the catalog: published episodes only, edits, removals and feed build', async () => {
    const dir = await newShow()
    const pub = join(dir, 'public')
    expect(await readFile(join(pub, 'index.html'), 'utf8')).toContain('<p>No episodes yet.</p>')

    const one = await publish(dir, fixture('episode.mp3'), { date: '2026-11-01T09:00:00Z', title: 'One <b>' })
    const two = await publish(dir, fixture('episode-2.mp3'), { date: '2026-11-02T09:00:00Z' })
    const draft = await publish(dir, fixture('video.mp4'), { date: '2026-11-03T09:00:00Z', draft: true })
    const index = await readFile(join(pub, 'index.html'), 'utf8')
    expect(index).toContain('One &lt;b&gt;')
    expect(index.indexOf(two.episode.slug)).toBeLessThan(index.indexOf(one.episode.slug))
    expect(index).not.toContain(draft.episode.slug)
    expect(await readdir(join(pub, 'episodes'))).toEqual([one.episode.slug, two.episode.slug].sort())
    const page = await readFile(join(pub, 'episodes', one.episode.slug, 'index.html'), 'utf8')
    expect(page).toContain(`src="../../${one.episode.mediaPath}" data-seedcast-player`)
    // The fixture's ID3 chapters are on the page, as links that seek.
    expect(page).toMatch(/<ol class="chapters"><li><a href="#t=0" data-seek="0"><span class="t">0:00 <\/span>[^<]+<\/a><\/li>/)
    const validator = new HtmlValidate({ extends: ['html-validate:recommended'], rules: { 'long-title': 'off' } })
    for (const html of [index, page]) {
      const report = await validator.validateString(html)
      expect(report.results.flatMap(result => result.messages.map(message => `${message.ruleId}: ${message.message}`))).toEqual([])
    }

    // A draft made public gets its page; an edit reaches the pages; a published episode made a draft loses its page.
    await editEpisode(dir, draft.episode.slug, { draft: false })
    expect(await exists(join(pub, 'episodes', draft.episode.slug, 'index.html'))).toBe(true)
    await editEpisode(dir, one.episode.slug, { title: 'Renamed & better' })
    expect(await readFile(join(pub, 'episodes', one.episode.slug, 'index.html'), 'utf8')).toContain('<h1 id="title">Renamed &amp; better</h1>')
    expect(await readFile(join(pub, 'index.html'), 'utf8')).toContain('Renamed &amp; better')
    await editEpisode(dir, two.episode.slug, { draft: true })
    expect(await exists(join(pub, 'episodes', two.episode.slug))).toBe(false)

    // Removed: its page and its place on the show page go.
    await removeEpisode(dir, one.episode.slug)
    expect(await exists(join(pub, 'episodes', one.episode.slug))).toBe(false)
    expect(await readFile(join(pub, 'index.html'), 'utf8')).not.toContain(one.episode.slug)

    // feed build writes them again from the catalog, and sweeps a killed writer's temp file:
    // here a writer that died writing the page of an episode whose catalog entry had changed.
    await rm(join(pub, 'index.html'))
    const catalogFile = join(dir, 'episodes.json')
    const edited = JSON.parse(await readFile(catalogFile, 'utf8')) as { episodes: Array<{ slug: string, title: string }> }
    edited.episodes.find(episode => episode.slug === draft.episode.slug)!.title = 'Video, retitled'
    await writeFile(catalogFile, JSON.stringify(edited))
    await writeFile(join(pub, 'episodes', draft.episode.slug, 'index.html.12345'), 'half a page')
    await buildFeeds(dir)
    expect(await readFile(join(pub, 'index.html'), 'utf8')).toContain(draft.episode.slug)
    expect(await readFile(join(pub, 'episodes', draft.episode.slug, 'index.html'), 'utf8')).toContain('<h1 id="title">Video, retitled</h1>')
    expect(await readdir(join(pub, 'episodes', draft.episode.slug))).toEqual(['index.html'])
  })

  it("copies the player's build into public/ and links it; a new build replaces the old files", async () => {
    const dir = await newShow()
    await publish(dir, fixture('episode.mp3'), { date: '2026-11-01T09:00:00Z' })
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const build = join(tmp.path, 'web')
    const { paths, config, catalog } = await loadShow(dir)

    await fakePlayerBuild(build, 'aaaa1111')
    const written = await writeSite(paths, config, catalog, { playerDir: build })
    expect(written.player).toBe(true)
    const pub = paths.publicDir
    expect((await readdir(join(pub, 'assets'))).sort()).toEqual(['main-aaaa1111.css', 'main-aaaa1111.js', 'webtorrent-aaaa1111.js'])
    expect(await readFile(join(pub, 'seedcast-sw.js'), 'utf8')).toBe('/* sw aaaa1111 */')
    const index = await readFile(join(pub, 'index.html'), 'utf8')
    expect(index).toContain('<link rel="stylesheet" href="assets/main-aaaa1111.css">')
    expect(index).toContain('<script type="module" src="assets/main-aaaa1111.js"></script>')
    const slug = catalog.episodes[0]!.slug
    expect(await readFile(join(pub, 'episodes', slug, 'index.html'), 'utf8')).toContain('<script type="module" src="../../assets/main-aaaa1111.js"></script>')

    await fakePlayerBuild(build, 'bbbb2222')
    await writeSite(paths, config, catalog, { playerDir: build })
    expect((await readdir(join(pub, 'assets'))).sort()).toEqual(['main-bbbb2222.css', 'main-bbbb2222.js', 'webtorrent-bbbb2222.js'])
    expect(await readFile(join(pub, 'index.html'), 'utf8')).toContain('src="assets/main-bbbb2222.js"')
    // The episode page depends on the build too: written again though its episode did not change.
    expect(await readFile(join(pub, 'episodes', slug, 'index.html'), 'utf8')).toContain('src="../../assets/main-bbbb2222.js"')

    // No build: pages without any script of the player.
    const none = await writeSite(paths, config, catalog, { playerDir: join(tmp.path, 'missing') })
    expect(none.player).toBe(false)
    expect(await readFile(join(pub, 'index.html'), 'utf8')).not.toContain('type="module"')
  })

  it('render only what changed: unchanged episode pages are left as they are, anything they depend on brings them back', async () => {
    const dir = await newShow()
    const first = await publish(dir, fixture('episode.mp3'), { date: '2026-11-01T09:00:00Z', title: 'First' })
    const second = await publish(dir, fixture('episode-2.mp3'), { date: '2026-11-02T09:00:00Z', title: 'Second' })
    const pub = join(dir, 'public')
    const pageOf = (slug: string) => join(pub, 'episodes', slug, 'index.html')
    const stamp = async (slug: string) => { const info = await stat(pageOf(slug)); return `${info.ino}:${info.mtimeMs}` }
    const before = await stamp(first.episode.slug)

    // A third episode: the others' pages are not written again (same inode, same mtime).
    const third = await publish(dir, fixture('video.mp4'), { date: '2026-11-03T09:00:00Z', title: 'Third' })
    expect(await stamp(first.episode.slug)).toBe(before)
    expect(await readFile(pageOf(third.episode.slug), 'utf8')).toContain('<h1 id="title">Third</h1>')

    // Not even read or stat'ed: a page whose bytes changed behind the records' back is trusted
    // as it is, which is what saves a long show thousands of reads and stats.
    const firstPage = pageOf(first.episode.slug)
    const swapped = (await readFile(firstPage, 'utf8')).replace('<h1 id="title">First</h1>', '<h1 id="title">Fir5t</h1>')
    await writeFile(firstPage, swapped)
    await buildFeeds(dir)
    expect(await readFile(firstPage, 'utf8')).toContain('Fir5t')

    // A page whose folder was deleted is written again by the next build; one edited by hand
    // stays as it is (a build reads one directory, not every page) until its inputs change.
    await rm(dirname(pageOf(first.episode.slug)), { recursive: true })
    await writeFile(pageOf(second.episode.slug), 'edited by hand')
    await buildFeeds(dir)
    expect(await readFile(pageOf(first.episode.slug), 'utf8')).toContain('<h1 id="title">First</h1>')
    expect(await readFile(pageOf(second.episode.slug), 'utf8')).toBe('edited by hand')

    // The chapters file changed under the same catalog entry: its page follows.
    const chaptersPath = join(pub, first.episode.chaptersPath!)
    const chapters = JSON.parse(await readFile(chaptersPath, 'utf8')) as { chapters: Array<{ title: string }> }
    chapters.chapters[0]!.title = 'A chapter renamed'
    await writeFile(chaptersPath, JSON.stringify(chapters))
    await buildFeeds(dir)
    expect(await readFile(pageOf(first.episode.slug), 'utf8')).toContain('A chapter renamed')

    // What every page shows (the show's title) changes every page; a torn record file costs a full render, nothing else.
    const showFile = join(dir, 'show.json')
    await writeFile(showFile, (await readFile(showFile, 'utf8')).replace('"title": "Pages & <Pods>"', '"title": "Pages, renamed"'))
    await writeFile(join(dir, '.seedcast', 'site-pages.json'), '{"pages": {"x"')
    await buildFeeds(dir)
    for (const episode of [first, second, third]) expect(await readFile(pageOf(episode.episode.slug), 'utf8')).toContain('Pages, renamed')
    expect(await readFile(pageOf(second.episode.slug), 'utf8')).toContain('<h1 id="title">Second</h1>')
    // Stored after a header line as lines of slug, key, listed (page-records.ts).
    const text = await readFile(join(dir, '.seedcast', 'site-pages.json'), 'utf8')
    expect(text.startsWith('seedcast site-pages 2 ')).toBe(true)
    const records = (JSON.parse(`[${text.slice(text.indexOf('\n') + 1)}null]`) as string[]).slice(0, -1)
    const slugs = records.filter((_, at) => at % 3 === 0)
    expect([...slugs].sort()).toEqual([first, second, third].map(episode => episode.episode.slug).sort())
    expect(records[records.indexOf(first.episode.slug) + 2]).toContain(`<a href="episodes/${first.episode.slug}/">First</a>`)
  })

  it(`shows the newest ${SHOW_PAGE_IN_FULL} episodes in full on the show page and links every older one`, async () => {
    const dir = await newShow()
    await publish(dir, fixture('episode.mp3'), { date: '2020-01-01T09:00:00Z', title: 'Template' })
    const { paths, config, catalog } = await loadShow(dir)
    const template = catalog.episodes[0]!
    // Catalog entries sharing the one media file: the pages need only the catalog.
    const count = SHOW_PAGE_IN_FULL + 7
    const episodes = Array.from({ length: count }, (_, at) => ({
      ...template,
      slug: `episode-${at + 1}`,
      guid: `guid-${at + 1}`,
      title: `Number ${at + 1}`,
      pubDate: new Date(Date.UTC(2021, 0, 1 + at)).toISOString()
    }))
    await writeSite(paths, config, { ...catalog, episodes })
    const index = await readFile(join(paths.publicDir, 'index.html'), 'utf8')
    expect(index.match(/<audio /g)).toHaveLength(SHOW_PAGE_IN_FULL)
    // Newest first in full; the rest after "Older episodes", newest first, each a link to its page.
    expect(index).toContain(`<h3 id="e-episode-${count}">`)
    const older = index.slice(index.indexOf('<h3 id="older">Older episodes</h3>'))
    expect(older.match(/<li><a href="episodes\/[^"]+\/">/g)).toHaveLength(7)
    expect([...older.matchAll(/<a href="episodes\/episode-(\d+)\/">/g)].map(match => Number(match[1]))).toEqual([7, 6, 5, 4, 3, 2, 1])
    // One page per catalog entry; the template's page went with its entry.
    expect((await readdir(join(paths.publicDir, 'episodes'))).sort()).toEqual(episodes.map(episode => episode.slug).sort())
    const report = await new HtmlValidate({ extends: ['html-validate:recommended'], rules: { 'long-title': 'off' } }).validateString(index)
    expect(report.results.flatMap(result => result.messages.map(message => `${message.ruleId}: ${message.message}`))).toEqual([])
  })

  it("copies the show page's older-episode lines from the page it last wrote, the same bytes as a whole render; a page edited by hand or a torn record renders it whole", async () => {
    const dir = await newShow()
    await publish(dir, fixture('episode.mp3'), { date: '2020-01-01T09:00:00Z', title: 'Template' })
    const { paths, config, catalog } = await loadShow(dir)
    const template = catalog.episodes[0]!
    const episodes = Array.from({ length: SHOW_PAGE_IN_FULL + 12 }, (_, at) => ({
      ...template,
      slug: `episode-${at + 1}`,
      guid: `guid-${at + 1}`,
      title: `Number ${at + 1} & more`,
      pubDate: new Date(Date.UTC(2021, 0, 1 + at)).toISOString()
    }))
    const index = join(paths.publicDir, 'index.html')
    const record = join(paths.stateDir, 'show-page.json')
    const build = (count: number) => writeSite(paths, config, { ...catalog, episodes: episodes.slice(0, count) })
    // The page a build with no record and no page writes: rendered whole.
    const whole = async (count: number) => {
      await rm(record, { force: true })
      await rm(index)
      await build(count)
      return readFile(index)
    }

    await build(SHOW_PAGE_IN_FULL + 3)
    const stored = JSON.parse(await readFile(record, 'utf8')) as { count: number, start: number, end: number }
    expect(stored.count).toBe(3)
    expect((await readFile(index, 'utf8')).length).toBeGreaterThan(stored.end)
    // One more episode: one line rendered, the others copied; two more at once: the same.
    for (const count of [SHOW_PAGE_IN_FULL + 4, SHOW_PAGE_IN_FULL + 6]) {
      await build(count)
      const copied = await readFile(index)
      expect(copied.equals(await whole(count))).toBe(true)
      expect(copied.toString()).toContain(`<a href="episodes/episode-${count - SHOW_PAGE_IN_FULL}/">Number ${count - SHOW_PAGE_IN_FULL} &amp; more</a>`)
    }

    // The lines are copied, not rendered: a page that is still the recorded file (same size,
    // and its mtime in the record) keeps bytes changed behind the record's back.
    const page = await readFile(index, 'utf8')
    await writeFile(index, page.replace('>Number 1 &amp; more<', '>Numbe7 1 &amp; more<'))
    await writeFile(record, JSON.stringify({ ...JSON.parse(await readFile(record, 'utf8')) as object, mtimeMs: (await stat(index)).mtimeMs }))
    await build(SHOW_PAGE_IN_FULL + 7)
    expect(await readFile(index, 'utf8')).toContain('>Numbe7 1 &amp; more<')

    // Edited by hand (the record no longer fits the file): rendered whole, the edit gone.
    await writeFile(index, (await readFile(index, 'utf8')).replace('>Numbe7 1 &amp; more<', '>Edited by hand<'))
    await build(SHOW_PAGE_IN_FULL + 8)
    const afterEdit = await readFile(index)
    expect(afterEdit.toString()).not.toContain('Edited by hand')
    expect(afterEdit.toString()).toContain('>Number 1 &amp; more<')
    expect(afterEdit.equals(await whole(SHOW_PAGE_IN_FULL + 8))).toBe(true)

    // A torn record, or one whose numbers do not fit: rendered whole.
    for (const torn of ['{"size": 12', JSON.stringify({ size: 1, mtimeMs: 0, start: 5, end: 2, count: 1, digest: 'x' })]) {
      await build(SHOW_PAGE_IN_FULL + 8)
      await writeFile(record, torn)
      await build(SHOW_PAGE_IN_FULL + 9)
      expect((await readFile(index)).equals(await whole(SHOW_PAGE_IN_FULL + 9))).toBe(true)
    }

    // Back to fewer older episodes than recorded (episodes removed): rendered whole.
    await build(SHOW_PAGE_IN_FULL + 2)
    expect((await readFile(index)).equals(await whole(SHOW_PAGE_IN_FULL + 2))).toBe(true)
  })
})
