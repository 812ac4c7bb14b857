// seedcast get downloads from a real aria2c seeder found through a local HTTP tracker.
import bencode from 'bencode'
import { createHash, randomBytes } from 'node:crypto'
import { copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.js'
import { tempDir } from '../helpers/tmp.js'
import { startTracker, type TestTracker } from '../helpers/tracker.js'
import { fixtureMp3, jsonLines, makeTorrent, startAria2Seeder, type Aria2Seeder } from './get-helpers.js'

describe('seedcast get from an aria2c seeder', () => {
  const cleanups: (() => Promise<void>)[] = []
  afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

  async function setup (): Promise<{ dir: string, tracker: TestTracker }> {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const tracker = await startTracker({ ws: false, interval: 1000 })
    cleanups.push(tracker.close)
    return { dir: tmp.path, tracker }
  }
  async function seed (torrent: string, data: string): Promise<Aria2Seeder> {
    const seeder = await startAria2Seeder(torrent, data)
    cleanups.push(seeder.stop)
    return seeder
  }

  it('downloads episode.mp3 and the bytes match', async () => {
    const { dir, tracker } = await setup()
    const seedDir = join(dir, 'seed')
    await mkdir(seedDir)
    await copyFile(fixtureMp3, join(seedDir, 'episode.mp3'))
    const torrentPath = join(dir, 'episode.torrent')
    await makeTorrent(join(seedDir, 'episode.mp3'), torrentPath, { trackers: [tracker.httpUrl] })
    await seed(torrentPath, seedDir)

    const out = join(dir, 'out')
    const result = await runCli(['get', torrentPath, '-o', out, '--no-dht', '--timeout', '20', '--json'])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const events = jsonLines(result.stdout)
    expect(events[0]).toMatchObject({ event: 'started', source: 'file' })
    expect(events.find(event => event.event === 'metadata')).toMatchObject({ name: 'episode.mp3', length: 293633 })
    const done = events.at(-1)
    expect(done).toMatchObject({ event: 'done', total: 293633, resumedBytes: 0, hashFailures: 0 })
    expect(done.received).toBeGreaterThanOrEqual(293633)
    expect(await readFile(join(out, 'episode.mp3'))).toEqual(await readFile(fixtureMp3))
  })

  it('downloads a bare magnet link: metadata from the aria2c peer (ut_metadata)', async () => {
    const { dir, tracker } = await setup()
    const seedDir = join(dir, 'seed')
    await mkdir(seedDir)
    await copyFile(fixtureMp3, join(seedDir, 'episode.mp3'))
    const torrentPath = join(dir, 'episode.torrent')
    const torrent = await makeTorrent(join(seedDir, 'episode.mp3'), torrentPath, { trackers: [tracker.httpUrl] })
    await seed(torrentPath, seedDir)
    const infoHash = createHash('sha1').update(bencode.encode((bencode.decode(torrent) as { info: unknown }).info)).digest('hex')

    const out = join(dir, 'out')
    // Parameter names in capitals, as some sites print them: the same torrent and tracker.
    const magnet = `magnet:?XT=urn:btih:${infoHash}&TR=${encodeURIComponent(tracker.httpUrl)}`
    const result = await runCli(['get', magnet, '-o', out, '--no-dht', '--timeout', '20', '--json'])
    expect(result.code).toBe(0)
    const events = jsonLines(result.stdout)
    expect(events[0]).toMatchObject({ event: 'started', source: 'magnet', infoHash })
    expect(events.find(event => event.event === 'metadata')).toMatchObject({ name: 'episode.mp3', length: 293633 })
    expect(events.at(-1)).toMatchObject({ event: 'done', total: 293633 })
    expect(await readFile(join(out, 'episode.mp3'))).toEqual(await readFile(fixtureMp3))

    // Running it again finds everything on disk and fetches nothing.
    const again = await runCli(['get', torrentPath, '-o', out, '--no-dht', '--timeout', '20', '--json'])
    expect(again.code).toBe(0)
    expect(jsonLines(again.stdout).at(-1)).toMatchObject({ event: 'done', resumedBytes: 293633, received: 0 })
  })

  it('downloads a multi-file torrent, and --select fetches only the chosen file', async () => {
    const { dir, tracker } = await setup()
    const seedDir = join(dir, 'seed')
    const show = join(seedDir, 'season1')
    await mkdir(show, { recursive: true })
    const files: Record<string, Buffer> = {
      'a-intro.bin': randomBytes(100_000),
      'b-episode.mp3': await readFile(fixtureMp3),
      'c-outro.bin': randomBytes(70_001)
    }
    for (const [name, bytes] of Object.entries(files)) await writeFile(join(show, name), bytes)
    const torrentPath = join(dir, 'season1.torrent')
    await makeTorrent(show, torrentPath, { trackers: [tracker.httpUrl] })
    await seed(torrentPath, seedDir)

    const all = join(dir, 'all')
    const full = await runCli(['get', torrentPath, '-o', all, '--no-dht', '--timeout', '20'])
    expect(full.stderr).toBe('')
    expect(full.code).toBe(0)
    expect(full.stdout).toMatch(/^season1: /)
    for (const [name, bytes] of Object.entries(files)) expect(await readFile(join(all, 'season1', name))).toEqual(bytes)

    const some = join(dir, 'some')
    const picked = await runCli(['get', torrentPath, '-o', some, '--no-dht', '--timeout', '20', '--select', '*.mp3', '--json'])
    expect(picked.code).toBe(0)
    const events = jsonLines(picked.stdout)
    const metadata = events.find(event => event.event === 'metadata')
    expect(metadata.files.map((file: { selected: boolean }) => file.selected)).toEqual([false, true, false])
    expect(events.at(-1)).toMatchObject({ event: 'done', total: files['b-episode.mp3']!.length, files: [{ path: 'season1/b-episode.mp3' }] })
    expect(await readFile(join(some, 'season1', 'b-episode.mp3'))).toEqual(files['b-episode.mp3'])
    // Not the whole torrent: the other files' pieces are not fetched (webtorrent may still take
    // a few of aria2c's "allowed fast" pieces and the boundary pieces shared with the neighbours).
    expect(events.at(-1).received).toBeLessThan(metadata.length - 65536)
    // Only the chosen file is on disk: the neighbours' bytes of the pieces they share with it
    // (and any piece of theirs a peer pushed) went to a temporary folder, not into partial files.
    expect(await readdir(some, { recursive: true })).toEqual(['season1', 'season1/b-episode.mp3'])
  })
})
