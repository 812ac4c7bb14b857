import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client'
import type { SeedEvent } from '../swarm/seed/events.js'
import type { EpisodeNames } from './episode-names.js'
import type { MountedShow } from './mounts.js'
import { problem } from './request-guard.js'
import type { Traffic } from './traffic.js'

export const METRICS_PATH = '/metrics'

/**
 * What the swarm tells the server when both run in one process (`serve --seed`): peers
 * connected and bytes uploaded per episode, by transport. The swarm stays free of Fastify
 * and prom-client; `serve` connects its seed events to this.
 */
export interface SwarmMetricsSink {
  peerConnected: (infoHash: string, transport: string) => void
  peerDisconnected: (infoHash: string, transport: string) => void
  /** Bytes uploaded to peers for the torrent since the swarm started, by transport. */
  uploadedByTransport: (infoHash: string, totals: Partial<Record<string, number>>) => void
}

/** Passes a seeder's event (peers coming and going, the periodic stats) to the sink. */
export function recordSeedEvent (sink: SwarmMetricsSink, event: SeedEvent): void {
  if (event.event === 'peer') {
    if (event.action === 'connected') sink.peerConnected(event.infoHash, event.transport)
    else sink.peerDisconnected(event.infoHash, event.transport)
  } else if (event.event === 'stats') {
    for (const torrent of event.torrents) sink.uploadedByTransport(torrent.infoHash, torrent.uploadedByTransport)
  }
}

export interface SeedcastMetrics {
  registry: Registry
  swarm: SwarmMetricsSink
  /** The counters behind /metrics and the dashboard's stats. */
  traffic: Traffic
}

export interface MetricsOptions {
  shows: MountedShow[]
  traffic: Traffic
  names: EpisodeNames
  /** Who may read /metrics besides loopback clients: a check of the request. */
  allowed?: (request: FastifyRequest) => Promise<boolean>
}

/** The kind of route a request went to, a label of few values (not the URL). */
function routeLabel (request: FastifyRequest): string {
  const url = request.routeOptions.url
  if (url === undefined) return 'not-found'
  if (url === '*') {
    const path = request.url.split('?')[0] ?? ''
    if (/\.(xml|json)$/.test(path) && !/\/chapters\//.test(path)) return 'feed'
    if (/\/media\//.test(path)) return 'media'
    if (/\.torrent$/.test(path)) return 'torrent'
    return 'file'
  }
  if (url.startsWith('/api/')) return 'api'
  if (url.endsWith('announce')) return 'announce'
  if (url.endsWith('scrape')) return 'scrape'
  return url
}

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/

/**
 * Prometheus metrics at /metrics (prom-client, one registry per server): HTTP requests by
 * route kind and status, bytes of show files delivered over HTTP per episode, tracker
 * announces per episode and event, and with --seed peers and bytes uploaded per episode
 * and transport (tcp, utp, webrtc), plus the process metrics. Readable from loopback (a local Prometheus or
 * a reverse proxy's scrape) or with `allowed` (a valid token).
 */
async function metrics (app: FastifyInstance, options: MetricsOptions): Promise<void> {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'seedcast_' })
  const { names, traffic } = options
  const requests = new Counter({ name: 'seedcast_http_requests_total', help: 'HTTP requests by route kind and status', labelNames: ['route', 'status'], registers: [registry] })
  const announces = new Counter({ name: 'seedcast_tracker_announces_total', help: 'Tracker announces by episode and event', labelNames: ['episode', 'event'], registers: [registry] })
  // The traffic figures are read from the ledger at each scrape (one source for /metrics
  // and the dashboard); labels are named then, so an episode published since is named.
  new Counter({
    name: 'seedcast_http_bytes_sent_total',
    help: 'Bytes of show files delivered over HTTP, by episode (or feeds, pages, other)',
    labelNames: ['episode'],
    registers: [registry],
    collect () {
      this.reset()
      for (const [show, path, bytes] of traffic.httpFiles()) this.inc({ episode: names.ofFile(show, path) }, bytes)
    }
  })
  new Gauge({
    name: 'seedcast_peers',
    help: 'Peers connected to this seeder, by episode and transport',
    labelNames: ['episode', 'transport'],
    registers: [registry],
    collect () {
      this.reset()
      for (const figure of traffic.peerFigures()) this.set({ episode: names.ofInfoHash(figure.infoHash), transport: figure.transport }, figure.peers)
    }
  })
  new Counter({
    name: 'seedcast_peer_bytes_sent_total',
    help: 'Bytes uploaded to BitTorrent peers, by episode and transport',
    labelNames: ['episode', 'transport'],
    registers: [registry],
    collect () {
      this.reset()
      for (const figure of traffic.peerFigures()) this.inc({ episode: names.ofInfoHash(figure.infoHash), transport: figure.transport }, figure.bytes)
    }
  })

  app.addHook('onResponse', async (request, reply) => {
    requests.inc({ route: routeLabel(request), status: String(reply.statusCode) })
  })
  const tracker = (app as FastifyInstance & { seedcastTracker?: { server: NodeJS.EventEmitter } }).seedcastTracker
  for (const event of ['start', 'update', 'complete', 'stop']) {
    tracker?.server.on(event, (_address: string, params: { info_hash?: string }) => {
      if (params?.info_hash) announces.inc({ episode: names.ofInfoHash(params.info_hash), event })
    })
  }

  const decoration: SeedcastMetrics = {
    registry,
    traffic,
    swarm: {
      peerConnected: (infoHash, transport) => traffic.peerConnected(infoHash, transport),
      peerDisconnected: (infoHash, transport) => traffic.peerDisconnected(infoHash, transport),
      uploadedByTransport: (infoHash, totals) => traffic.peerUploadTotals(infoHash, totals)
    }
  }
  app.decorate('seedcastMetrics', decoration)

  app.get(METRICS_PATH, async (request: FastifyRequest, reply: FastifyReply) => {
    if (!LOOPBACK.test(request.ip) && !await options.allowed?.(request)) {
      return reply.code(403).send(problem(403, 'metrics are for loopback clients or a token holder ("Authorization: Bearer <token>")'))
    }
    reply.header('content-type', registry.contentType).header('cache-control', 'no-store')
    return registry.metrics()
  })
}

export default fp(metrics, { name: 'seedcast-metrics', fastify: '5.x', dependencies: ['seedcast-request-guard'] })
