// `seedcast follow` of a seedcast show's p2p.xml (magnet enclosures) while the show's web
// host is down: the magnets' .torrent (xs=) and web seed (ws=) cannot be had, but a seedcast
// seeder is in the swarm (its tracker on 127.0.0.1). The episode comes over BitTorrent, its
// metadata from the peer; a magnet without xs= at all too.
import { readFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { initShow } from '../../src/show/init.ts'
import { publish } from '../../src/show/publish.ts'
import { readMetainfo } from '../../src/torrent/inspect.ts'
import { binPath, runCli } from '../helpers/cli.ts'
import { FeedHost } from '../helpers/feed-host.ts'
import { startJsonProcess, waitForLines } from '../helpers/json-process.ts'
import { freePort } from '../helpers/ports.ts'
import { tempDir } from '../helpers/tmp.ts'
import { startTracker } from '../helpers/tracker.ts'
import { fixture } from './publish-helpers.ts'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

describe('seedcast follow of magnet enclosures with the web host down', () => {
  it('gets the episode from the seeder over BitTorrent, with xs= unreachable and with no xs= at all', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const tracker = await startTracker({ ws: false })
    cleanups.push(tracker.close)
    const host = await new FeedHost().start()
    cleanups.push(() => host.close())
    // Nothing listens at the show's base URL: its .torrent and media URLs are refused.
    const down = `http://127.0.0.1:${await freePort()}/show/`
    const show = join(tmp.path, 'show')
    await initShow(show, { title: 'P2P Show', description: 'd', author: 'a', ownerName: 'o', ownerEmail: 'o@example.org', language: 'en', category: 'Technology', baseUrl: down, image: fixture('cover.jpg'), trackers: [tracker.httpUrl] })
    const published = await publish(show, fixture('episode.mp3'), { title: 'First', date: '2026-09-01T00:00:00Z' })
    const seeder = startJsonProcess([binPath, 'seed', show, '--no-dht', '--no-lsd', '--no-webrtc', '--state', join(tmp.path, 'state'), '--json'])
    cleanups.push(seeder.kill)
    await waitForLines('the show seeded', 60_000, () => seeder.lines.some(line => line.event === 'seeding'), [seeder])

    const p2p = await readFile(join(show, 'public', 'p2p.xml'), 'utf8')
    expect(p2p).toContain('&amp;xs=')
    host.put('/p2p.xml', p2p, 'application/rss+xml')
    host.put('/bare.xml', p2p.replace(/&amp;xs=[^"&]*/g, '').replace('<title>P2P Show</title>', '<title>Bare Show</title>'), 'application/rss+xml')
    const lib = join(tmp.path, 'library')
    for (const feed of ['/p2p.xml', '/bare.xml']) expect((await runCli(['follow', 'add', host.url(feed), '--dir', lib])).code).toBe(0)

    const run = await runCli(['follow', 'run', '--once', '--dir', lib, '--no-dht', '--timeout', '20', '--json'], { timeoutMs: 120_000 })
    expect(run.code, run.stderr).toBe(0)
    const got = run.stdout.split('\n').filter(Boolean).map(line => JSON.parse(line)).filter(event => event.event === 'episode')
    expect(got).toHaveLength(2)
    for (const episode of got) {
      expect(episode).toMatchObject({ action: 'downloaded', source: 'torrent', infoHash: published.episode.infoHash, seed: true })
      expect(Buffer.compare(await readFile(episode.path), await readFile(fixture('episode.mp3')))).toBe(0)
      // The library's .torrent, made from the metadata the peer sent: the same torrent, the
      // magnet's tracker and web seed kept, so it is seeded to the show's swarm.
      const torrent = readMetainfo(await readFile(join(dirname(episode.path), `${basename(dirname(episode.path))}.torrent`)))
      expect(torrent.infoHash).toBe(published.episode.infoHash)
      expect(torrent.announce.flat()).toEqual([tracker.httpUrl])
      expect(torrent.webSeeds).toEqual([`${down}media/${published.episode.mediaPath.split('/').at(-1)}`])
    }
  }, 180_000)
})
