// The seed box's traffic counters, fed by real clients: a byte range over HTTP, a whole
// episode to aria2c over BitTorrent (TCP, from the seeder found through the show's own
// tracker) and one to a WebRTC leecher (through the show's ws:// tracker) are counted per
// episode and transport, exactly, in /metrics and in the token-protected
// GET /api/shows/<id>/stats the dashboard reads.
import { createHash } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ShowStats } from '../../src/server/api/stats.js'
import { recordSeedEvent } from '../../src/server/metrics.js'
import { serveShows, type RunningServer } from '../../src/server/serve.js'
import { initShow } from '../../src/show/init.js'
import { publish } from '../../src/show/publish.js'
import { createToken } from '../../src/show/tokens.js'
import { seedTorrents, type Seeder } from '../../src/swarm/seed/seeder.js'
import { aria2Download } from '../helpers/aria2.js'
import { startJsonProcess, waitForLines } from '../helpers/json-process.js'
import { freePort } from '../helpers/ports.js'
import { tempDir } from '../helpers/tmp.js'
import { fixture, rawRequest } from './serve-helpers.js'

let tmp: Awaited<ReturnType<typeof tempDir>>
let running: RunningServer
let seeder: Seeder
let showDir: string
let token: string
let episodes: Array<{ slug: string, infoHash: string, mediaPath: string, torrentPath: string, magnet: string, length: number }>

beforeAll(async () => {
  tmp = await tempDir('seedcast-serve-traffic-')
  showDir = join(tmp.path, 'traffic-show')
  const port = await freePort()
  await initShow(showDir, {
    title: 'Traffic Show', description: 'Counted', author: 'Tester', ownerName: 'Tester', ownerEmail: 'tester@example.org',
    language: 'en', category: 'Technology', baseUrl: `http://127.0.0.1:${port}/`, image: fixture('cover.jpg'), trackers: ['self']
  })
  episodes = []
  for (const [index, name] of ['episode.mp3', 'episode-2.mp3'].entries()) {
    const published = await publish(showDir, fixture(name), { date: `2026-11-0${index + 1}T09:00:00Z` })
    episodes.push({ ...published.episode, magnet: published.magnet })
  }
  token = (await createToken(showDir, 'dashboard')).token
  running = await serveShows({ shows: [showDir], port, host: '127.0.0.1' })
  const sink = running.server.seedcastMetrics.swarm
  seeder = await seedTorrents([showDir], { dht: false, lsd: false, rtcConfig: { iceServers: [] }, stateDir: join(tmp.path, 'state'), statsIntervalMs: 100, onEvent: event => recordSeedEvent(sink, event) })
})

afterAll(async () => {
  await seeder?.stop()
  await running?.close()
  await tmp?.cleanup()
})

async function stats (headers: Record<string, string> = { authorization: `Bearer ${token}` }): Promise<{ status: number, body: ShowStats }> {
  const response = await rawRequest(running.port, `/api/shows/${basename(showDir)}/stats`, { headers })
  return { status: response.status, body: JSON.parse(response.body.toString()) as ShowStats }
}

/** Polls the stats until `ready` holds for them (the swarm reports its totals every 100 ms here); at most 10 s. */
async function statsWhen (ready: (body: ShowStats) => boolean): Promise<ShowStats> {
  const deadline = Date.now() + 10_000
  for (;;) {
    const { body } = await stats()
    if (ready(body) || Date.now() > deadline) return body
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

describe('traffic per episode and transport', () => {
  it('refuses the stats without a valid token', async () => {
    expect((await stats({})).status).toBe(401)
    expect((await stats({ authorization: 'Bearer sct_00000000_wrong' })).status).toBe(401)
  })

  it('counts a byte range over HTTP and a whole episode to aria2c over TCP, exactly, in the stats and in /metrics', async () => {
    const [first, second] = episodes as [typeof episodes[0], typeof episodes[0]]
    const range = await rawRequest(running.port, `/${second.mediaPath}`, { headers: { range: 'bytes=1000-50999' } })
    expect(range.status).toBe(206)
    expect(range.body.length).toBe(50_000)
    // A HEAD sends no body: nothing counted.
    expect((await rawRequest(running.port, `/${second.mediaPath}`, { method: 'HEAD' })).status).toBe(200)

    const out = join(tmp.path, 'aria2')
    const aria = await aria2Download(first.magnet, out, 60_000)
    expect(aria.code, aria.output).toBe(0)
    const fetched = await readFile(join(out, basename(first.mediaPath)))
    expect(createHash('sha256').update(fetched).digest('hex')).toBe(createHash('sha256').update(await readFile(fixture('episode.mp3'))).digest('hex'))

    const body = await statsWhen(current => current.episodes.find(episode => episode.slug === first.slug)!.peerBytes.tcp >= first.length)
    const one = body.episodes.find(episode => episode.slug === first.slug)!
    const two = body.episodes.find(episode => episode.slug === second.slug)!
    // aria2c had one source (the seeder, over TCP) and asked each block once.
    expect(one.peerBytes).toEqual({ tcp: first.length, utp: 0, webrtc: 0 })
    expect(one.http.bytes).toBe(0)
    expect(one.ratio).toBe(1)
    expect(one.peerShare).toBe(1)
    expect(two.http).toEqual({ bytes: 50_000, active: 0 })
    expect(two.peerBytes).toEqual({ tcp: 0, utp: 0, webrtc: 0 })
    expect(two.uploaded).toBe(50_000)
    expect(body.history.at(-1)).toMatchObject({ http: 50_000, peers: first.length })

    const metrics = (await rawRequest(running.port, '/metrics')).body.toString()
    expect(metrics).toContain(`seedcast_peer_bytes_sent_total{episode="${first.slug}",transport="tcp"} ${first.length}`)
    expect(metrics).toContain(`seedcast_peer_bytes_sent_total{episode="${first.slug}",transport="utp"} 0`)
    expect(metrics).toContain(`seedcast_http_bytes_sent_total{episode="${second.slug}"} 50000`)
  })

  it('counts what a WebRTC leecher took, exactly, under webrtc', async () => {
    const [first] = episodes as [typeof episodes[0]]
    const before = (await stats()).body.episodes.find(episode => episode.slug === first.slug)!
    // seedcast's own client (built) as the leecher, from a magnet naming only the show's
    // ws:// tracker: one source, the seeder over WebRTC (no web seed, no TCP, no DHT/LSD/PEX),
    // so what it received is what the seeder sent. It prints the bytes per kind of wire.
    const magnet = `magnet:?xt=urn:btih:${first.infoHash}&tr=${encodeURIComponent(running.tracker.ws)}`
    const leecher = startJsonProcess(['--input-type=module', '-e', `
      const { createClient, closeClient } = await import(${JSON.stringify(new URL('../../dist/src/swarm/client.js', import.meta.url).href)})
      const client = createClient({ dht: false, lsd: false, utp: false, pex: false, rtcConfig: { iceServers: [] } })
      const received = {}
      const torrent = client.add(process.env.MAGNET, { path: process.env.DIR })
      torrent.on('wire', wire => wire.on('download', bytes => { received[wire.type] = (received[wire.type] ?? 0) + bytes }))
      torrent.on('done', async () => { process.stdout.write(JSON.stringify({ event: 'done', received }) + '\\n'); await closeClient(client); process.exit(0) })
    `], { MAGNET: magnet, DIR: join(tmp.path, 'leecher') })
    try {
      await waitForLines('the leecher done', 40_000, () => leecher.lines.some(line => line.event === 'done'), [leecher])
    } finally {
      leecher.kill()
    }
    const received = leecher.lines.find(line => line.event === 'done')!.received as Record<string, number>
    expect(received).toEqual({ webrtc: first.length })
    const body = await statsWhen(current => current.episodes.find(episode => episode.slug === first.slug)!.peerBytes.webrtc - before.peerBytes.webrtc >= first.length)
    const after = body.episodes.find(episode => episode.slug === first.slug)!
    expect({ tcp: after.peerBytes.tcp - before.peerBytes.tcp, utp: after.peerBytes.utp - before.peerBytes.utp, webrtc: after.peerBytes.webrtc - before.peerBytes.webrtc }).toEqual({ tcp: 0, utp: 0, webrtc: first.length })
    expect(after.http.bytes - before.http.bytes).toBe(0)
  })

  it('lists the episodes in the feeds\' order, by time, whatever offset a hand-edited date carries', async () => {
    const catalogFile = join(showDir, 'episodes.json')
    const catalog = JSON.parse(await readFile(catalogFile, 'utf8')) as { episodes: Array<{ slug: string, pubDate: string }> }
    const [first, second] = episodes
    // By its text the first is the later (…-02T01:00), by time the second (23:30 UTC against 23:00 UTC).
    for (const episode of catalog.episodes) episode.pubDate = episode.slug === first!.slug ? '2026-11-02T01:00:00+02:00' : '2026-11-01T23:30:00Z'
    await writeFile(catalogFile, JSON.stringify(catalog, null, 2) + '\n')
    expect((await stats()).body.episodes.map(episode => episode.slug)).toEqual([second!.slug, first!.slug])
  })
})
