// Downloads with no peer at all: only an HTTP server with Range support (BEP 19 web seed).
import { mkdir, readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.js'
import { tempDir } from '../helpers/tmp.js'
import { fixtureMp3, jsonLines, makeTorrent, runGetRaw, startWebSeed } from './get-helpers.js'

describe('seedcast get from web seeds alone', () => {
  const cleanups: (() => Promise<void>)[] = []
  afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

  async function setup () {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    return tmp.path
  }

  it('downloads from the url-list of the torrent with Range requests; bytes match', async () => {
    const dir = await setup()
    const webSeed = await startWebSeed(fixtureMp3, 'episode.mp3')
    cleanups.push(webSeed.close)
    const torrentPath = join(dir, 'episode.torrent')
    await makeTorrent(fixtureMp3, torrentPath, { webSeeds: [webSeed.url] })

    const out = join(dir, 'out')
    const result = await runCli(['get', torrentPath, '-o', out, '--no-dht', '--timeout', '20', '--json'])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const done = jsonLines(result.stdout).at(-1)
    expect(done).toMatchObject({ event: 'done', total: 293633, hashFailures: 0 })
    expect(await readFile(join(out, 'episode.mp3'))).toEqual(await readFile(fixtureMp3))
    expect(webSeed.requests.filter(request => request.range).length).toBeGreaterThan(0)
  })

  it('follows a feed magnet: fetches the .torrent from xs=, downloads from ws=', async () => {
    const dir = await setup()
    // The .torrent itself names no tracker and no web seed: everything comes from the magnet.
    const torrent = await makeTorrent(fixtureMp3, join(dir, 'bare.torrent'))
    const webSeed = await startWebSeed(fixtureMp3, 'episode.mp3', { routes: { '/torrents/episode.torrent': torrent } })
    cleanups.push(webSeed.close)
    const inspect = jsonLines((await runCli(['get', join(dir, 'bare.torrent'), '-o', join(dir, 'probe'), '--no-dht', '--timeout', '1', '--json'])).stdout)
    const infoHash = inspect[0].infoHash as string
    const magnet = `magnet:?xt=urn:btih:${infoHash}&dn=episode.mp3&ws=${encodeURIComponent(webSeed.url)}&xs=${encodeURIComponent(`${webSeed.origin}/torrents/episode.torrent`)}`

    const out = join(dir, 'out')
    const result = await runCli(['get', magnet, '-o', out, '--no-dht', '--timeout', '20', '--json'])
    expect(result.code).toBe(0)
    const events = jsonLines(result.stdout)
    expect(events[0]).toMatchObject({ event: 'started', source: 'magnet', infoHash, name: 'episode.mp3' })
    expect(events.filter(event => event.event === 'warning')).toEqual([])
    expect(events.at(-1)).toMatchObject({ event: 'done', total: 293633 })
    expect(await readFile(join(out, 'episode.mp3'))).toEqual(await readFile(fixtureMp3))
    expect(webSeed.requests.some(request => request.url === '/torrents/episode.torrent')).toBe(true)
  })

  it('leaves out ws:// and wss:// trackers (no WebRTC in get) quietly, from the .torrent and from the magnet', async () => {
    const dir = await setup()
    // A seedcast show's own tracker, for browsers; port 9 (discard) answers nothing here anyway.
    const wsTracker = 'ws://127.0.0.1:9/announce'
    const torrent = await makeTorrent(fixtureMp3, join(dir, 'ws.torrent'), { trackers: [wsTracker] })
    const webSeed = await startWebSeed(fixtureMp3, 'episode.mp3', { routes: { '/torrents/episode.torrent': torrent } })
    cleanups.push(webSeed.close)
    const infoHash = jsonLines((await runCli(['get', join(dir, 'ws.torrent'), '-o', join(dir, 'probe'), '--no-dht', '--timeout', '1', '--json'])).stdout)[0].infoHash as string
    const magnet = `magnet:?xt=urn:btih:${infoHash}&dn=episode.mp3&tr=${encodeURIComponent(wsTracker)}&tr=${encodeURIComponent('wss://127.0.0.1:9/announce')}&ws=${encodeURIComponent(webSeed.url)}&xs=${encodeURIComponent(`${webSeed.origin}/torrents/episode.torrent`)}`

    const result = await runCli(['get', magnet, '-o', join(dir, 'out'), '--no-dht', '--timeout', '20', '--json'])
    expect(result.code, result.stdout).toBe(0)
    const events = jsonLines(result.stdout)
    // Before: one "Unsupported tracker protocol: ws://..." warning per WebSocket tracker.
    expect(events.filter(event => event.event === 'warning')).toEqual([])
    expect(events.at(-1)).toMatchObject({ event: 'done', total: 293633 })
  })

  it('--stdout writes exactly the file bytes and nothing else to standard output', async () => {
    const dir = await setup()
    const webSeed = await startWebSeed(fixtureMp3, 'episode.mp3', { bytesPerSecond: 400_000 })
    cleanups.push(webSeed.close)
    const torrentPath = join(dir, 'episode.torrent')
    await makeTorrent(fixtureMp3, torrentPath, { webSeeds: [webSeed.url] })

    const result = await runGetRaw([torrentPath, '-o', join(dir, 'out'), '--timeout', '20', '--stdout'])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout.equals(await readFile(fixtureMp3))).toBe(true)
    expect(await readFile(join(dir, 'out', 'episode.mp3'))).toEqual(await readFile(fixtureMp3))

    // With --json the events go to standard error, standard output still holds only the file.
    const again = await runGetRaw([torrentPath, '-o', join(dir, 'out2'), '--timeout', '20', '--stdout', '--json'])
    expect(again.code).toBe(0)
    expect(again.stdout.equals(await readFile(fixtureMp3))).toBe(true)
    expect(jsonLines(again.stderr).at(-1)).toMatchObject({ event: 'done', total: 293633 })
  })

  it('--stdout without -o writes the file to standard output only: nothing in the current folder, no temporary folder left', async () => {
    const dir = await setup()
    const webSeed = await startWebSeed(fixtureMp3, 'episode.mp3')
    cleanups.push(webSeed.close)
    const torrentPath = join(dir, 'episode.torrent')
    await makeTorrent(fixtureMp3, torrentPath, { webSeeds: [webSeed.url] })
    const cwd = join(dir, 'cwd')
    const tmp = join(dir, 'tmp')
    await mkdir(cwd)
    await mkdir(tmp)

    const result = await runGetRaw([torrentPath, '--timeout', '20', '--stdout'], 60_000, { cwd, env: { TMPDIR: tmp } })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout.equals(await readFile(fixtureMp3))).toBe(true)
    expect(await readdir(cwd)).toEqual([])
    // (Node keeps its compile cache there too.)
    expect((await readdir(tmp)).filter(name => name.startsWith('seedcast-'))).toEqual([])
  })

  it('--seed-time alone implies --seed; the summary gives the download\'s time, not the seeding\'s', async () => {
    const dir = await setup()
    const webSeed = await startWebSeed(fixtureMp3, 'episode.mp3')
    cleanups.push(webSeed.close)
    const torrentPath = join(dir, 'episode.torrent')
    await makeTorrent(fixtureMp3, torrentPath, { webSeeds: [webSeed.url] })

    const started = performance.now()
    const result = await runCli(['get', torrentPath, '-o', join(dir, 'out'), '--no-dht', '--timeout', '20', '--seed-time', '3'])
    const wallSeconds = (performance.now() - started) / 1000
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const summary = /^episode\.mp3: 286\.8 KiB in .* \(([\d.]+) s, [\d.]+ \w+\/s; then seeded (\d+) s, [\d.]+ \w+ uploaded\)$/.exec(result.stdout.trim())
    expect(summary, result.stdout).not.toBeNull()
    // The process ran the download, then at least 3 s of seeding: the download's own time
    // leaves those 3 s out (it included them before).
    expect(Number(summary![1]) + 3).toBeLessThanOrEqual(wallSeconds)
    expect(Number(summary![2])).toBeGreaterThanOrEqual(3)
    expect(await readFile(join(dir, 'out', 'episode.mp3'))).toEqual(await readFile(fixtureMp3))
  })

  it('--seed keeps seeding after completion until --seed-time, then exits 0', async () => {
    const dir = await setup()
    const webSeed = await startWebSeed(fixtureMp3, 'episode.mp3')
    cleanups.push(webSeed.close)
    const torrentPath = join(dir, 'episode.torrent')
    await makeTorrent(fixtureMp3, torrentPath, { webSeeds: [webSeed.url] })

    const started = Date.now()
    const result = await runCli(['get', torrentPath, '-o', join(dir, 'out'), '--no-dht', '--timeout', '20', '--seed', '--seed-time', '2', '--json'])
    expect(result.code).toBe(0)
    const events = jsonLines(result.stdout)
    const doneAt = events.findIndex(event => event.event === 'done')
    expect(doneAt).toBeGreaterThan(0)
    expect(events.slice(doneAt + 1).filter(event => event.event === 'seeding').length).toBeGreaterThanOrEqual(1)
    expect(events.at(-1).event).toBe('seeding')
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000)
    expect(await readFile(join(dir, 'out', 'episode.mp3'))).toEqual(await readFile(fixtureMp3))
  })
})
