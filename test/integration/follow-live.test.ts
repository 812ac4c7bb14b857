// `follow run` seeds from ONE running Seeder: what the library holds is seeded before any
// feed answers, an episode downloaded later joins that seeder (no restart, nothing else
// hashed again), and one that retention takes out is dropped from it.
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import bencode from 'bencode'
import { afterEach, describe, expect, it } from 'vitest'
import type { FollowEvent } from '../../src/follow/events.js'
import { runFollow } from '../../src/follow/run.js'
import { followFeed } from '../../src/follow/subscriptions.js'
import type { SeedEvent } from '../../src/swarm/seed/events.js'
import { aria2Download } from '../helpers/aria2.ts'
import { FeedHost } from '../helpers/feed-host.ts'
import { waitForLines, within } from '../helpers/json-process.ts'
import { probePeer } from '../helpers/peer-probe.ts'
import { tempDir } from '../helpers/tmp.ts'
import { startTracker } from '../helpers/tracker.ts'
import { handFeed, mediaBytes } from './follow-helpers.ts'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

describe('follow run and its running seeder', () => {
  it('seeds the library before polling, adds a new episode to the running seeder, drops what retention takes out', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const host = await new FeedHost().start()
    cleanups.push(() => host.close())
    const tracker = await startTracker({ ws: false, interval: 2_000 })
    cleanups.push(tracker.close)
    const lib = join(tmp.path, 'library')
    const one = mediaBytes(1, 200_000)
    const two = mediaBytes(2, 300_000)
    host.put('/media/one.mp3', one, 'audio/mpeg')
    host.put('/media/two.mp3', two, 'audio/mpeg')
    const first = { guid: 'l1', title: 'One', date: '2026-09-01T00:00:00Z', url: host.url('/media/one.mp3'), length: one.length }
    const second = { guid: 'l2', title: 'Two', date: '2026-09-02T00:00:00Z', url: host.url('/media/two.mp3'), length: two.length }
    host.put('/feed.xml', handFeed('Live Radio', [first], 'CC-BY-4.0'))
    await followFeed(lib, host.url('/feed.xml'))
    const common = { dir: lib, keep: 1, maxBytes: 0, dht: false, trackers: [tracker.httpUrl] }
    await runFollow({ ...common, once: true })

    // The feed now has a second episode, and its answer waits until we say so.
    host.put('/feed.xml', handFeed('Live Radio', [second, first], 'CC-BY-4.0'))
    host.delay('/feed.xml')
    const answered = host.requests('/feed.xml').length
    const controller = new AbortController()
    const follow: FollowEvent[] = []
    const seed: SeedEvent[] = []
    const running = runFollow({
      ...common,
      // The feed changed since the --once run, before its next poll time: polled at start as asked.
      pollNow: true,
      signal: controller.signal,
      idleCheckMs: 200,
      onEvent: event => follow.push(event),
      onSeedEvent: event => seed.push(event),
      seed: { dht: false, lsd: false, utp: false, webrtc: false, stateDir: join(tmp.path, 'state'), statsIntervalMs: 200 }
    })
    cleanups.push(async () => { controller.abort('test over'); await running.catch(() => {}) })
    const failed = running.then(() => { throw new Error('follow run ended early') })
    const until = (what: string, test: () => boolean, ms = 30_000) => Promise.race([waitForLines(what, ms, test), failed])

    await until('episode one seeding', () => seed.some(event => event.event === 'seeding' && event.name === '2026-09-01-one.mp3'))
    // Seeding began while the feed's answer was still held back (before, it waited for every poll).
    expect(host.requests('/feed.xml').slice(answered).every(request => request.status === 0)).toBe(true)
    const seedingOne = seed.find(event => event.event === 'seeding')! as Extract<SeedEvent, { event: 'seeding' }>
    const port = (seed.find(event => event.event === 'started') as Extract<SeedEvent, { event: 'started' }>).port

    host.undelay()
    await until('episode two seeding', () => seed.some(event => event.event === 'seeding' && event.name === '2026-09-02-two.mp3'))
    const seedingTwo = seed.find(event => event.event === 'seeding' && event.name === '2026-09-02-two.mp3') as Extract<SeedEvent, { event: 'seeding' }>
    await until('episode one dropped by retention', () => seed.some(event => event.event === 'removed' && event.infoHash === seedingOne.infoHash))
    expect(follow).toContainEqual(expect.objectContaining({ event: 'episode', guid: 'l1', action: 'dropped' }))
    // One seeder all along: one start, each episode checked once.
    expect(seed.filter(event => event.event === 'started')).toHaveLength(1)
    expect(seed.filter(event => event.event === 'stopped')).toHaveLength(0)
    expect(seed.filter(event => event.event === 'seeding').map(event => (event as { name: string }).name)).toEqual(['2026-09-01-one.mp3', '2026-09-02-two.mp3'])
    const statsFrom = seed.length
    await until('stats after the changes', () => seed.slice(statsFrom).some(event => event.event === 'stats'))
    expect(seed.slice(statsFrom).find(event => event.event === 'stats')).toMatchObject({ hashedPieces: seedingOne.pieces + seedingTwo.pieces })

    // aria2c gets episode two from the follower alone (its torrent's web seed taken out).
    await host.close()
    const torrentPath = join(lib, 'live-radio', '2026-09-02-two', '2026-09-02-two.torrent')
    const torrent = bencode.decode(await readFile(torrentPath)) as Record<string, unknown>
    delete torrent['url-list']
    await writeFile(join(tmp.path, 'two.torrent'), bencode.encode(torrent))
    const out = join(tmp.path, 'aria2')
    const aria = await aria2Download(join(tmp.path, 'two.torrent'), out, 60_000)
    expect(aria.code, aria.output).toBe(0)
    expect(Buffer.compare(await readFile(join(out, '2026-09-02-two.mp3')), two)).toBe(0)
    // Episode one is gone from the swarm: a peer asking for it is refused at the handshake.
    expect(await probePeer(port, seedingOne.infoHash, 10_000, () => false)).toMatchObject({ handshake: false, bytes: 0, closedByRemote: true })

    controller.abort('test over')
    await within(running, 20_000, 'follow run stop')
    expect(seed.at(-1)).toMatchObject({ event: 'stopped' })
  }, 180_000)
})
