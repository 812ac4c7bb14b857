// `seedcast mirror` republishes a hand-written Creative Commons feed served on 127.0.0.1;
// aria2c then gets a mirrored episode from `seedcast seed` on the mirror with every web seed out of reach.
import { readdir, readFile, stat } from 'node:fs/promises'
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
import { fixture } from './publish-helpers.ts'
import { waitUntil } from './get-helpers.ts'

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

  it('stops cleanly on SIGINT mid-download (exit 130, the show holds what was mirrored) and the next run adds the rest', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const host = await new FeedHost().start()
    cleanups.push(() => host.close())
    const one = mediaBytes(1, 300_000)
    const two = mediaBytes(2)
    host.put('/media/one.mp3', one, 'audio/mpeg')
    host.put('/media/two.mp3', two, 'audio/mpeg')
    host.put('/feed.xml', handFeed('Free Radio', [
      { guid: 'orig-1', title: 'One', date: '2026-09-01T00:00:00Z', url: host.url('/media/one.mp3'), length: one.length },
      { guid: 'orig-2', title: 'Two', date: '2026-09-02T00:00:00Z', url: host.url('/media/two.mp3'), length: two.length }
    ], 'CC-BY-SA-4.0', ownerTag))
    // Newest first: Two is mirrored, then One gets its first 100 000 bytes and the connection is held open.
    host.hold('/media/one.mp3', 100_000)
    const show = join(tmp.path, 'mirror')
    const args = ['mirror', host.url('/feed.xml'), show, '--base-url', 'http://127.0.0.1:9/mirror/', '--no-dht']
    const mirror = startJsonProcess([binPath, ...args], { NO_COLOR: '1' })
    cleanups.push(mirror.kill)
    const work = join(show, '.seedcast', 'mirror-work')
    // Episode One's partial file only: Two's, downloaded first, is moved away when it completes
    // (a listing taken just before that named a file gone by the stat: ENOENT in a full run).
    const partialSize = async () => {
      const files = await readdir(work, { recursive: true, withFileTypes: true }).catch(() => [])
      const partial = files.find(entry => entry.isFile() && entry.name.endsWith('-one.mp3'))
      return partial ? (await stat(join(partial.parentPath, partial.name)).catch(() => undefined))?.size ?? 0 : 0
    }
    await waitUntil(async () => await partialSize() === 100_000, 60_000, 'the first 100 000 bytes of episode one')
    mirror.child.kill('SIGINT')
    const exit = await within(mirror.exited, 30_000, 'mirror stop').catch(error => { throw new Error(`${(error as Error).message}; stderr: ${mirror.stderr()}`) })
    expect(exit, mirror.stderr()).toEqual({ code: 130, signal: null })
    expect(mirror.stderr().trim().split('\n')).toEqual([
      'mirrored "Two"',
      'stopping (SIGINT); again to quit now',
      'seedcast: interrupted (the episodes mirrored so far are in the show; run the same command again to continue)'
    ])
    // Two is in the catalog, the feeds and public/; One is not, its partial download kept.
    const catalog = JSON.parse(await readFile(join(show, 'episodes.json'), 'utf8'))
    expect(catalog.episodes.map((e: { guid: string }) => e.guid)).toEqual(['orig-2'])
    expect(readPodcastFeed(await readFile(join(show, 'public', 'rss.xml'), 'utf8')).episodes.map(e => e.guid)).toEqual(['orig-2'])
    expect(await readdir(join(show, 'public', 'media'))).toEqual([catalog.episodes[0].mediaPath.replace(/^media\//, '')])
    expect(await partialSize()).toBe(100_000)

    host.release()
    const again = await runCliJson(args, { timeoutMs: 90_000 })
    expect(again.result.code, again.result.stderr).toBe(0)
    expect(again.json).toMatchObject({ added: ['orig-1'], episodes: 2 })
    const entry = JSON.parse(await readFile(join(show, 'episodes.json'), 'utf8')).episodes.find((e: { guid: string }) => e.guid === 'orig-1')
    expect(Buffer.compare(await readFile(join(show, 'public', entry.mediaPath)), one)).toBe(0)
  }, 120_000)

  it('takes a first SIGINT while reading the feed as a clean stop, and a second one as exit 130 at once', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const host = await new FeedHost().start()
    cleanups.push(() => host.close())
    host.put('/media/one.mp3', mediaBytes(1), 'audio/mpeg')
    host.put('/feed.xml', handFeed('Free Radio', [{ guid: 'orig-1', title: 'One', date: '2026-09-01T00:00:00Z', url: host.url('/media/one.mp3'), length: 65536 }], 'CC-BY-SA-4.0', ownerTag))
    const args = (dir: string) => [binPath, 'mirror', host.url('/feed.xml'), join(tmp.path, dir), '--base-url', 'http://127.0.0.1:9/m/', '--no-dht']
    const feedRequests = () => host.requests('/feed.xml').length

    // One signal: the mirror waits for the feed it asked for, then stops before copying anything.
    host.delay('/feed.xml')
    const once = startJsonProcess(args('once'), { NO_COLOR: '1' })
    cleanups.push(once.kill)
    await waitUntil(() => feedRequests() > 0, 60_000, 'the feed requested')
    once.child.kill('SIGINT')
    // Taken (a default SIGINT would have ended it), the stop waits for the feed.
    await waitUntil(() => once.stderr().includes('stopping (SIGINT)'), 30_000, 'the stop taken')
    host.undelay()
    expect(await within(once.exited, 30_000, 'mirror stop'), once.stderr()).toEqual({ code: 130, signal: null })
    expect(once.stderr()).toBe('stopping (SIGINT); again to quit now\nseedcast: interrupted (the episodes mirrored so far are in the show; run the same command again to continue)\n')
    expect(host.requests('/media/one.mp3')).toHaveLength(0)

    // Two signals: the second ends it at once, the feed request still unanswered.
    const asked = feedRequests()
    host.delay('/feed.xml')
    const twice = startJsonProcess(args('twice'), { NO_COLOR: '1' })
    cleanups.push(twice.kill)
    await waitUntil(() => feedRequests() > asked, 60_000, 'the feed requested again')
    twice.child.kill('SIGINT')
    // One signal at a time: two sent at once may reach the process as one.
    await waitUntil(() => twice.stderr().includes('stopping (SIGINT)'), 30_000, 'the first stop taken')
    twice.child.kill('SIGINT')
    expect(await within(twice.exited, 30_000, 'mirror quit'), twice.stderr()).toEqual({ code: 130, signal: null })
    expect(host.requests('/media/one.mp3')).toHaveLength(0)
  }, 120_000)

  it('publishes the feed\'s cover only when it is a JPEG or PNG of at most 10 MiB, named after its bytes', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const host = await new FeedHost().start()
    cleanups.push(() => host.close())
    const png = await readFile(fixture('cover-small.png'))
    host.put('/art/page', '<!DOCTYPE html><html><body>Sign in to see this image</body></html>', 'image/jpeg')
    host.put('/art/huge.jpg', Buffer.concat([await readFile(fixture('cover.jpg')), Buffer.alloc(11 * 1024 * 1024)]), 'image/jpeg')
    host.put('/art/cover', png, 'image/jpeg') // a PNG the host calls a JPEG
    const mirrorWithCover = async (art: string) => {
      host.put('/feed.xml', handFeed('Art Radio', [], 'CC-BY-4.0', ownerTag).replace('https://radio.example/cover.jpg', host.url(art)))
      const show = join(tmp.path, art.replaceAll('/', '-'))
      const made = await runCliJson(['mirror', host.url('/feed.xml'), show, '--base-url', 'http://127.0.0.1:9/m/', '--no-dht'])
      expect(made.result.code, made.result.stderr).toBe(0)
      return { show, files: await readdir(join(show, 'public')), image: JSON.parse(await readFile(join(show, 'show.json'), 'utf8')).image as string | undefined }
    }
    for (const art of ['/art/page', '/art/huge.jpg']) {
      const { files, image } = await mirrorWithCover(art)
      expect(files.filter(name => name.startsWith('cover')), art).toEqual([])
      expect(image, art).toBeUndefined()
    }
    const good = await mirrorWithCover('/art/cover')
    expect(good.image).toBe('cover.png')
    expect(Buffer.compare(await readFile(join(good.show, 'public', 'cover.png')), png)).toBe(0)
    expect(await readdir(join(good.show, '.seedcast'))).not.toContain('mirror-cover')
  }, 60_000)

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
