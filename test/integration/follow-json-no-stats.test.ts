// `follow run --json` is a seed box's log for months: it leaves out the seeder's per-second
// 'stats' lines, as `serve --json` does (each listed every torrent: 57 kB a second for 200
// episodes). The seeder still ticks: its status file, which `seedcast peers` reads, is
// rewritten every second.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { binPath, runCli } from '../helpers/cli.ts'
import { FeedHost } from '../helpers/feed-host.ts'
import { startJsonProcess, waitForLines, within } from '../helpers/json-process.ts'
import { tempDir } from '../helpers/tmp.ts'
import { handFeed, mediaBytes } from './follow-helpers.ts'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

describe('follow run --json', () => {
  it('prints no per-second stats lines while the seeder ticks', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const host = await new FeedHost().start()
    cleanups.push(() => host.close())
    const lib = join(tmp.path, 'library')
    const state = join(tmp.path, 'state')
    const one = mediaBytes(1)
    host.put('/media/one.mp3', one, 'audio/mpeg')
    host.put('/feed.xml', handFeed('Quiet Radio', [{ guid: 'q1', title: 'One', date: '2026-09-01T08:00:00Z', url: host.url('/media/one.mp3'), length: one.length }], 'CC-BY-4.0'))
    expect((await runCli(['follow', 'add', host.url('/feed.xml'), '--dir', lib])).code).toBe(0)

    const run = startJsonProcess([binPath, 'follow', 'run', '--dir', lib, '--state', state, '--no-dht', '--no-lsd', '--host', '127.0.0.1', '--json'])
    cleanups.push(run.kill)
    await waitForLines('episode seeded', 30_000, () => run.lines.some(line => line.event === 'seeding'), [run])
    // Three different updatedAt in the status file: the seeder has ticked (and, before, printed stats).
    const seen = new Set<string>()
    const statusFile = join(state, 'status', `${run.child.pid}.json`)
    await waitForLines('three status ticks', 30_000, () => {
      try {
        seen.add(JSON.parse(readFileSync(statusFile, 'utf8')).updatedAt)
      } catch { /* not written yet */ }
      return seen.size >= 3
    }, [run])
    run.child.kill('SIGTERM')
    expect((await within(run.exited, 30_000, 'follow run stopped')).code).toBe(0)

    const events = run.lines.map(line => line.event)
    expect(events).toContain('pass')
    expect(events).toContain('stopped')
    expect(events).not.toContain('stats')
  }, 90_000)
})
