import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli, runCliJson } from '../helpers/cli.js'
import { tempDir } from '../helpers/tmp.js'
import { BASE_URL, exists, fixture, initFlags, readCatalogFile, readFeeds, tempShow, treeHash } from './publish-helpers.js'

describe('seedcast episodes and feed build', () => {
  let tmp: { path: string, cleanup: () => Promise<void> }
  let show: string
  let first: any
  let second: any
  beforeEach(async () => {
    ({ show, ...tmp } = await tempShow())
    first = (await runCliJson(['publish', fixture('episode.mp3'), '--show', show, '--date', '2026-11-01'])).json.episode
    second = (await runCliJson(['publish', fixture('video.mp4'), '--show', show, '--date', '2026-11-02'])).json.episode
  })
  afterEach(async () => { await tmp.cleanup() })

  it('lists the catalog newest first', async () => {
    const { result, json } = await runCliJson(['episodes', 'list', '--show', show])
    expect(result.code).toBe(0)
    expect(json.episodes.map((episode: { slug: string }) => episode.slug)).toEqual([second.slug, first.slug])
    const text = await runCli(['episodes', 'list', '--show', show])
    expect(text.stdout).toContain('Test Show: 2 episodes')
    expect(text.stdout).toMatch(/2026-11-01 {2}episode-1-introduction-to-seedcast {2}0:34 {2}Episode 1: Introduction to seedcast/)
    // 59.6 s is a minute, not "0:60" (the seconds were rounded alone).
    const catalog = await readCatalogFile(show)
    catalog.episodes.find((episode: { slug: string }) => episode.slug === first.slug)!.duration = 59.6
    await writeFile(join(show, 'episodes.json'), JSON.stringify(catalog, null, 2))
    expect((await runCli(['episodes', 'list', '--show', show])).stdout).toMatch(/episode-1-introduction-to-seedcast {2}1:00 {2}/)
  })

  it('prints titles with terminal controls shown, not run (a catalog an older import wrote from a hostile feed)', async () => {
    const catalog = await readCatalogFile(show)
    catalog.episodes[0]!.title = 'Evil \u001b]0;pwned\u0007\u001b[2J title'
    await writeFile(join(show, 'episodes.json'), JSON.stringify(catalog, null, 2))
    for (const args of [['episodes', 'list', '--show', show], ['episodes', 'show', catalog.episodes[0]!.slug, '--show', show]]) {
      const text = await runCli(args)
      expect(text.code, text.stderr).toBe(0)
      expect(text.stdout).toContain('Evil \uFFFD]0;pwned\uFFFD\uFFFD[2J title')
      expect(text.stdout.includes('\u001b'), args.join(' ')).toBe(false)
      // Lines stay lines.
      expect(text.stdout.split('\n').length).toBeGreaterThan(2)
    }
    // --json keeps the text as it is (JSON escapes it).
    const json = await runCliJson(['episodes', 'list', '--show', show])
    expect(json.json.episodes.map((episode: { title: string }) => episode.title)).toContain('Evil \u001b]0;pwned\u0007\u001b[2J title')
  })

  it('shows one episode by slug or guid with its URLs', async () => {
    const bySlug = await runCliJson(['episodes', 'show', first.slug, '--show', show])
    expect(bySlug.json.episode).toEqual(first)
    expect(bySlug.json.mediaUrl).toBe(`${BASE_URL}media/${first.slug}.mp3`)
    // The text gives the duration as episodes list does; --json keeps the seconds.
    expect(bySlug.json.episode.duration).toBeCloseTo(34.377, 2)
    const text = await runCli(['episodes', 'show', first.slug, '--show', show])
    expect(text.stdout).toMatch(/^duration {5}0:34$/m)
    const byGuid = await runCliJson(['episodes', 'show', second.guid, '--show', show])
    expect(byGuid.json.episode.slug).toBe(second.slug)
    const missing = await runCli(['episodes', 'show', 'nope', '--show', show])
    expect(missing.code).toBe(1)
    expect(missing.stderr.trim()).toBe('seedcast: no episode "nope" in this show (see `seedcast episodes list` for the slugs)')
  })

  it('edits fields, keeps slug/guid/media, and regenerates the feeds', async () => {
    const { result, json } = await runCliJson(['episodes', 'edit', first.slug, '--show', show, '--title', 'A new title',
      '--description', 'New words', '--date', '2026-11-24T18:00:00Z', '--season', '2', '--episode', '7', '--explicit'])
    expect(result.code).toBe(0)
    expect(json.episode).toEqual({ ...first, title: 'A new title', description: 'New words', pubDate: '2026-11-24T18:00:00.000Z', season: 2, episode: 7, explicit: true })
    const feeds = await readFeeds(show)
    const item = feeds.rss.items!.find((candidate: { guid?: { value?: string } }) => candidate.guid?.value === first.guid)!
    expect(item.title).toBe('A new title')
    expect(item.itunes).toMatchObject({ season: 2, episode: 7, explicit: true })
    expect(feeds.rss.items![0]!.guid?.value).toBe(first.guid) // now the newest
    expect(feeds.json.items!.find(entry => entry.title === 'A new title')).toBeDefined()

    const cleared = await runCliJson(['episodes', 'edit', first.slug, '--show', show, '--season', '0', '--draft'])
    expect(cleared.json.episode.season).toBeUndefined()
    expect((await readFeeds(show)).guids.rss).toEqual([second.guid])
    const bad = await runCli(['episodes', 'edit', first.slug, '--show', show, '--title', '  '])
    expect(bad.code).toBe(2)
    expect(bad.stderr.trim()).toBe('seedcast: --title: must not be empty')
  })

  it('removes an episode from catalog and feeds, and its files unless --keep-media', async () => {
    const { result, json } = await runCliJson(['episodes', 'remove', first.slug, '--show', show])
    expect(result.code).toBe(0)
    expect(json.episode.guid).toBe(first.guid)
    expect((await readCatalogFile(show)).episodes.map(episode => episode.slug)).toEqual([second.slug])
    expect((await readFeeds(show)).guids).toEqual({ rss: [second.guid], p2p: [second.guid], atom: [second.guid], json: [second.guid] })
    for (const path of [first.mediaPath, first.torrentPath, first.chaptersPath]) expect(await exists(join(show, 'public', path))).toBe(false)

    await runCliJson(['episodes', 'remove', second.slug, '--show', show, '--keep-media'])
    expect((await readFeeds(show)).guids.rss).toEqual([])
    expect(await exists(join(show, 'public', second.mediaPath))).toBe(true)
    expect(await exists(join(show, 'public', second.torrentPath))).toBe(true)
  })

  it('feed build regenerates the feeds after a hand edit of show.json', async () => {
    const config = JSON.parse(await readFile(join(show, 'show.json'), 'utf8'))
    await writeFile(join(show, 'show.json'), JSON.stringify({ ...config, title: 'Renamed Show' }, null, 2))
    const { result, json } = await runCliJson(['feed', 'build', '--show', show])
    expect(result.code).toBe(0)
    expect(json).toMatchObject({ episodes: 2, published: 2 })
    const feeds = await readFeeds(show)
    expect(feeds.rss.title).toBe('Renamed Show')
    expect(feeds.atom.title).toMatchObject({ value: 'Renamed Show' })
    expect(feeds.guids.rss).toEqual([first.guid, second.guid].sort())
  })

  it('repairs feeds a killed writer left older than the catalog, and sweeps its temp files', async () => {
    // The state a SIGKILL between the catalog write and the feed writes leaves behind.
    const catalog = await readCatalogFile(show)
    catalog.episodes[0]!.title = 'Renamed before the kill'
    await writeFile(join(show, '.seedcast', 'feeds-stale'), '12345\n')
    await writeFile(join(show, 'episodes.json'), JSON.stringify(catalog, null, 2))
    await writeFile(join(show, 'public', 'rss.xml.3735928559'), '<rss half written')
    expect((await readFeeds(show)).rss.items!.map(item => item.title)).not.toContain('Renamed before the kill')

    const list = await runCli(['episodes', 'list', '--show', show])
    expect(list.code).toBe(0)
    const feeds = await readFeeds(show)
    expect(feeds.rss.items!.map(item => item.title)).toContain('Renamed before the kill')
    expect(feeds.json.items!.map(item => item.title)).toContain('Renamed before the kill')
    expect(await exists(join(show, '.seedcast', 'feeds-stale'))).toBe(false)
    expect(await exists(join(show, 'public', 'rss.xml.3735928559'))).toBe(false)
  })

  it('feed build on a broken show.json names the field', async () => {
    const config = JSON.parse(await readFile(join(show, 'show.json'), 'utf8'))
    delete config.title
    await writeFile(join(show, 'show.json'), JSON.stringify(config))
    const result = await runCli(['feed', 'build', '--show', show])
    expect(result.code).toBe(1)
    expect(result.stderr.trim()).toBe('seedcast: show.json: title: required (fix the file by hand or restore it from a backup)')
  })
})

describe('seedcast demo', () => {
  let tmp: { path: string, cleanup: () => Promise<void> }
  beforeEach(async () => { tmp = await tempDir() })
  afterEach(async () => { await tmp.cleanup() })

  it('builds the demo show from the fixtures and reuses it when run again', async () => {
    const dir = join(tmp.path, 'demo')
    const built = await runCliJson(['demo', '--dir', dir])
    expect(built.result.code).toBe(0)
    expect(built.json.created).toBe(true)
    expect(built.json.episodes.map((entry: any) => entry.episode.mimeType)).toEqual(['audio/mpeg', 'audio/mpeg', 'video/mp4'])
    const feeds = await readFeeds(dir)
    expect(feeds.rss.items).toHaveLength(3)
    expect(feeds.rss.items![0]!.enclosures![0]!.url).toMatch(/^http:\/\/localhost:8080\/media\//)

    const again = await runCli(['demo', '--dir', dir])
    expect(again.code).toBe(0)
    expect(again.stdout).toContain('Reused the demo show')
    expect((await readCatalogFile(dir)).episodes.map(episode => episode.guid)).toEqual(built.json.episodes.map((entry: any) => entry.episode.guid))

    const moved = await runCliJson(['demo', '--dir', dir, '--base-url', 'http://127.0.0.1:9999/pod'])
    expect(moved.json.created).toBe(true)
    expect((await readFeeds(dir)).rss.items![0]!.enclosures![0]!.url).toMatch(/^http:\/\/127\.0\.0\.1:9999\/pod\/media\//)
  })

  it('never deletes what it did not make: a podcaster\'s show, a broken show.json, a folder of other files', async () => {
    // A podcaster's own show with another base URL: demo removed the whole folder, media and all.
    const own = await tempShow()
    try {
      const published = await runCliJson(['publish', fixture('episode.mp3'), '--show', own.show])
      expect(published.result.code, published.result.stderr).toBe(0)
      const before = await treeHash(own.show)
      for (const force of [[], ['--force']]) {
        const refused = await runCli(['demo', '--dir', own.show, ...force])
        expect(refused.code).toBe(1)
        expect(refused.stdout).toBe('')
        expect(refused.stderr).toMatch(/^seedcast: .*show holds the show ".+", not seedcast's demo; not replaced \(choose another --dir: the demo only replaces a demo show it made\)\n$/)
      }
      expect(await treeHash(own.show)).toBe(before)

      await writeFile(join(own.show, 'show.json'), '{"version": 1, "title": "typo"')
      const broken = await runCli(['demo', '--dir', own.show, '--force'])
      expect(broken.stderr).toMatch(/^seedcast: .*show holds a show\.json that cannot be read; not replaced by the demo/)
      expect(await exists(join(own.show, 'public', 'media', `${published.json.episode.slug}.mp3`))).toBe(true)
    } finally {
      await own.cleanup()
    }

    // A folder with other files and no show: the demo once moved in, and --force then deleted them.
    const music = join(tmp.path, 'music')
    await mkdir(music)
    await writeFile(join(music, 'song.txt'), 'precious')
    const elsewhere = await runCli(['demo', '--dir', music])
    expect(elsewhere.code).toBe(1)
    expect(elsewhere.stderr).toMatch(/music already holds files and no show; the demo is not built there \(choose a new or empty --dir\)\n$/)
    expect(await readdir(music)).toEqual(['song.txt'])

    // What an init cut before show.json leaves (a first `npm start` stopped early) is built again,
    // and so is it by init.
    const cutShort = async (name: string) => {
      const folder = join(tmp.path, name)
      await mkdir(join(folder, '.seedcast', 'tmp'), { recursive: true })
      await mkdir(join(folder, 'public', 'media'), { recursive: true })
      await writeFile(join(folder, 'public', 'cover.jpg'), 'half a cover')
      await writeFile(join(folder, 'episodes.json'), '{"version": 1, "episodes": []}')
      return folder
    }
    const cut = await cutShort('cut')
    const resumed = await runCliJson(['demo', '--dir', cut])
    expect(resumed.result.code, resumed.result.stderr).toBe(0)
    expect((await readCatalogFile(cut)).episodes).toHaveLength(3)
    const cutInit = await runCli(['init', await cutShort('cut-init'), ...initFlags])
    expect(cutInit.code, cutInit.stderr).toBe(0)
    // A show whose show.json was deleted keeps its media: neither demo nor init takes it over.
    await rm(join(cut, 'show.json'))
    expect((await runCli(['demo', '--dir', cut])).stderr).toMatch(/already holds files and no show/)
    expect((await runCli(['init', cut, ...initFlags])).stderr).toMatch(/public already holds files/)
    expect((await readCatalogFile(cut)).episodes).toHaveLength(3)

    // A demo rebuilt with --force keeps a file someone put beside it.
    const demo = join(tmp.path, 'demo')
    expect((await runCli(['demo', '--dir', demo])).code).toBe(0)
    await writeFile(join(demo, 'NOTES.txt'), 'mine')
    const rebuilt = await runCliJson(['demo', '--dir', demo, '--force'])
    expect(rebuilt.json.created).toBe(true)
    expect(await readFile(join(demo, 'NOTES.txt'), 'utf8')).toBe('mine')
    expect((await readCatalogFile(demo)).episodes).toHaveLength(3)
  })
})
