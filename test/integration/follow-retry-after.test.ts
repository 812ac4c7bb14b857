// `seedcast follow run` and a feed host that rate-limits: 429 with Retry-After is honoured,
// even by --once (a cron job every few minutes would otherwise ask again at each run, and
// such hosts block the address that keeps asking); the feed is polled again once it is over.
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.ts'
import { FeedHost } from '../helpers/feed-host.ts'
import { tempDir } from '../helpers/tmp.ts'
import { handFeed } from './follow-helpers.ts'

/** The library's state file as it is on disk. */
const feedState = async (lib: string) => JSON.parse(await readFile(join(lib, 'follow.json'), 'utf8')).feeds[0]

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

describe('seedcast follow and Retry-After', () => {
  it('does not poll a feed whose host answered 429 with Retry-After before that time, and polls it after', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const host = await new FeedHost().start()
    cleanups.push(() => host.close())
    const lib = join(tmp.path, 'library')
    host.put('/feed.xml', handFeed('Busy Radio', [], 'CC-BY-4.0'), 'application/rss+xml')
    expect((await runCli(['follow', 'add', host.url('/feed.xml'), '--dir', lib])).code).toBe(0)

    host.statuses.set('/feed.xml', { status: 429, headers: { 'retry-after': '7200' } })
    const limited = await runCli(['follow', 'run', '--once', '--dir', lib, '--no-dht'], { timeoutMs: 60_000 })
    expect(limited.code).toBe(1)
    expect(limited.stderr).toContain(`busy-radio: ${host.url('/feed.xml')}: HTTP 429 Too Many Requests\n`)
    const state = await feedState(lib)
    const askedAt = Date.parse(state.checkedAt)
    // Two hours from the poll, as asked (the backoff alone said 5 minutes).
    expect(Date.parse(state.retryAfter) - askedAt).toBe(7200 * 1000)
    expect(Date.parse(state.nextCheckAt) - askedAt).toBe(7200 * 1000)
    const asked = host.requests('/feed.xml').length

    const again = await runCli(['follow', 'run', '--once', '--dir', lib, '--no-dht', '--json'], { timeoutMs: 60_000 })
    expect(again.code, again.stderr).toBe(0)
    expect(host.requests('/feed.xml')).toHaveLength(asked)
    const events = again.stdout.split('\n').filter(Boolean).map(line => JSON.parse(line))
    expect(events[0]).toEqual({ event: 'poll', feed: 'busy-radio', url: host.url('/feed.xml'), status: 'deferred', message: `the host asked not to be polled before ${state.retryAfter} (Retry-After); not polled` })

    // The time has come (written into the state as if two hours had passed): polled, and the mark goes.
    const file = join(lib, 'follow.json')
    const saved = JSON.parse(await readFile(file, 'utf8'))
    saved.feeds[0].retryAfter = new Date(Date.now() - 1000).toISOString()
    await writeFile(file, JSON.stringify(saved))
    host.statuses.delete('/feed.xml')
    const later = await runCli(['follow', 'run', '--once', '--dir', lib, '--no-dht'], { timeoutMs: 60_000 })
    expect(later.code, later.stderr).toBe(0)
    expect(host.requests('/feed.xml').at(-1)).toMatchObject({ status: 200 })
    expect((await feedState(lib)).retryAfter).toBeUndefined()
  }, 120_000)
})
