// A follower's state folder does not grow by one fast-resume file per episode it ever
// seeded: when retention deletes an episode, its resume state goes with it. Measured
// before: 20 feeds, 11 episodes each, --keep 10 left 220 resume files for 200 seeded.
import { access } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runFollow } from '../../src/follow/run.js'
import { followFeed } from '../../src/follow/subscriptions.js'
import type { SeedEvent } from '../../src/swarm/seed/events.js'
import { resumePath } from '../../src/swarm/resume-state.js'
import { FeedHost } from '../helpers/feed-host.ts'
import { waitForLines, within } from '../helpers/json-process.ts'
import { tempDir } from '../helpers/tmp.ts'
import { handFeed, mediaBytes } from './follow-helpers.ts'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

const exists = (path: string) => access(path).then(() => true, () => false)

describe('follow run and fast-resume state', () => {
  it('deletes the resume state of an episode retention drops, keeps the others', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const host = await new FeedHost().start()
    cleanups.push(() => host.close())
    const lib = join(tmp.path, 'library')
    const stateDir = join(tmp.path, 'state')
    const one = mediaBytes(1, 100_000)
    const two = mediaBytes(2, 120_000)
    host.put('/media/one.mp3', one, 'audio/mpeg')
    host.put('/media/two.mp3', two, 'audio/mpeg')
    const first = { guid: 'r1', title: 'One', date: '2026-09-01T00:00:00Z', url: host.url('/media/one.mp3'), length: one.length }
    const second = { guid: 'r2', title: 'Two', date: '2026-09-02T00:00:00Z', url: host.url('/media/two.mp3'), length: two.length }
    host.put('/feed.xml', handFeed('Resume Radio', [first], 'CC-BY-4.0'))
    await followFeed(lib, host.url('/feed.xml'))
    const common = { dir: lib, keep: 1, maxBytes: 0, dht: false, trackers: [] }
    await runFollow({ ...common, once: true })

    // Seeding episode one writes its resume state; the feed's second episode then pushes it out.
    host.put('/feed.xml', handFeed('Resume Radio', [second, first], 'CC-BY-4.0'))
    const controller = new AbortController()
    const seed: SeedEvent[] = []
    const running = runFollow({
      ...common,
      // The feed changed since the --once run, before its next poll time: polled at start as asked.
      pollNow: true,
      signal: controller.signal,
      idleCheckMs: 200,
      onSeedEvent: event => seed.push(event),
      seed: { dht: false, lsd: false, utp: false, webrtc: false, stateDir, statsIntervalMs: 0 }
    })
    cleanups.push(async () => { controller.abort('test over'); await running.catch(() => {}) })
    const failed = running.then(() => { throw new Error('follow run ended early') })
    const until = (what: string, test: () => boolean) => Promise.race([waitForLines(what, 30_000, test), failed])
    const seeding = (name: string) => seed.find(event => event.event === 'seeding' && event.name === name) as Extract<SeedEvent, { event: 'seeding' }> | undefined

    await until('both episodes seeded', () => !!seeding('2026-09-01-one.mp3') && !!seeding('2026-09-02-two.mp3'))
    const oneHash = seeding('2026-09-01-one.mp3')!.infoHash
    const twoHash = seeding('2026-09-02-two.mp3')!.infoHash
    await until('episode one dropped', () => seed.some(event => event.event === 'removed' && event.infoHash === oneHash))

    expect(await exists(resumePath(stateDir, oneHash))).toBe(false)
    expect(await exists(resumePath(stateDir, twoHash))).toBe(true)
    controller.abort('test over')
    await within(running, 20_000, 'follow run stop')
  }, 90_000)
})
