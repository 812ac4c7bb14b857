// `seedcast follow run` stopped by SIGTERM in the middle of an episode's download: the stop
// is not the episode's failure (no "failed" event, no attempt counted: five restarts of a
// seed box during a long download gave the episode up for good), what came is kept, and the
// next run continues it with a Range request.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { binPath, runCli } from '../helpers/cli.ts'
import { FeedHost } from '../helpers/feed-host.ts'
import { startJsonProcess, within } from '../helpers/json-process.ts'
import { tempDir } from '../helpers/tmp.ts'
import { waitUntil } from './get-helpers.ts'
import { handFeed, mediaBytes } from './follow-helpers.ts'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

describe('seedcast follow run stopped mid-download', () => {
  it('counts no attempt for an episode a stop cut, five times over, and the next run completes it', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const host = await new FeedHost().start()
    cleanups.push(() => host.close())
    const big = mediaBytes(1, 1024 * 1024)
    host.put('/media/big.mp3', big, 'audio/mpeg')
    host.put('/feed.xml', handFeed('Long Radio', [{ guid: 'long-1', title: 'Long', date: '2026-09-01T00:00:00Z', url: host.url('/media/big.mp3'), length: big.length }], 'CC-BY-4.0'), 'application/rss+xml')
    const lib = join(tmp.path, 'library')
    expect((await runCli(['follow', 'add', host.url('/feed.xml'), '--dir', lib])).code).toBe(0)

    // More stops than the attempts an episode gets (5): each cut while the host holds the rest.
    for (let stop = 1; stop <= 6; stop++) {
      host.hold('/media/big.mp3', 100_000)
      const run = startJsonProcess([binPath, 'follow', 'run', '--dir', lib, '--no-dht', '--no-webrtc', '--no-lsd', '--state', join(tmp.path, 'state'), '--json'])
      cleanups.push(run.kill)
      await waitUntil(() => host.requests('/media/big.mp3').length === stop, 30_000, `download ${stop} to start`)
      run.child.kill('SIGTERM')
      const exit = await within(run.exited, 30_000, `follow run to stop (${stop})`)
      expect(exit.code, run.stderr()).toBe(0)
      expect(run.lines.filter(line => line.event === 'episode'), run.stderr()).toEqual([])
      host.release()
    }
    const state = JSON.parse(await readFile(join(lib, 'follow.json'), 'utf8'))
    expect(state.feeds[0].episodes['long-1']?.attempts).toBeUndefined()

    const last = await runCli(['follow', 'run', '--once', '--dir', lib, '--no-dht'], { timeoutMs: 60_000 })
    expect(last.code, last.stderr).toBe(0)
    expect(last.stderr).toContain('long-radio: got "Long"')
    expect(host.requests('/media/big.mp3').at(-1)!.range).toMatch(/^bytes=[1-9]\d*-$/)
    expect(Buffer.compare(await readFile(join(lib, 'long-radio', '2026-09-01-long', '2026-09-01-long.mp3')), big)).toBe(0)
  }, 180_000)
})
