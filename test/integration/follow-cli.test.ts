// `seedcast follow` against feeds served over HTTP on 127.0.0.1 by the test: a feed
// written by hand as other hosts write them, a seedcast show, PeerTube-style torrent
// sources, licenses that allow and forbid sharing.
import { readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { initShow } from '../../src/show/init.ts'
import { publish } from '../../src/show/publish.ts'
import { createTorrent } from '../../src/torrent/create.ts'
import { readMetainfo } from '../../src/torrent/inspect.ts'
import { runCli, runCliJson } from '../helpers/cli.ts'
import { FeedHost } from '../helpers/feed-host.ts'
import { tempDir } from '../helpers/tmp.ts'
import { fixture } from './publish-helpers.ts'
import { handFeed, mediaBytes, readState, sri } from './follow-helpers.ts'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

async function setup () {
  const tmp = await tempDir()
  cleanups.push(tmp.cleanup)
  const host = await new FeedHost().start()
  cleanups.push(() => host.close())
  return { tmp, host, lib: join(tmp.path, 'library') }
}

/** `follow run --once --json` → its events. */
async function runOnce (lib: string, ...args: string[]) {
  const result = await runCli(['follow', 'run', '--once', '--dir', lib, '--no-dht', '--json', ...args], { timeoutMs: 90_000 })
  const events = result.stdout.split('\n').filter(Boolean).map(line => JSON.parse(line) as Record<string, any>)
  return { result, events, episodes: events.filter(e => e.event === 'episode') }
}

describe('seedcast follow', () => {
  it('follows a hand-written CC feed: redirect remembered, conditional GET, a new episode, an integrity mismatch kept out', async () => {
    const { tmp, host, lib } = await setup()
    const one = mediaBytes(1)
    const two = mediaBytes(2)
    const three = mediaBytes(3)
    host.put('/media/one.mp3', one, 'audio/mpeg')
    host.put('/media/two.mp3', two, 'audio/mpeg')
    host.put('/media/three.mp3', three, 'audio/mpeg')
    const episodes = [
      { guid: 'radio-1', title: 'One', date: '2026-09-01T08:00:00Z', url: host.url('/media/one.mp3'), length: one.length, integrity: sri(one) },
      // The host serves other bytes than the feed's integrity describes.
      { guid: 'radio-2', title: 'Two', date: '2026-09-02T08:00:00Z', url: host.url('/media/two.mp3'), length: two.length, integrity: sri(Buffer.from('something else')) }
    ]
    host.put('/radio/feed.xml', handFeed('Radio Libre', episodes, 'CC-BY-4.0'), 'application/rss+xml')
    host.redirects.set('/radio/old-feed', { status: 301, location: '/radio/feed.xml' })

    const added = await runCliJson(['follow', 'add', host.url('/radio/old-feed'), '--dir', lib])
    expect(added.result.code, added.result.stderr).toBe(0)
    expect(added.json).toMatchObject({ url: host.url('/radio/feed.xml'), slug: 'radio-libre', title: 'Radio Libre', episodes: 2, license: 'CC-BY-4.0', added: true })

    const first = await runOnce(lib, '--tracker', 'http://127.0.0.1:9/announce')
    // An episode failed: --once says so by its status and one line, for cron and scripts.
    expect(first.result.code, first.result.stderr).toBe(1)
    expect(first.result.stderr).toBe('not done: 1 episode(s) failed (radio-libre: "Two" EINTEGRITY); the next run tries again (an episode up to 5 times)\n')
    expect(first.events.find(e => e.event === 'pass')).toMatchObject({ failed: 1, failures: [{ feed: 'radio-libre', guid: 'radio-2', title: 'Two', code: 'EINTEGRITY' }], feedErrors: [] })
    const got = first.episodes.find(e => e.guid === 'radio-1')!
    expect(got).toMatchObject({ action: 'downloaded', source: 'http', seed: true, length: one.length })
    expect(Buffer.compare(await readFile(got.path), one)).toBe(0)
    expect(got.path).toBe(join(lib, 'radio-libre', '2026-09-01-one', '2026-09-01-one.mp3'))
    const torrent = readMetainfo(await readFile(join(lib, 'radio-libre', '2026-09-01-one', '2026-09-01-one.torrent')))
    expect(torrent.infoHash).toBe(got.infoHash)
    expect(torrent.webSeeds).toEqual([host.url('/media/one.mp3')])
    expect(torrent.announce).toEqual([['http://127.0.0.1:9/announce']])

    const bad = first.episodes.find(e => e.guid === 'radio-2')!
    expect(bad).toMatchObject({ action: 'failed', code: 'EINTEGRITY' })
    expect(bad.message).toMatch(/do not match the feed's podcast:integrity/)
    expect(await readdir(join(lib, 'radio-libre'))).toEqual(['2026-09-01-one'])

    // Nothing new, but radio-2 is to be tried again: the feed is asked for whole (a 304 left a
    // failed episode failed until the feed changed), and only radio-2's media is asked for.
    const second = await runOnce(lib)
    expect(second.result.code, second.result.stderr).toBe(1)
    expect(host.requests('/radio/old-feed')).toHaveLength(1)
    expect(host.requests('/radio/feed.xml').at(-1)).toMatchObject({ status: 200 })
    expect(host.requests('/radio/feed.xml').at(-1)!.ifNoneMatch).toBeUndefined()
    expect(host.requests('/media/one.mp3')).toHaveLength(1)
    expect(second.episodes.map(e => [e.guid, e.action, e.code])).toEqual([['radio-2', 'failed', 'EINTEGRITY']])

    // An episode added between two runs: only it is downloaded (and the failed one retried).
    const withThree = [...episodes, { guid: 'radio-3', title: 'Three', date: '2026-09-03T08:00:00Z', url: host.url('/media/three.mp3'), length: three.length }]
    host.put('/radio/feed.xml', handFeed('Radio Libre', withThree, 'CC-BY-4.0'), 'application/rss+xml')
    const third = await runOnce(lib)
    expect(third.episodes.map(e => [e.guid, e.action])).toEqual(expect.arrayContaining([['radio-3', 'downloaded'], ['radio-2', 'failed']]))
    expect(third.episodes.some(e => e.guid === 'radio-1')).toBe(false)
    expect(host.requests('/media/one.mp3')).toHaveLength(1)
    const state = await readState(lib)
    expect(state.feeds[0]).toMatchObject({ url: host.url('/radio/feed.xml'), previousUrls: [host.url('/radio/old-feed')] })
    expect(Object.values(state.feeds[0]!.episodes).map(e => e.status).sort()).toEqual(['downloaded', 'downloaded', 'failed'])

    const list = await runCliJson(['follow', 'list', '--dir', lib])
    expect(list.json.feeds).toEqual([expect.objectContaining({ slug: 'radio-libre', episodes: 2, bytes: one.length + three.length, failed: 1, license: 'CC-BY-4.0' })])
    const exported = await runCli(['follow', 'export', '--dir', lib])
    expect(exported.stdout).toContain(`xmlUrl="${host.url('/radio/feed.xml')}"`)
    await writeFile(join(tmp.path, 'subs.opml'), exported.stdout)
    const other = join(tmp.path, 'other-library')
    const imported = await runCliJson(['follow', 'import', join(tmp.path, 'subs.opml'), '--dir', other])
    expect(imported.json.added).toEqual([expect.objectContaining({ url: host.url('/radio/feed.xml'), slug: 'radio-libre' })])
    expect(imported.json.alreadyFollowed).toEqual([])

    // Retention: keep 1 per feed drops the older episode's files and never fetches it again.
    const kept = await runOnce(lib, '--keep', '1')
    expect(kept.episodes.filter(e => e.action === 'dropped').map(e => e.guid)).toEqual(['radio-1'])
    expect(await readdir(join(lib, 'radio-libre'))).toEqual(['2026-09-03-three'])
    const removed = await runCliJson(['follow', 'remove', 'radio-libre', '--dir', lib])
    expect(removed.json).toMatchObject({ slug: 'radio-libre', deleted: true })
    expect(await readdir(lib)).not.toContain('radio-libre')
  }, 240_000)

  it('takes a seedcast show and PeerTube-style sources by torrent, and honours licenses', async () => {
    const { tmp, host, lib } = await setup()
    // A seedcast show published with the library, served as a static host would.
    const show = join(tmp.path, 'show')
    await initShow(show, { title: 'P2P Show', description: 'd', author: 'a', ownerName: 'o', ownerEmail: 'o@example.org', language: 'en', category: 'Technology', baseUrl: host.url('/show/'), image: fixture('cover.jpg') })
    const published = await publish(show, fixture('episode.mp3'), { title: 'First', date: '2026-09-01T00:00:00Z' })
    await host.putFolder('/show', join(show, 'public'))

    // PeerTube: the enclosure plus an alternateEnclosure with a .torrent whose web seed is the file.
    const video = mediaBytes(9, 200_000)
    const videoFile = join(tmp.path, 'abc-720.mp4')
    await writeFile(videoFile, video)
    const peertubeTorrent = await createTorrent(videoFile, { webSeeds: [host.url('/videos/abc-720.mp4')], announce: [] })
    host.put('/videos/abc-720.mp4', video, 'video/mp4')
    host.put('/torrents/abc-720.torrent', peertubeTorrent.torrent, 'application/x-bittorrent')
    host.put('/tube/feed.xml', handFeed('Tube', [{ guid: 'https://tube.example/w/abc', title: 'Video', date: '2026-09-01T00:00:00Z', url: host.url('/videos/abc-720.mp4'), length: video.length, torrent: host.url('/torrents/abc-720.torrent'), integrity: sri(video) }], 'cc-by-sa-4.0'))

    // All rights reserved: downloaded for the listener, never seeded, unless the user says so.
    const closed = mediaBytes(5)
    host.put('/closed/ep.mp3', closed, 'audio/mpeg')
    host.put('/closed/feed.xml', handFeed('Closed Radio', [{ guid: 'c1', title: 'Closed one', date: '2026-09-01T00:00:00Z', url: host.url('/closed/ep.mp3'), length: closed.length }], '© 2026 Closed Radio. All rights reserved.'))
    host.put('/nolicense/feed.xml', handFeed('Shared Radio', [{ guid: 's1', title: 'Shared one', date: '2026-09-01T00:00:00Z', url: host.url('/closed/ep.mp3'), length: closed.length }]))

    // The show is followed by its page's address, as a listener has it: the page names its feeds.
    host.put('/show/', await readFile(join(show, 'public', 'index.html')), 'text/html; charset=utf-8')
    const byPage = await runCliJson(['follow', 'add', host.url('/show/'), '--dir', lib])
    expect(byPage.result.code, byPage.result.stderr).toBe(0)
    expect(byPage.json).toMatchObject({ url: host.url('/show/rss.xml'), title: 'P2P Show', episodes: 1, added: true })
    for (const path of ['/tube/feed.xml', '/closed/feed.xml']) {
      const added = await runCli(['follow', 'add', host.url(path), '--dir', lib])
      expect(added.code, added.stderr).toBe(0)
    }
    expect((await runCli(['follow', 'add', host.url('/nolicense/feed.xml'), '--dir', lib, '--allow-redistribution'])).code).toBe(0)

    const run = await runOnce(lib)
    expect(run.result.code, run.result.stderr).toBe(0)
    const byTitle = Object.fromEntries(run.episodes.map(e => [e.title, e]))
    expect(byTitle.First).toMatchObject({ action: 'downloaded', source: 'torrent', infoHash: published.episode.infoHash, seed: true })
    expect(Buffer.compare(await readFile(byTitle.First.path), await readFile(fixture('episode.mp3')))).toBe(0)
    const showTorrent = join(lib, 'p2p-show', '2026-09-01-first', '2026-09-01-first.torrent')
    expect(Buffer.compare(await readFile(showTorrent), await readFile(join(show, 'public', published.episode.torrentPath)))).toBe(0)

    expect(byTitle.Video).toMatchObject({ action: 'downloaded', source: 'torrent', infoHash: peertubeTorrent.infoHash, seed: true })
    expect(Buffer.compare(await readFile(byTitle.Video.path), video)).toBe(0)
    expect(host.requests('/torrents/abc-720.torrent').length).toBeGreaterThan(0)

    expect(byTitle['Closed one']).toMatchObject({ action: 'downloaded', source: 'http', seed: false })
    expect(byTitle['Shared one']).toMatchObject({ action: 'downloaded', source: 'http', seed: true })
  }, 240_000)

  it('fails an enclosure the host answers with an HTML page, keeps nothing of it, and fetches the media whole once it is served', async () => {
    const { host, lib } = await setup()
    const one = mediaBytes(1)
    host.put('/media/soon.mp3', '<!DOCTYPE html><html><body>Coming soon</body></html>', 'text/html')
    const episodes = [{ guid: 'soon-1', title: 'Soon', date: '2026-09-01T08:00:00Z', url: host.url('/media/soon.mp3'), length: one.length }]
    host.put('/feed.xml', handFeed('Soon Radio', episodes, 'CC-BY-4.0'), 'application/rss+xml')
    expect((await runCli(['follow', 'add', host.url('/feed.xml'), '--dir', lib])).code).toBe(0)

    const first = await runOnce(lib)
    expect(first.result.code).toBe(1)
    expect(first.episodes).toEqual([expect.objectContaining({ guid: 'soon-1', action: 'failed', code: 'ENOTMEDIA', message: `${host.url('/media/soon.mp3')} is not an audio or video file (the host answered with an HTML page)` })])
    expect(await readdir(join(lib, 'soon-radio')).catch(() => [])).toEqual([])

    // The host serves the media now; the feed is the same: with an episode to retry, the
    // feed is asked for whole (a 304 left the episode failed until the feed changed).
    host.put('/media/soon.mp3', one, 'audio/mpeg')
    const second = await runOnce(lib)
    expect(host.requests('/feed.xml').at(-1)).toMatchObject({ status: 200 })
    expect(host.requests('/feed.xml').at(-1)!.ifNoneMatch).toBeUndefined()
    expect(second.result.code, second.result.stderr).toBe(0)
    const got = second.episodes.find(e => e.guid === 'soon-1')!
    expect(got).toMatchObject({ action: 'downloaded', source: 'http', length: one.length })
    expect(Buffer.compare(await readFile(got.path), one)).toBe(0)
    expect(host.requests('/media/soon.mp3').map(entry => entry.range)).toEqual([undefined, undefined])

    // Nothing new and nothing to retry: one conditional GET, answered 304, and no media request.
    const third = await runOnce(lib)
    expect(third.result.code, third.result.stderr).toBe(0)
    expect(host.requests('/feed.xml').at(-1)).toMatchObject({ status: 304, bytes: 0 })
    expect(host.requests('/feed.xml').at(-1)!.ifNoneMatch).toBeTruthy()
    expect(host.requests('/media/soon.mp3')).toHaveLength(2)
    expect(third.episodes).toEqual([])
  }, 120_000)

  it('--once exits 1 naming a followed feed that could not be read, in text and in --json', async () => {
    const { host, lib } = await setup()
    host.put('/feed.xml', handFeed('Gone Radio', [], 'CC-BY-4.0'), 'application/rss+xml')
    expect((await runCli(['follow', 'add', host.url('/feed.xml'), '--dir', lib])).code).toBe(0)
    host.files.delete('/feed.xml')
    const text = await runCli(['follow', 'run', '--once', '--dir', lib, '--no-dht'], { timeoutMs: 60_000 })
    expect(text.code).toBe(1)
    expect(text.stderr).toBe(`gone-radio: ${host.url('/feed.xml')}: HTTP 404 Not Found\n1 feed(s) polled, 0 new episode(s), 0 failed, 0 dropped\nnot done: 1 feed(s) could not be read (gone-radio); the next run tries again (an episode up to 5 times)\n`)
    const json = await runOnce(lib)
    expect(json.result.code).toBe(1)
    expect(json.events.find(e => e.event === 'pass')).toMatchObject({ failures: [], feedErrors: [{ feed: 'gone-radio', url: host.url('/feed.xml'), message: `${host.url('/feed.xml')}: HTTP 404 Not Found` }] })
  }, 60_000)

  it('refuses what is not a feed with one line', async () => {
    const { host, lib } = await setup()
    host.put('/page', '<!DOCTYPE html><html><body>Welcome</body></html>', 'text/html')
    const page = await runCli(['follow', 'add', host.url('/page'), '--dir', lib])
    expect(page.code).toBe(1)
    expect(page.stderr).toBe(`seedcast: ${host.url('/page')}: not a podcast feed (it is an HTML page that names no feed) (check that the URL is a podcast RSS or Atom feed)\n`)
    const missing = await runCli(['follow', 'add', host.url('/nothing'), '--dir', lib])
    expect(missing.stderr).toMatch(/^seedcast: .*\/nothing: HTTP 404 Not Found \(check the feed URL\)\n$/)
    const none = await runCli(['follow', 'run', '--once', '--dir', lib])
    expect(none.stderr).toMatch(/no feed is followed yet \(add one with `seedcast follow add <feed-url>`\)/)
    // seed now fetches a magnet before seeding it (seed-remote.test.ts covers the success path): a magnet nobody
    // can serve (no tracker, no .torrent, the DHT off) ends at once with one line (get-bare-magnet.test.ts),
    // never ENAMETOOLONG from treating it as a path.
    const magnet = await runCli(['seed', `magnet:?xt=urn:btih:${'a'.repeat(40)}&dn=${'x'.repeat(300)}`, '--timeout', '2', '--no-dht', '--data', lib, '--state', join(lib, 'state')])
    expect(magnet.code).toBe(1)
    expect(magnet.stderr).toMatch(/^seedcast: nowhere to find the metadata of a{40}: the magnet link names no tracker .*\(add a tracker with a tr= parameter in the magnet, turn the DHT on, or give the \.torrent\)$/m)
    expect(magnet.stderr).not.toMatch(/ENAMETOOLONG/)
    // An OPML list's entries that are no feed address are each reported (exit 1), not dropped unseen.
    host.put('/feed.xml', handFeed('Listed Radio', [], 'CC-BY-4.0'), 'application/rss+xml')
    const opml = join(lib, '..', 'mixed.opml')
    await writeFile(opml, `<?xml version="1.0"?><opml version="2.0"><head/><body><outline text="ok" xmlUrl="${host.url('/feed.xml').replace(/^http:/, 'itpc:')}"/><outline text="typo" xmlUrl="htp//radio.example/rss"/><outline text="local" xmlUrl="file:///etc/passwd"/></body></opml>`)
    // A show site's "Subscribe" link in the iTunes scheme is the feed's http address.
    const subscribe = await runCliJson(['follow', 'add', host.url('/feed.xml').replace(/^http:/, 'itpc:'), '--dir', join(lib, '..', 'other')])
    expect(subscribe.json).toMatchObject({ url: host.url('/feed.xml'), title: 'Listed Radio', added: true })
    const listed = await runCli(['follow', 'import', opml, '--dir', lib])
    expect(listed.code).toBe(1)
    expect(listed.stdout).toBe('following Listed Radio\n1 feed(s) added, 2 failed\n')
    expect(listed.stderr).toBe('seedcast: htp//radio.example/rss: not a URL\nseedcast: file:///etc/passwd: only http(s) feeds can be fetched\n')
    const notFollowed = await runCli(['follow', 'remove', 'nope', '--dir', lib])
    expect(notFollowed.code).toBe(1)
    expect(notFollowed.stderr).toMatch(/^seedcast: not following nope/)
  }, 60_000)
})
