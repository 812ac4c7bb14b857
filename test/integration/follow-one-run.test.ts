// One `follow run` per library: a second one at once (a cron `--once` beside the service)
// downloaded the same episodes into the same .partial files, crashed on a file the other
// had moved ("this is a bug", exit 70) and left an empty media file under a .torrent of
// the whole one, marked downloaded. Now it is refused with one line naming the first; a
// run killed with SIGKILL does not block the next, and a clean stop leaves no lock.
import { access } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { binPath, runCli } from '../helpers/cli.ts'
import { FeedHost } from '../helpers/feed-host.ts'
import { startJsonProcess, waitForLines, within, type JsonProcess } from '../helpers/json-process.ts'
import { tempDir } from '../helpers/tmp.ts'
import { handFeed, mediaBytes } from './follow-helpers.ts'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

describe('follow run on a library already being run', () => {
  it('refuses a second run with one line naming the first, and runs again at once after a SIGKILL', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const host = await new FeedHost().start()
    cleanups.push(() => host.close())
    const lib = join(tmp.path, 'library')
    const one = mediaBytes(1)
    host.put('/media/one.mp3', one, 'audio/mpeg')
    host.put('/feed.xml', handFeed('Lock Radio', [{ guid: 'o1', title: 'One', date: '2026-09-01T08:00:00Z', url: host.url('/media/one.mp3'), length: one.length }], 'CC-BY-4.0'))
    expect((await runCli(['follow', 'add', host.url('/feed.xml'), '--dir', lib])).code).toBe(0)

    const start = async (): Promise<JsonProcess> => {
      const run = startJsonProcess([binPath, 'follow', 'run', '--dir', lib, '--no-dht', '--no-lsd', '--host', '127.0.0.1', '--json'])
      cleanups.push(run.kill)
      await waitForLines('first pass', 30_000, () => run.lines.some(line => line.event === 'pass'), [run])
      return run
    }
    const first = await start()
    for (const args of [['--once'], ['--once', '--json'], []]) {
      const second = await runCli(['follow', 'run', '--dir', lib, '--no-dht', ...args], { timeoutMs: 30_000 })
      expect(second.code).toBe(1)
      const message = `${lib}: another \`seedcast follow run\` is using it (pid ${first.child.pid})`
      if (args.includes('--json')) expect(JSON.parse(second.stdout).error).toMatchObject({ message, code: 'EFOLLOWING', exitCode: 1 })
      else expect(second.stderr.split('\n')[0]).toMatch(`seedcast: ${message} (`)
    }

    first.child.kill('SIGKILL')
    await within(first.exited, 10_000, 'follow run killed')
    // No staleness to wait out: its owner is dead, so the lock is taken over.
    const next = await start()
    next.child.kill('SIGTERM')
    expect((await within(next.exited, 30_000, 'follow run stopped')).code).toBe(0)
    await expect(access(join(lib, '.follow-run.lock'))).rejects.toThrow()
    const once = await runCli(['follow', 'run', '--once', '--dir', lib, '--no-dht'], { timeoutMs: 30_000 })
    expect(once.code, once.stderr).toBe(0)
  }, 150_000)
})
