// What an operator runs a seed box with: /healthz (503 while draining), /metrics in
// Prometheus text (requests by route and status, HTTP bytes per episode, tracker announces,
// process metrics; loopback or a token only), the access log, and a drain that lets a
// download in flight finish while new connections are refused.
import { readFile } from 'node:fs/promises'
import { Agent, request } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveShows, type RunningServer } from '../../src/server/serve.js'
import type { Catalog } from '../../src/model/show.js'
import { tempDir } from '../helpers/tmp.js'
import { makePublishedShow, rawRequest } from './serve-helpers.js'

let tmp: Awaited<ReturnType<typeof tempDir>>
let showDir: string
let catalog: Catalog

beforeAll(async () => {
  tmp = await tempDir('seedcast-serve-ops-')
  showDir = join(tmp.path, 'show')
  await makePublishedShow(showDir, 'http://127.0.0.1:8080/', ['episode.mp3'])
  catalog = JSON.parse(await readFile(join(showDir, 'episodes.json'), 'utf8')) as Catalog
})

afterAll(async () => {
  await tmp?.cleanup()
})

describe('health and metrics', () => {
  let running: RunningServer
  beforeAll(async () => { running = await serveShows({ shows: [showDir], port: 0 }) })
  afterAll(async () => { await running?.close() })

  it('answers /healthz and counts requests, bytes per episode and announces in /metrics', async () => {
    const health = await rawRequest(running.port, '/healthz')
    expect(health.status).toBe(200)
    expect(JSON.parse(health.body.toString())).toEqual({ status: 'serving' })
    const episode = catalog.episodes[0]!
    const media = await rawRequest(running.port, `/${episode.mediaPath}`, { headers: { range: 'bytes=0-999' } })
    expect(media.status).toBe(206)
    await rawRequest(running.port, '/rss.xml')
    await rawRequest(running.port, '/no-such-file')
    await rawRequest(running.port, '/api/shows/nope/episodes')
    const infoHash = [...Buffer.from(episode.infoHash, 'hex')].map(byte => `%${byte.toString(16).padStart(2, '0')}`).join('')
    const announce = await rawRequest(running.port, `/announce?info_hash=${infoHash}&peer_id=-AZ2060-123456789012&port=6881&uploaded=0&downloaded=0&left=100&event=started&compact=1`)
    expect(announce.status).toBe(200)
    const metrics = await rawRequest(running.port, '/metrics')
    expect(metrics.status).toBe(200)
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/)
    const text = metrics.body.toString()
    expect(text).toContain('seedcast_http_requests_total{route="media",status="206"} 1')
    expect(text).toContain('seedcast_http_requests_total{route="feed",status="200"} 1')
    expect(text).toContain('seedcast_http_requests_total{route="file",status="404"} 1')
    expect(text).toContain('seedcast_http_requests_total{route="api",status="404"} 1')
    expect(text).toContain(`seedcast_http_bytes_sent_total{episode="${episode.slug}"} 1000`)
    expect(text).toMatch(/seedcast_process_resident_memory_bytes \d+/)
    expect(text).toContain(`seedcast_tracker_announces_total{episode="${episode.slug}",event="start"} 1`)
  })

  it('takes swarm figures through its sink', async () => {
    const episode = catalog.episodes[0]!
    const { swarm } = running.server.seedcastMetrics
    swarm.peerConnected(episode.infoHash, 'webrtc')
    swarm.peerConnected(episode.infoHash, 'tcp')
    swarm.peerConnected(episode.infoHash, 'tcp')
    swarm.peerDisconnected(episode.infoHash, 'tcp')
    swarm.uploadedByTransport(episode.infoHash, { tcp: 123456, webrtc: 10 })
    // Totals since the swarm started: only the increase is new.
    swarm.uploadedByTransport(episode.infoHash, { tcp: 123460, webrtc: 10 })
    const text = (await rawRequest(running.port, '/metrics')).body.toString()
    expect(text).toContain(`seedcast_peers{episode="${episode.slug}",transport="webrtc"} 1`)
    expect(text).toContain(`seedcast_peers{episode="${episode.slug}",transport="tcp"} 1`)
    expect(text).toContain(`seedcast_peer_bytes_sent_total{episode="${episode.slug}",transport="tcp"} 123460`)
    expect(text).toContain(`seedcast_peer_bytes_sent_total{episode="${episode.slug}",transport="webrtc"} 10`)
  })
})

describe('behind a proxy', () => {
  it('takes the client address from X-Forwarded-For only from trusted proxies: /metrics is refused to a remote client', async () => {
    const trusting = await serveShows({ shows: [showDir], port: 0, trustProxy: 'loopback' })
    const plain = await serveShows({ shows: [showDir], port: 0 })
    try {
      const forwarded = { 'x-forwarded-for': '203.0.113.5' }
      expect((await rawRequest(trusting.port, '/metrics', { headers: forwarded })).status).toBe(403)
      expect((await rawRequest(trusting.port, '/metrics')).status).toBe(200)
      // Without trust, the header is only a header: the client is the loopback proxy.
      expect((await rawRequest(plain.port, '/metrics', { headers: forwarded })).status).toBe(200)
    } finally {
      await trusting.close()
      await plain.close()
    }
  })
})

describe('draining', () => {
  it('lets a download in flight finish, answers 503 on /healthz and refuses new connections', async () => {
    const running = await serveShows({ shows: [showDir], port: 0 })
    const episode = catalog.episodes[0]!
    const expected = await readFile(join(showDir, 'public', episode.mediaPath))
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    try {
      // A keep-alive connection made before the drain, and a download that reads slowly.
      expect((await new Promise<number>(resolve => request({ port: running.port, host: '127.0.0.1', path: '/healthz', agent }, res => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)) }).end())) ).toBe(200)
      const download = new Promise<Buffer>((resolve, reject) => {
        request({ port: running.port, host: '127.0.0.1', path: `/${episode.mediaPath}` }, res => {
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => { chunks.push(chunk); res.pause(); setTimeout(() => res.resume(), 20) })
          res.on('end', () => resolve(Buffer.concat(chunks)))
          res.on('error', reject)
        }).on('error', reject).end()
      })
      await new Promise(resolve => setTimeout(resolve, 50))
      const closed = running.close(20_000)
      expect(running.server.seedcastHealth.state).toBe('draining')
      const healthDuringDrain = await new Promise<number>(resolve => request({ port: running.port, host: '127.0.0.1', path: '/healthz', agent }, res => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)) }).on('error', () => resolve(0)).end())
      // The idle keep-alive connection is closed by the drain (0) or answers 503.
      expect([0, 503]).toContain(healthDuringDrain)
      const fresh = await rawRequest(running.port, '/rss.xml').then(response => response.status, (error: Error) => error.message)
      expect(fresh).toMatch(/ECONNREFUSED/)
      expect((await download).equals(expected)).toBe(true)
      await closed
    } finally {
      agent.destroy()
      await running.close()
    }
  })
})
