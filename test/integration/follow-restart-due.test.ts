// A restarted `follow run` polls only the feeds that are due: it polled every feed at each
// start, so a crash loop (systemd Restart=always) asked every host again at each restart,
// whatever the feed's interval or backoff said. Feeds never polled are polled at start, and
// --poll-now asks for every feed. Feeds served by a FeedHost on 127.0.0.1.
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { binPath, runCli } from '../helpers/cli.ts'
import { FeedHost } from '../helpers/feed-host.ts'
import { startJsonProcess, waitForLines, within } from '../helpers/json-process.ts'
import { tempDir } from '../helpers/tmp.ts'
import { handFeed } from './follow-helpers.ts'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

describe('follow run after a restart', () => {
  it('polls the feeds not yet due only with --poll-now, and a new feed at once', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const host = await new FeedHost().start()
    cleanups.push(() => host.close())
    const lib = join(tmp.path, 'library')
    host.put('/old.xml', handFeed('Old Radio', [], 'CC-BY-4.0'))
    host.put('/new.xml', handFeed('New Radio', [], 'CC-BY-4.0'))
    expect((await runCli(['follow', 'add', host.url('/old.xml'), '--dir', lib])).code).toBe(0)
    // The first run polls it and stores its next poll time (the feed's interval, in the future).
    expect((await runCli(['follow', 'run', '--once', '--dir', lib])).code).toBe(0)
    expect((await runCli(['follow', 'add', host.url('/new.xml'), '--dir', lib])).code).toBe(0)
    const before = { old: host.requests('/old.xml').length, new: host.requests('/new.xml').length }

    /** One `follow run` until its first pass, then stopped: the feeds that pass polled. */
    async function firstPass (...flags: string[]): Promise<string[]> {
      const run = startJsonProcess([binPath, 'follow', 'run', '--dir', lib, '--state', join(tmp.path, 'state'), '--no-dht', '--no-lsd', '--host', '127.0.0.1', '--json', ...flags])
      cleanups.push(run.kill)
      await waitForLines('first pass', 30_000, () => run.lines.some(line => line.event === 'pass'), [run])
      run.child.kill('SIGTERM')
      expect((await within(run.exited, 30_000, 'follow run stopped')).code).toBe(0)
      return run.lines.filter(line => line.event === 'poll').map(line => line.feed as string)
    }

    // A restart: the new feed (never polled) is polled, the old one is not due.
    expect(await firstPass()).toEqual(['new-radio'])
    expect(host.requests('/old.xml')).toHaveLength(before.old)
    expect(host.requests('/new.xml')).toHaveLength(before.new + 1)
    // Again: neither is due.
    expect(await firstPass()).toEqual([])
    expect(host.requests('/old.xml')).toHaveLength(before.old)
    // Asked for: both.
    expect((await firstPass('--poll-now')).sort()).toEqual(['new-radio', 'old-radio'])
    expect(host.requests('/old.xml')).toHaveLength(before.old + 1)
  }, 120_000)
})
