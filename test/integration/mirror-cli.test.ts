// `seedcast mirror` republishes a hand-written Creative Commons feed served on 127.0.0.1;
// aria2c then gets a mirrored episode from `seedcast seed` on the mirror with every web seed out of reach.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { readPodcastFeed } from '../../src/feed/read/podcast-feed.ts'
import { readMetainfo } from '../../src/torrent/inspect.ts'
import { aria2Download } from '../helpers/aria2.ts'
import { binPath, runCli, runCliJson } from '../helpers/cli.ts'
import { FeedHost } from '../helpers/feed-host.ts'
import { startJsonProcess, waitForLines, within } from '../helpers/json-process.ts'
import { tempDir } from '../helpers/tmp.ts'
import { startTracker } from '../helpers/tracker.ts'
import { handFeed, mediaBytes, sri } from './follow-helpers.ts'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

const ownerTag = '\n    <itunes:owner><itunes:name>Radio</itunes:name><itunes:email>radio@example.org</itunes:email></itunes:owner>'

describe('seedcast mirror', () => {
  it('republishes a feed P2P: same GUIDs, enclosures on the original host, torrents with both web seeds; updates; seeds to aria2c', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const host = await new FeedHost().start()
    cleanups.push(() => host.close())
    const tracker = await startTracker({ ws: false })
    cleanups.push(tracker.close)
    const one = mediaBytes(1, 150_000)
    const two = mediaBytes(2)
    host.put('/media/one.mp3', one, 'audio/mpeg')
    host.put('/media/two.mp3', two, 'audio/mpeg')
    const episodes = [{ guid: 'orig-1', title: 'One', date: '2026-09-01T00:00:00Z', url: host.url('/media/one.mp3'), length: one.length, integrity: sri(one) }]
    host.put('/feed.xml', handFeed('Free Radio', episodes, 'CC-BY-SA-4.0', ownerTag))
    const show = join(tmp.path, 'mirror')
    const base = 'http://127.0.0.1:9/mirror/' // nothing listens there: the mirror's copy is out of reach too

    const made = await runCliJson(['mirror', host.url('/feed.xml'), show, '--base-url', base, '--tracker', tracker.httpUrl, '--no-dht'], { timeoutMs: 90_000 })
    expect(made.result.code, made.result.stderr).toBe(0)
    expect(made.json).toMatchObject({ added: ['orig-1'], episodes: 1, feedUrl: host.url('/feed.xml') })
    const catalog = JSON.parse(await readFile(join(show, 'episodes.json'), 'utf8'))
    const entry = catalog.episodes[0]
    expect(entry).toMatchObject({ guid: 'orig-1', title: 'One', originalUrl: host.url('/media/one.mp3'), length: one.length, sha256: sri(one).slice('sha256-'.length) })
    expect(Buffer.compare(await readFile(join(show, 'public', entry.mediaPath)), one)).toBe(0)

    const rssXml = await readFile(join(show, 'public', 'rss.xml'), 'utf8')
    const rss = readPodcastFeed(rssXml)
    expect(rss.title).toBe('Free Radio')
    expect(rss.description).toContain(`A peer-to-peer mirror of ${host.url('/feed.xml')}`)
    expect(rssXml).toContain(`href="${host.url('/feed.xml')}" rel="via"`)
    expect(rss.episodes[0]!.guid).toBe('orig-1')
    expect(rss.episodes[0]!.enclosure?.url).toBe(host.url('/media/one.mp3'))
    expect(rss.episodes[0]!.media.torrents).toEqual([`${base}${entry.torrentPath}`])
    expect(rss.episodes[0]!.media.http).toEqual([host.url('/media/one.mp3'), `${base}${entry.mediaPath}`])
    expect(rss.episodes[0]!.media.magnets[0]).toContain(`xt=urn:btih:${entry.infoHash}`)
    const p2p = readPodcastFeed(await readFile(join(show, 'public', 'p2p.xml'), 'utf8'))
    expect(p2p.episodes[0]!.media.magnets).toEqual(rss.episodes[0]!.media.magnets)
    expect(p2p.episodes[0]!.enclosure).toBeUndefined()
    const torrentPath = join(show, 'public', entry.torrentPath)
    const torrent = readMetainfo(await readFile(torrentPath))
    expect(torrent.infoHash).toBe(entry.infoHash)
    expect(torrent.webSeeds.sort()).toEqual([`${base}${entry.mediaPath}`, host.url('/media/one.mp3')].sort())
    expect(torrent.announce.flat()).toContain(tracker.httpUrl)

    // A later run adds only the new episode.
    host.put('/feed.xml', handFeed('Free Radio', [...episodes, { guid: 'orig-2', title: 'Two', date: '2026-09-02T00:00:00Z', url: host.url('/media/two.mp3'), length: two.length }], 'CC-BY-SA-4.0', ownerTag))
    const updated = await runCliJson(['mirror', host.url('/feed.xml'), show, '--base-url', base, '--tracker', tracker.httpUrl, '--no-dht'], { timeoutMs: 90_000 })
    expect(updated.json).toMatchObject({ added: ['orig-2'], episodes: 2 })
    expect(host.requests('/media/one.mp3')).toHaveLength(1)

    // `seedcast seed` takes the mirror like any show; aria2c gets episode one with the original host closed.
    const seeder = startJsonProcess([binPath, 'seed', show, '--no-dht', '--no-lsd', '--no-webrtc', '--state', join(tmp.path, 'state'), '--json'])
    cleanups.push(seeder.kill)
    await waitForLines('the mirror seeded', 60_000, () => seeder.lines.filter(line => line.event === 'seeding').length === 2, [seeder])
    await host.close()
    const out = join(tmp.path, 'aria2')
    const aria = await aria2Download(torrentPath, out, 60_000)
    expect(aria.code, aria.output).toBe(0)
    expect(Buffer.compare(await readFile(join(out, torrent.name)), one)).toBe(0)
    seeder.child.kill('SIGTERM')
    expect((await within(seeder.exited, 20_000, 'seeder stop')).code).toBe(0)
  }, 240_000)

  it('refuses a feed whose license does not allow redistribution', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const host = await new FeedHost().start()
    cleanups.push(() => host.close())
    host.put('/media/x.mp3', mediaBytes(1), 'audio/mpeg')
    host.put('/feed.xml', handFeed('Closed Radio', [{ guid: 'x', title: 'X', date: '2026-09-01T00:00:00Z', url: host.url('/media/x.mp3'), length: 65536 }], 'All rights reserved', ownerTag))
    const refused = await runCli(['mirror', host.url('/feed.xml'), join(tmp.path, 'm'), '--base-url', 'http://127.0.0.1:9/m/'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toBe(`seedcast: ${host.url('/feed.xml')}: its license (All rights reserved) does not allow redistribution; not mirrored (mirror only Creative Commons or freely licensed shows, or --allow-redistribution if the author allowed you)\n`)
    expect(host.requests('/media/x.mp3')).toHaveLength(0)
  }, 60_000)
})
