import { execFileSync } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseRssFeed } from 'feedsmith'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { publish } from '../../src/show/publish.js'
import { binPath, runCli, runCliJson, runProcess } from '../helpers/cli.js'
import { BASE_URL, exists, fixture, readFeeds, tempShow, torrentMatches, treeHash } from './publish-helpers.js'

const NEW_BASE = 'https://cdn.example.net/tea/'

// Each test runs the CLI a dozen times; at load 20+ on two cores that can pass a minute.
describe('seedcast show and show edit', { timeout: 240_000 }, () => {
  let tmp: { path: string, cleanup: () => Promise<void> }
  let show: string
  let episodes: any[]
  beforeEach(async () => {
    ({ show, ...tmp } = await tempShow())
    episodes = []
    for (const [file, date] of [['episode.mp3', '2026-11-01'], ['video.mp4', '2026-11-02']] as const) {
      episodes.push((await runCliJson(['publish', fixture(file), '--show', show, '--date', date])).json)
    }
  })
  afterEach(async () => { await tmp.cleanup() })

  it('moves the show to a new base URL: torrents (same infohash), magnets and feeds follow, and lint is clean', async () => {
    const { result, json } = await runCliJson(['show', 'edit', '--show', show, '--base-url', 'https://cdn.example.net/tea',
      '--tracker', 'wss://tracker.example.net/', '--tracker', 'self', '--redirect-from-old'])
    expect(result.code).toBe(0)
    expect(json.changed.sort()).toEqual(['baseUrl', 'trackers'])
    expect(json.torrents.sort()).toEqual(episodes.map(published => published.episode.slug).sort())
    expect(json.show.podcastGuid).toBe(json.before.podcastGuid) // the show keeps its identity
    expect(json.show.trackers).toEqual(['wss://tracker.example.net/', 'self'])

    for (const { episode, magnet } of episodes) {
      const torrent = await torrentMatches(join(show, 'public', episode.torrentPath), join(show, 'public', episode.mediaPath))
      expect(torrent.infoHash).toBe(episode.infoHash)
      expect(torrent.webSeeds).toEqual([`${NEW_BASE}${episode.mediaPath}`])
      // `self` stays `self` in show.json and moves with the base URL in the torrents.
      expect(torrent.announce).toEqual(['wss://tracker.example.net/', `${NEW_BASE}announce`, 'wss://cdn.example.net/tea/announce'])
      const shown = (await runCliJson(['episodes', 'show', episode.slug, '--show', show])).json
      expect(shown.magnet).not.toBe(magnet)
      expect(new URL(shown.magnet).searchParams.get('xt')).toBe(new URL(magnet).searchParams.get('xt'))
      expect(new URL(shown.magnet).searchParams.getAll('ws')).toEqual([`${NEW_BASE}${episode.mediaPath}`])
    }

    // `seedcast info`, which showed the old web seed after a hand edit, names the new one.
    const first = episodes[0].episode
    const info = await runCli(['info', join(show, 'public', first.torrentPath)])
    expect(info.stdout).toContain(`web seed:    ${NEW_BASE}${first.mediaPath}\n`)
    expect(info.stdout).toContain(`infohash:    ${first.infoHash}\n`)
    expect(info.stdout).not.toContain(BASE_URL)

    // The web pages moved too: canonical URLs, og:audio, magnet links.
    for (const page of ['index.html', ...episodes.map(published => `episodes/${published.episode.slug}/index.html`)]) {
      const html = await readFile(join(show, 'public', page), 'utf8')
      expect(html, page).toContain(`<link rel="canonical" href="${NEW_BASE}`)
      expect(html, page).not.toContain(BASE_URL)
    }
    const episodePage = await readFile(join(show, 'public', 'episodes', first.slug, 'index.html'), 'utf8')
    expect(episodePage).toContain(`${NEW_BASE}${first.mediaPath}`)

    const feeds = await readFeeds(show)
    expect(feeds.rss.atom?.links?.[0]?.href).toBe(`${NEW_BASE}rss.xml`)
    expect(feeds.rss.items!.map(item => item.enclosures?.[0]?.url).sort()).toEqual(episodes.map(p => `${NEW_BASE}${p.episode.mediaPath}`).sort())
    expect(JSON.stringify(feeds)).not.toContain(BASE_URL)

    // The old location's feeds: old URLs, every episode, and the new feed's address.
    const old = parseRssFeed(await readFile(join(show, 'old-location', 'rss.xml'), 'utf8'))
    expect(old.itunes?.newFeedUrl).toBe(`${NEW_BASE}rss.xml`)
    expect(old.items!.map(item => item.guid?.value).sort()).toEqual(feeds.guids.rss)
    expect(old.items?.[0]?.enclosures?.[0]?.url?.startsWith(BASE_URL)).toBe(true)
    const oldP2p = parseRssFeed(await readFile(join(show, 'old-location', 'p2p.xml'), 'utf8'))
    expect(oldP2p.itunes?.newFeedUrl).toBe(`${NEW_BASE}p2p.xml`)

    const lint = await runCliJson(['feed', 'lint', join(show, 'public', 'rss.xml'), '--offline'])
    expect(lint.json.findings.filter((finding: { level: string }) => finding.level !== 'info')).toEqual([])
    expect(lint.result.code).toBe(0)
  })

  it('a base URL edited by hand in show.json is carried into the torrents by feed build', async () => {
    const config = JSON.parse(await readFile(join(show, 'show.json'), 'utf8'))
    await writeFile(join(show, 'show.json'), JSON.stringify({ ...config, baseUrl: NEW_BASE, trackers: [] }, null, 2))
    const { json } = await runCliJson(['feed', 'build', '--show', show])
    expect(json.torrents).toHaveLength(2)
    for (const { episode } of episodes) {
      const torrent = await torrentMatches(join(show, 'public', episode.torrentPath), join(show, 'public', episode.mediaPath))
      expect(torrent).toMatchObject({ infoHash: episode.infoHash, webSeeds: [`${NEW_BASE}${episode.mediaPath}`], announce: [] })
    }
    expect((await runCliJson(['feed', 'build', '--show', show])).json.torrents).toEqual([]) // nothing left to rewrite
  })

  it('changes metadata and the cover; `seedcast show` prints it', async () => {
    const cover = join(tmp.path, 'new-cover.png')
    const made = await runProcess('ffmpeg', ['-loglevel', 'error', '-f', 'lavfi', '-i', 'color=c=teal:s=1400x1400', '-frames:v', '1', cover])
    expect(made.code).toBe(0)
    const { json } = await runCliJson(['show', 'edit', '--show', show, '--image', cover, '--title', 'Tea Time', '--category', 'Arts > Food',
      '--type', 'serial', '--language', 'pt-br', '--funding', 'https://example.org/give Buy us tea', '--link', 'https://example.org/',
      '--no-locked', '--explicit'])
    expect(json.changed.sort()).toEqual(['category', 'explicit', 'funding', 'image', 'language', 'link', 'locked', 'subcategory', 'title', 'type'])
    expect(json.torrents).toEqual([]) // no URL changed: the torrents are left alone
    expect(await readFile(join(show, 'public', 'cover.png'))).toEqual(await readFile(cover))
    expect(await exists(join(show, 'public', 'cover.jpg'))).toBe(false)
    const rss = (await readFeeds(show)).rss
    expect(rss).toMatchObject({ title: 'Tea Time', language: 'pt-BR', itunes: { type: 'serial', explicit: true, categories: [{ text: 'Arts', categories: [{ text: 'Food' }] }] } })
    expect(rss.podcast?.locked?.value).toBe(false)
    expect(rss.itunes?.image).toBe(`${BASE_URL}cover.png`)
    expect(rss.podcast?.fundings?.[0]).toEqual({ url: 'https://example.org/give', display: 'Buy us tea' })

    const shown = await runCliJson(['show', '--show', show])
    expect(shown.json.show.title).toBe('Tea Time')
    expect(shown.json.feeds.rss).toBe(`${BASE_URL}rss.xml`)
    expect(shown.json.episodes).toEqual({ total: 2, published: 2, scheduled: 0, drafts: 0 })
    const text = await runCli(['show', '--show', show])
    expect(text.stdout).toContain('category     Arts > Food\n')
    expect(text.stdout).toContain('type         serial\n')

    const cleared = await runCliJson(['show', 'edit', '--show', show, '--link', '', '--funding', ''])
    expect(cleared.json.show.link).toBeUndefined()
    expect(cleared.json.show.funding).toBeUndefined()
  })

  it('changes the other init values: description, author, owner, license, and clears the trackers', async () => {
    const { result, json } = await runCliJson(['show', 'edit', '--show', show, '--description', 'Talks over tea, every Monday',
      '--author', 'Ana Lima', '--owner-name', 'Ana', '--owner-email', 'ana@example.org', '--license', 'cc-by-4.0', '--tracker', ''])
    expect(result.code, result.stderr).toBe(0)
    expect(json.changed.sort()).toEqual(['author', 'description', 'license', 'owner', 'trackers'])
    expect(json.torrents.sort()).toEqual(episodes.map(published => published.episode.slug).sort())
    expect(JSON.parse(await readFile(join(show, 'show.json'), 'utf8'))).toMatchObject({
      description: 'Talks over tea, every Monday', author: 'Ana Lima', owner: { name: 'Ana', email: 'ana@example.org' }, license: 'CC-BY-4.0', trackers: []
    })
    const feeds = await readFeeds(show)
    for (const rss of [feeds.rss, feeds.p2p]) {
      expect(rss).toMatchObject({ description: 'Talks over tea, every Monday', itunes: { author: 'Ana Lima', owner: { name: 'Ana', email: 'ana@example.org' } } })
      expect(rss.podcast?.license).toEqual({ display: 'CC-BY-4.0', url: 'https://creativecommons.org/licenses/by/4.0/' })
    }
    expect(feeds.json.description).toBe('Talks over tea, every Monday')
    expect(feeds.atom.subtitle).toEqual({ value: 'Talks over tea, every Monday' })
    for (const { episode, magnet } of episodes) {
      const torrent = await torrentMatches(join(show, 'public', episode.torrentPath), join(show, 'public', episode.mediaPath))
      expect(torrent).toMatchObject({ infoHash: episode.infoHash, announce: [], webSeeds: [`${BASE_URL}${episode.mediaPath}`] })
      const shown = (await runCliJson(['episodes', 'show', episode.slug, '--show', show])).json
      expect(new URL(shown.magnet).searchParams.getAll('tr')).toEqual([])
      expect(new URL(shown.magnet).searchParams.get('xt')).toBe(new URL(magnet).searchParams.get('xt'))
    }
  })

  it('a publish hashing its file while `show edit` moves the show gets the new base URL and trackers (the show lock)', async () => {
    // The edit runs, as its own process, inside the publish's hashing: after the publish read
    // show.json and before it takes the lock to add its episode.
    let edit: string | undefined
    const published = await publish(show, fixture('episode-2.mp3'), {
      date: '2026-11-03',
      onProgress: () => {
        edit ??= execFileSync(process.execPath, [binPath, 'show', 'edit', '--show', show, '--base-url', NEW_BASE, '--tracker', 'wss://tracker.example.net/', '--json'], { encoding: 'utf8', timeout: 120_000 })
      }
    })
    expect(JSON.parse(edit!).changed.sort()).toEqual(['baseUrl', 'trackers'])
    expect(published.mediaUrl).toBe(`${NEW_BASE}${published.episode.mediaPath}`)
    expect(new URL(published.magnet).searchParams.getAll('tr')).toEqual(['wss://tracker.example.net/'])
    const all = [...episodes.map(earlier => earlier.episode), published.episode]
    for (const episode of all) {
      const torrent = await torrentMatches(join(show, 'public', episode.torrentPath), join(show, 'public', episode.mediaPath))
      expect(torrent, episode.slug).toMatchObject({ infoHash: episode.infoHash, announce: ['wss://tracker.example.net/'], webSeeds: [`${NEW_BASE}${episode.mediaPath}`] })
    }
    const feeds = await readFeeds(show)
    expect(feeds.rss.items!.map(item => item.enclosures?.[0]?.url).sort()).toEqual(all.map(episode => `${NEW_BASE}${episode.mediaPath}`).sort())
    expect(JSON.stringify(feeds)).not.toContain(BASE_URL)
    expect((await runCliJson(['feed', 'build', '--show', show])).json.torrents).toEqual([]) // nothing was left behind
    const lint = await runCliJson(['feed', 'lint', join(show, 'public', 'rss.xml'), '--offline'])
    expect(lint.json.findings.filter((finding: { level: string }) => finding.level !== 'info')).toEqual([])
  })

  it('refuses bad values and no-ops without touching the folder', async () => {
    const before = await treeHash(show)
    const cases: Array<[string[], string]> = [
      [['--language', 'english'], 'seedcast: --language: "english" is not a BCP 47 language tag'],
      [['--category', 'Cooking'], 'seedcast: --category: "Cooking" is not an Apple Podcasts category'],
      [['--base-url', 'ftp://x.example/'], 'seedcast: --base-url: "ftp://x.example/" is not an http(s) URL'],
      [['--image', fixture('cover-small.png')], 'seedcast: --image cover-small.png:'],
      [['--title', 'Same', '--redirect-from-old'], 'seedcast: --redirect-from-old: the base URL does not change'],
      [[], 'seedcast: nothing to change']
    ]
    for (const [flags, message] of cases) {
      const result = await runCli(['show', 'edit', '--show', show, ...flags])
      expect(result.code, flags.join(' ')).toBe(2 - (flags[0] === '--image' ? 1 : 0))
      expect(result.stderr.startsWith(message), result.stderr).toBe(true)
    }
    expect(await treeHash(show)).toBe(before)
    const same = await runCli(['show', 'edit', '--show', show, '--title', 'Test Show'])
    expect(same.stdout).toContain('nothing changed')
    expect(await treeHash(show)).toBe(before)
  })
})
