// `seedcast follow` of two feeds, one of which moves (301) to the other's address: from then
// on one of them is left alone, so each new episode is downloaded (and seeded) once, and the
// user is told which to remove.
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.ts'
import { FeedHost } from '../helpers/feed-host.ts'
import { tempDir } from '../helpers/tmp.ts'
import { handFeed, mediaBytes } from './follow-helpers.ts'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

describe('seedcast follow: a feed moved onto one already followed', () => {
  it('downloads each new episode once, into the feed followed at that address, and says so', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const host = await new FeedHost().start()
    cleanups.push(() => host.close())
    const media = [mediaBytes(1), mediaBytes(2), mediaBytes(3)]
    media.forEach((body, i) => host.put(`/m/${i}.mp3`, body, 'audio/mpeg'))
    const item = (i: number) => ({ guid: `g${i}`, title: `Ep ${i}`, date: `2026-09-0${i + 1}T00:00:00Z`, url: host.url(`/m/${i}.mp3`), length: media[i]!.length })
    host.put('/old.xml', handFeed('Old Name', [item(0)], 'CC-BY-4.0'), 'application/rss+xml')
    host.put('/new.xml', handFeed('New Name', [item(0)], 'CC-BY-4.0'), 'application/rss+xml')
    const lib = join(tmp.path, 'library')
    for (const path of ['/old.xml', '/new.xml']) expect((await runCli(['follow', 'add', host.url(path), '--dir', lib])).code).toBe(0)
    expect((await runCli(['follow', 'run', '--once', '--dir', lib, '--no-dht'])).code).toBe(0)

    // The old address moves to the new one, which gets a new episode, then another.
    host.redirects.set('/old.xml', { status: 301, location: '/new.xml' })
    for (const i of [1, 2]) {
      host.put('/new.xml', handFeed('New Name', [item(i), ...Array.from({ length: i }, (_, j) => item(i - 1 - j))], 'CC-BY-4.0'), 'application/rss+xml')
      const run = await runCli(['follow', 'run', '--once', '--dir', lib, '--no-dht'], { timeoutMs: 60_000 })
      expect(run.code, run.stderr).toBe(0)
      expect(run.stderr).toContain(`old-name: now the same feed as new-name (both at ${host.url('/new.xml')}): left alone so that nothing is downloaded twice; \`seedcast follow remove old-name\` removes it and its files\n`)
      expect(host.requests(`/m/${i}.mp3`)).toHaveLength(1)
    }
    expect((await readdir(join(lib, 'new-name'))).sort()).toEqual(['2026-09-01-ep-0', '2026-09-02-ep-1', '2026-09-03-ep-2'])
    expect(await readdir(join(lib, 'old-name'))).toEqual(['2026-09-01-ep-0'])
  }, 120_000)
})
