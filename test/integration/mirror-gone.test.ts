// `seedcast mirror` (run again from cron) of a feed whose host now answers 410 Gone: said so,
// exit 0, the mirror's episodes and feeds untouched, and later runs do not ask again (as
// follow treats a gone feed). A first mirror of a gone feed stays an error; so does a 404.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli, runCliJson } from '../helpers/cli.ts'
import { FeedHost } from '../helpers/feed-host.ts'
import { tempDir } from '../helpers/tmp.ts'
import { treeHash } from './publish-helpers.ts'
import { handFeed, mediaBytes } from './follow-helpers.ts'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

const ownerTag = '\n    <itunes:owner><itunes:name>Radio</itunes:name><itunes:email>radio@example.org</itunes:email></itunes:owner>'

describe('seedcast mirror and 410 Gone', () => {
  it('keeps the mirror, exits 0 and stops asking once the feed is gone', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const host = await new FeedHost().start()
    cleanups.push(() => host.close())
    const media = mediaBytes(1)
    host.put('/one.mp3', media, 'audio/mpeg')
    host.put('/feed.xml', handFeed('Last Radio', [{ guid: 'g1', title: 'One', date: '2026-11-01T10:00:00Z', url: host.url('/one.mp3'), length: media.length }], 'CC-BY-4.0', ownerTag), 'application/rss+xml')
    const dir = join(tmp.path, 'mirror')
    const mirror = (...extra: string[]) => ['mirror', host.url('/feed.xml'), dir, '--base-url', 'http://127.0.0.1:9/m/', '--no-dht', ...extra]
    const first = await runCli(mirror(), { timeoutMs: 90_000 })
    expect(first.code, first.stderr).toBe(0)
    const before = await treeHash(join(dir, 'public'))
    const catalog = await readFile(join(dir, 'episodes.json'), 'utf8')

    host.statuses.set('/feed.xml', { status: 410 })
    const gone = await runCli(mirror(), { timeoutMs: 60_000 })
    expect(gone.code, gone.stderr).toBe(0)
    expect(gone.stdout.startsWith(`${dir}: ${host.url('/feed.xml')} answered 410 Gone (since `)).toBe(true)
    expect(gone.stdout).toMatch(/\(since \d{4}-\d\d-\d\dT[^)]+\): not fetched again; the mirror keeps its 1 episode\(s\)/)
    expect(gone.stdout.trim().split('\n')).toHaveLength(1)
    const asked = host.requests('/feed.xml').length

    // A later run: not asked, not a failure; the same since.
    const later = await runCliJson(mirror(), { timeoutMs: 60_000 })
    expect(later.result.code, later.result.stderr).toBe(0)
    expect(host.requests('/feed.xml')).toHaveLength(asked)
    expect(later.json).toMatchObject({ added: [], failed: [], episodes: 1, goneAt: gone.stdout.match(/since ([^)]+)\)/)![1] })
    expect(await treeHash(join(dir, 'public'))).toBe(before)
    expect(await readFile(join(dir, 'episodes.json'), 'utf8')).toBe(catalog)

    // No mirror yet: a gone feed is an error and makes nothing. A 404 stays an error too.
    const fresh = await runCli(['mirror', host.url('/feed.xml'), join(tmp.path, 'fresh'), '--base-url', 'http://127.0.0.1:9/m/', '--no-dht'], { timeoutMs: 60_000 })
    expect(fresh.code).toBe(1)
    expect(fresh.stderr).toContain('HTTP 410 Gone')
    expect(fresh.stderr.trim().split('\n')).toHaveLength(1)
    host.put('/other.xml', handFeed('Other Radio', [{ guid: 'o1', title: 'Other', date: '2026-11-01T10:00:00Z', url: host.url('/one.mp3'), length: media.length }], 'CC-BY-4.0', ownerTag), 'application/rss+xml')
    const otherDir = join(tmp.path, 'other')
    expect((await runCli(['mirror', host.url('/other.xml'), otherDir, '--base-url', 'http://127.0.0.1:9/m/', '--no-dht'], { timeoutMs: 90_000 })).code).toBe(0)
    host.statuses.set('/other.xml', { status: 404 })
    const missing = await runCli(['mirror', host.url('/other.xml'), otherDir, '--base-url', 'http://127.0.0.1:9/m/', '--no-dht'], { timeoutMs: 60_000 })
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('HTTP 404')
  }, 180_000)
})
