// `seedcast follow run` as a long-lived follower: killed with SIGKILL in the middle of a
// download and resumed; and seeding what it holds to aria2c with the web seed gone.
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { aria2Download } from '../helpers/aria2.ts'
import { binPath, runCli, runCliJson } from '../helpers/cli.ts'
import { FeedHost } from '../helpers/feed-host.ts'
import { startJsonProcess, waitForLines, within } from '../helpers/json-process.ts'
import { tempDir } from '../helpers/tmp.ts'
import { startTracker } from '../helpers/tracker.ts'
import { handFeed, mediaBytes, readState } from './follow-helpers.ts'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

async function setup () {
  const tmp = await tempDir()
  cleanups.push(tmp.cleanup)
  const host = await new FeedHost().start()
  cleanups.push(() => host.close())
  return { tmp, host, lib: join(tmp.path, 'library') }
}

const size = (path: string) => stat(path).then(info => info.size, () => -1)

describe('seedcast follow run', () => {
  it('resumes after kill -9 in the middle of a download, fetching neither a finished episode nor the bytes it had', async () => {
    const { host, lib } = await setup()
    const one = mediaBytes(1)
    const two = mediaBytes(2, 2 * 1024 * 1024)
    host.put('/media/one.mp3', one, 'audio/mpeg')
    host.put('/media/two.mp3', two, 'audio/mpeg')
    host.put('/feed.xml', handFeed('Kill Radio', [
      { guid: 'k1', title: 'One', date: '2026-09-01T00:00:00Z', url: host.url('/media/one.mp3'), length: one.length },
      { guid: 'k2', title: 'Two', date: '2026-09-02T00:00:00Z', url: host.url('/media/two.mp3'), length: two.length }
    ], 'CC0-1.0'))
    expect((await runCli(['follow', 'add', host.url('/feed.xml'), '--dir', lib])).code).toBe(0)
    const half = 1024 * 1024
    host.hold('/media/two.mp3', half)
    const partial = join(lib, 'kill-radio', '2026-09-02-two', '.partial', '2026-09-02-two.mp3')

    const run = startJsonProcess([binPath, 'follow', 'run', '--once', '--dir', lib, '--no-dht', '--json'])
    cleanups.push(run.kill)
    await waitForLines('episode one downloaded and half of two on disk', 60_000, () => {
      return run.lines.some(line => line.event === 'episode' && line.guid === 'k1' && line.action === 'downloaded') && host.requests('/media/two.mp3').length > 0
    }, [run])
    // The held response has sent its half; wait until it is all written, then kill.
    const deadline = Date.now() + 30_000
    while (await size(partial) < half) {
      if (Date.now() > deadline) throw new Error(`partial file stuck at ${await size(partial)} bytes`)
      await new Promise(resolve => setTimeout(resolve, 20))
    }
    run.child.kill('SIGKILL')
    expect((await within(run.exited, 10_000, 'killed follower')).signal).toBe('SIGKILL')
    host.release()

    const again = await runCli(['follow', 'run', '--once', '--dir', lib, '--no-dht', '--json'])
    expect(again.code, again.stderr).toBe(0)
    const events = again.stdout.split('\n').filter(Boolean).map(line => JSON.parse(line))
    expect(events.filter((e: any) => e.event === 'episode').map((e: any) => [e.guid, e.action]).sort()).toEqual([['k1', 'downloaded'], ['k2', 'downloaded']])
    expect(events.find((e: any) => e.event === 'pass')).toMatchObject({ downloaded: 2, receivedBytes: two.length - half })
    expect(host.requests('/media/one.mp3')).toHaveLength(1)
    expect(host.requests('/media/two.mp3').at(-1)).toMatchObject({ range: `bytes=${half}-`, status: 206, bytes: two.length - half })
    expect(Buffer.compare(await readFile(join(lib, 'kill-radio', '2026-09-02-two', '2026-09-02-two.mp3')), two)).toBe(0)
    expect(Buffer.compare(await readFile(join(lib, 'kill-radio', '2026-09-01-one', '2026-09-01-one.mp3')), one)).toBe(0)
    const state = await readState(lib)
    expect(Object.values(state.feeds[0]!.episodes).map(e => e.status)).toEqual(['downloaded', 'downloaded'])
  }, 180_000)

  it('seeds what it holds: aria2c gets a followed episode with the web seed out of reach, and `seedcast peers` sees it', async () => {
    const { tmp, host, lib } = await setup()
    const tracker = await startTracker({ ws: false })
    cleanups.push(tracker.close)
    const media = mediaBytes(7, 300_000)
    host.put('/media/seven.mp3', media, 'audio/mpeg')
    host.put('/feed.xml', handFeed('Seed Radio', [{ guid: 's7', title: 'Seven', date: '2026-09-01T00:00:00Z', url: host.url('/media/seven.mp3'), length: media.length }], 'CC-BY-4.0'))
    expect((await runCli(['follow', 'add', host.url('/feed.xml'), '--dir', lib])).code).toBe(0)
    const state = join(tmp.path, 'state')
    const run = startJsonProcess([binPath, 'follow', 'run', '--dir', lib, '--tracker', tracker.httpUrl, '--no-dht', '--no-lsd', '--no-webrtc', '--state', state, '--json'])
    cleanups.push(run.kill)
    await waitForLines('the episode seeded', 60_000, () => run.lines.some(line => line.event === 'seeding'), [run])
    const seeding = run.lines.find(line => line.event === 'seeding')!
    await host.close() // the web seed (and the feed) are gone: only the follower has the bytes

    const torrentPath = join(lib, 'seed-radio', '2026-09-01-seven', '2026-09-01-seven.torrent')
    const out = join(tmp.path, 'aria2')
    const aria = await aria2Download(torrentPath, out, 60_000)
    expect(aria.code, aria.output).toBe(0)
    expect(Buffer.compare(await readFile(join(out, '2026-09-01-seven.mp3')), media)).toBe(0)

    await waitForLines('a peer connected', 10_000, () => run.lines.some(line => line.event === 'peer' && line.action === 'connected'), [run])
    const peers = await runCliJson(['peers', seeding.infoHash, '--state', state])
    expect(peers.result.code, peers.result.stderr).toBe(0)
    expect(peers.json).toMatchObject({ infoHash: seeding.infoHash, name: '2026-09-01-seven.mp3' })

    run.child.kill('SIGTERM')
    expect((await within(run.exited, 20_000, 'follower stop')).code).toBe(0)
  }, 180_000)
})
