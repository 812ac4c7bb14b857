// `seedcast seed` given things to fetch first: a bare magnet (metadata and data from an
// aria2c seeder), the URL of a .torrent and the URL of a podcast feed (PeerTube-style
// torrent sources, one HTTP-only episode skipped). Each is then seeded by seedcast alone:
// aria2c gets the bytes from it with the original sources gone. Bad sources: one line.
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import bencode from 'bencode'
import { afterEach, describe, expect, it } from 'vitest'
import { inspectTorrent } from '../../src/torrent/inspect.js'
import { aria2Download } from '../helpers/aria2.ts'
import { binPath, runCli } from '../helpers/cli.ts'
import { FeedHost } from '../helpers/feed-host.ts'
import { startJsonProcess, waitForLines, within, type JsonProcess } from '../helpers/json-process.ts'
import { tempDir } from '../helpers/tmp.ts'
import { startTracker } from '../helpers/tracker.ts'
import { handFeed, mediaBytes } from './follow-helpers.ts'
import { fixtureMp3, makeTorrent, startAria2Seeder } from './get-helpers.ts'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

const offline = ['--no-dht', '--no-lsd', '--no-webrtc']

async function temp (): Promise<string> {
  const dir = await tempDir()
  cleanups.push(dir.cleanup)
  return dir.path
}

function startSeed (args: string[]): JsonProcess & { wait: (what: string, test: (line: Record<string, any>) => boolean, ms?: number) => Promise<Record<string, any>> } {
  const proc = startJsonProcess([binPath, 'seed', ...args, ...offline, '--json'])
  cleanups.push(proc.kill)
  const wait = async (what: string, test: (line: Record<string, any>) => boolean, ms = 60_000) => {
    await waitForLines(what, ms, () => proc.lines.some(test), [proc]).catch((error: Error) => { throw new Error(`${error.message}; stderr: ${proc.stderr()}; events: ${JSON.stringify(proc.lines.filter(l => l.event !== 'stats' && l.event !== 'peer'))}`) })
    return proc.lines.find(test)!
  }
  return { ...proc, wait }
}

describe('seedcast seed fetches magnets and URLs first', () => {
  it('a bare magnet: metadata and data from an aria2c seeder, then seeded to another aria2c with that seeder gone', async () => {
    const dir = await temp()
    const tracker = await startTracker({ ws: false, interval: 2_000 })
    cleanups.push(tracker.close)
    const source = join(dir, 'source')
    await mkdir(source)
    await copyFile(fixtureMp3, join(source, 'episode.mp3'))
    const torrentPath = join(dir, 'episode.torrent')
    const torrent = await makeTorrent(join(source, 'episode.mp3'), torrentPath, { trackers: [tracker.httpUrl] })
    const { infoHash } = inspectTorrent(torrent)
    const aria2 = await startAria2Seeder(torrentPath, source)
    cleanups.push(aria2.stop)

    const data = join(dir, 'data')
    const magnet = `magnet:?xt=urn:btih:${infoHash}&dn=episode.mp3&tr=${encodeURIComponent(tracker.httpUrl)}`
    const seed = startSeed([magnet, '--data', data, '--state', join(dir, 'state')])
    await seed.wait('fetched', line => line.event === 'fetched' && line.infoHash === infoHash)
    const seeding = await seed.wait('seeding', line => line.event === 'seeding' && line.infoHash === infoHash)
    expect(seeding).toMatchObject({ name: 'episode.mp3', dataPath: data })
    // The .torrent kept next to the data names the magnet's tracker, so seeding announces there.
    const kept = inspectTorrent(await readFile(join(data, 'episode.mp3.torrent')))
    expect(kept).toMatchObject({ infoHash, announce: [[tracker.httpUrl]] })

    await aria2.stop()
    const out = join(dir, 'leech')
    const got = await aria2Download(torrentPath, out, 60_000)
    expect(got.code, got.output).toBe(0)
    expect(Buffer.compare(await readFile(join(out, 'episode.mp3')), await readFile(fixtureMp3))).toBe(0)
    seed.child.kill('SIGTERM')
    expect((await within(seed.exited, 15_000, 'seed stop')).code).toBe(0)
  }, 180_000)

  it('a .torrent URL and a feed URL: every torrent the feed offers is fetched (HTTP-only ones skipped) and seeded without the host', async () => {
    const dir = await temp()
    const tracker = await startTracker({ ws: false, interval: 2_000 })
    cleanups.push(tracker.close)
    const host = await new FeedHost().start()
    cleanups.push(() => host.close())
    const media = join(dir, 'media')
    await mkdir(media)
    const bodies = { a: mediaBytes(1, 200_000), b: mediaBytes(2, 300_000), c: mediaBytes(3, 100_000) }
    const torrents: Record<string, Buffer> = {}
    for (const [key, body] of Object.entries(bodies)) {
      host.put(`/media/${key}.mp3`, body, 'audio/mpeg')
      await writeFile(join(media, `${key}.mp3`), body)
      torrents[key] = await makeTorrent(join(media, `${key}.mp3`), join(dir, `${key}.torrent`), { trackers: [tracker.httpUrl], webSeeds: [host.url(`/media/${key}.mp3`)] })
      host.put(`/torrents/${key}.torrent`, torrents[key], 'application/x-bittorrent')
    }
    host.put('/feed.xml', handFeed('Channel Two', [
      { guid: 'b', title: 'Bee', date: '2026-09-02T00:00:00Z', url: host.url('/media/b.mp3'), length: bodies.b.length, torrent: host.url('/torrents/b.torrent') },
      { guid: 'c', title: 'Sea', date: '2026-09-01T00:00:00Z', url: host.url('/media/c.mp3'), length: bodies.c.length }
    ], 'CC-BY-4.0'), 'application/rss+xml')

    const data = join(dir, 'data')
    const seed = startSeed([host.url('/torrents/a.torrent'), host.url('/feed.xml'), '--data', data, '--state', join(dir, 'state')])
    const [a, b] = [inspectTorrent(torrents.a!).infoHash, inspectTorrent(torrents.b!).infoHash]
    await seed.wait('both seeding', () => [a, b].every(hash => seed.lines.some(line => line.event === 'seeding' && line.infoHash === hash)))
    expect(seed.lines.find(line => line.event === 'skipped')?.message).toMatch(/^1 of the 2 episodes of "Channel Two" offer no torrent/)
    expect(seed.lines.filter(line => line.event === 'seeding')).toHaveLength(2)
    await host.close() // the web seeds and the .torrent URLs are gone: only seedcast has the bytes

    for (const [key, name] of [['a', 'a.mp3'], ['b', 'b.mp3']] as const) {
      const out = join(dir, `leech-${key}`)
      // The same torrent without its url-list: a leecher that can only use peers.
      const peerOnly = join(dir, `${key}-peers.torrent`)
      const decoded = bencode.decode(torrents[key]!) as Record<string, unknown>
      delete decoded['url-list']
      await writeFile(peerOnly, bencode.encode(decoded))
      const got = await aria2Download(peerOnly, out, 60_000)
      expect(got.code, got.output).toBe(0)
      expect(Buffer.compare(await readFile(join(out, name)), bodies[key])).toBe(0)
    }
    // Laid out as the follow library: <data>/<feed>/<episode>/ with the .torrent beside the media.
    expect(inspectTorrent(await readFile(join(data, 'channel-two', '2026-09-02-bee', '2026-09-02-bee.torrent'))).infoHash).toBe(b)
    seed.child.kill('SIGTERM')
    expect((await within(seed.exited, 15_000, 'seed stop')).code).toBe(0)
  }, 180_000)

  it('bad sources get one line and a non-zero exit', async () => {
    const dir = await temp()
    const host = await new FeedHost().start()
    cleanups.push(() => host.close())
    host.put('/page.html', '<!doctype html><html><body>hello</body></html>', 'text/html')
    host.put('/http-only.xml', handFeed('Plain', [{ guid: 'p', title: 'Plain', date: '2026-09-01T00:00:00Z', url: host.url('/p.mp3'), length: 10 }]), 'application/rss+xml')
    const cases: Array<[string, RegExp]> = [
      [host.url('/page.html'), /page\.html: neither a \.torrent nor a podcast feed/],
      [host.url('/missing.torrent'), /cannot fetch .*missing\.torrent: HTTP 404/],
      ['magnet:?xt=urn:btih:nothex', /not a valid magnet link/],
      [host.url('/http-only.xml'), /http-only\.xml: no episode of this feed offers a torrent/]
    ]
    for (const [input, message] of cases) {
      const result = await runCli(['seed', input, '--data', join(dir, 'data'), ...offline, '--state', join(dir, 'state')])
      expect(result.code, input).not.toBe(0)
      const lines = result.stderr.trim().split('\n').filter(line => !line.startsWith('skipped: '))
      expect(lines, input).toHaveLength(1)
      expect(lines[0]).toMatch(/^seedcast: /)
      expect(lines[0]).toMatch(message)
    }
  }, 120_000)
})
