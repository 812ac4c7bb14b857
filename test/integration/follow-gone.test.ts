// A followed feed whose host answers 410 Gone: said once, no longer polled (410 is
// permanent: polling it with a backoff for ever, and `follow run --once` exiting 1 at each
// cron run, helped nobody), its episodes kept; `follow add` of its URL follows it again.
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { seedableTorrents } from '../../src/follow/pass.ts'
import { runCli } from '../helpers/cli.ts'
import { FeedHost } from '../helpers/feed-host.ts'
import { tempDir } from '../helpers/tmp.ts'
import { handFeed, mediaBytes } from './follow-helpers.ts'

const feedState = async (lib: string) => JSON.parse(await readFile(join(lib, 'follow.json'), 'utf8')).feeds[0]

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

describe('seedcast follow and 410 Gone', () => {
  it('stops polling a gone feed, says so once, keeps its episodes, and follows it again on add', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const host = await new FeedHost().start()
    cleanups.push(() => host.close())
    const lib = join(tmp.path, 'library')
    const media = mediaBytes(1)
    host.put('/one.mp3', media, 'audio/mpeg')
    host.put('/feed.xml', handFeed('Last Radio', [{ guid: 'g1', title: 'One', date: '2026-11-01T10:00:00Z', url: host.url('/one.mp3'), length: media.length }], 'CC-BY-4.0'), 'application/rss+xml')
    expect((await runCli(['follow', 'add', host.url('/feed.xml'), '--dir', lib])).code).toBe(0)
    const first = await runCli(['follow', 'run', '--once', '--dir', lib, '--no-dht'], { timeoutMs: 60_000 })
    expect(first.code, first.stderr).toBe(0)

    host.statuses.set('/feed.xml', { status: 410 })
    const gone = await runCli(['follow', 'run', '--once', '--dir', lib, '--no-dht'], { timeoutMs: 60_000 })
    expect(gone.code, gone.stderr).toBe(0)
    expect(gone.stderr).toContain(`last-radio: ${host.url('/feed.xml')}: HTTP 410 Gone (gone: the host says the feed will not come back): no longer polled; its 1 episode(s) are kept and seeded`)
    const state = await feedState(lib)
    expect(Date.parse(state.goneAt)).toBeGreaterThan(0)
    const asked = host.requests('/feed.xml').length

    // Later passes: not asked, not a failure, not a word.
    const later = await runCli(['follow', 'run', '--once', '--dir', lib, '--no-dht', '--json'], { timeoutMs: 60_000 })
    expect(later.code, later.stderr).toBe(0)
    expect(host.requests('/feed.xml')).toHaveLength(asked)
    const events = later.stdout.split('\n').filter(Boolean).map(line => JSON.parse(line))
    expect(events.filter(event => event.event === 'poll')).toEqual([])
    expect(events.at(-1)).toMatchObject({ event: 'pass', feeds: 0, feedErrors: [] })

    // Kept on disk and still what `follow run` seeds; listed as gone, with when.
    const episode = Object.values(state.episodes)[0] as { slug: string, name: string }
    expect((await stat(join(lib, 'last-radio', episode.slug, episode.name))).size).toBe(media.length)
    expect(await seedableTorrents(lib)).toHaveLength(1)
    const list = await runCli(['follow', 'list', '--dir', lib])
    expect(list.stdout).toContain(`    gone since ${state.goneAt} (the host answered 410 Gone): no longer polled, its episodes are kept\n`)
    expect(JSON.parse((await runCli(['follow', 'list', '--dir', lib, '--json'])).stdout).feeds[0]).toMatchObject({ goneAt: state.goneAt, episodes: 1 })

    // Still gone: add says so and changes nothing. Back: add follows it again.
    const stillGone = await runCli(['follow', 'add', host.url('/feed.xml'), '--dir', lib])
    expect(stillGone.code).not.toBe(0)
    expect((await feedState(lib)).goneAt).toBe(state.goneAt)
    host.statuses.delete('/feed.xml')
    const back = await runCli(['follow', 'add', host.url('/feed.xml'), '--dir', lib])
    expect(back.code, back.stderr).toBe(0)
    expect(back.stdout).toContain('following again (it had answered 410 Gone) Last Radio')
    expect((await feedState(lib)).goneAt).toBeUndefined()
    const before = host.requests('/feed.xml').length
    const polled = await runCli(['follow', 'run', '--once', '--dir', lib, '--no-dht'], { timeoutMs: 60_000 })
    expect(polled.code, polled.stderr).toBe(0)
    expect(host.requests('/feed.xml').length).toBeGreaterThan(before)
    expect((await feedState(lib)).goneAt).toBeUndefined()
  }, 120_000)
})
