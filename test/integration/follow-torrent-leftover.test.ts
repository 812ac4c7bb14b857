// `follow run` killed while it wrote an episode's .torrent left the temporary file
// ("<episode>.torrent.<digits>") in the episode's folder, and no later run removed it
// (found after SIGKILLs of a 20-feed follower). The next write of that .torrent does.
import { mkdir, readdir, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.ts'
import { FeedHost } from '../helpers/feed-host.ts'
import { tempDir } from '../helpers/tmp.ts'
import { handFeed, mediaBytes } from './follow-helpers.ts'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

describe('follow run after a kill in mid-write', () => {
  it('removes the old temporary .torrent file a killed run left in the episode folder', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const host = await new FeedHost().start()
    cleanups.push(() => host.close())
    const lib = join(tmp.path, 'library')
    const one = mediaBytes(1)
    host.put('/media/one.mp3', one, 'audio/mpeg')
    host.put('/feed.xml', handFeed('Kill Radio', [{ guid: 'k1', title: 'One', date: '2026-09-01T08:00:00Z', url: host.url('/media/one.mp3'), length: one.length }], 'CC-BY-4.0'))
    expect((await runCli(['follow', 'add', host.url('/feed.xml'), '--dir', lib])).code).toBe(0)

    // What the kill left: the episode's folder with half a .torrent under its temporary name, a while ago.
    const folder = join(lib, 'kill-radio', '2026-09-01-one')
    await mkdir(folder, { recursive: true })
    const leftover = join(folder, '2026-09-01-one.torrent.855924032')
    await writeFile(leftover, 'd8:announce')
    const hourAgo = new Date(Date.now() - 3_600_000)
    await utimes(leftover, hourAgo, hourAgo)

    const run = await runCli(['follow', 'run', '--once', '--dir', lib, '--no-dht'], { timeoutMs: 60_000 })
    expect(run.code, run.stderr).toBe(0)
    expect((await readdir(folder)).sort()).toEqual(['2026-09-01-one.mp3', '2026-09-01-one.torrent'])
  }, 90_000)
})
