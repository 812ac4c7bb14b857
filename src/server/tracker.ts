import { createSocket, type Socket } from 'node:dgram'
import type { IncomingMessage } from 'node:http'
import { isIPv6 } from 'node:net'
import type { Duplex } from 'node:stream'
import { Server, type TrackerWebSocket } from 'bittorrent-tracker'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { ANNOUNCE_PATH } from '../feed/trackers.js'
import type { MountedShow } from './mounts.js'
import { ServedInfoHashes } from './served-infohashes.js'
import { scrapeAnswer, type ScrapedServer } from './tracker-scrape.js'
import { oneSwarmPerTorrent } from './tracker-swarms.js'

export interface TrackerOptions {
  shows: MountedShow[]
  /** Re-announce interval told to HTTP clients (WebSocket clients get a fifth of it). Default 10 min. */
  intervalMs?: number
}

/** What the server holds of its tracker (decorated as `seedcastTracker`). */
export interface SeedcastTracker {
  /** The URL paths of the HTTP and WebSocket announce (one per show mount path). */
  announcePaths: string[]
  served: ServedInfoHashes
  server: Server
  /** Starts the UDP tracker (BEP 15) on `port` of `host`; resolves with the bound port. */
  listenUdp: (port: number, host: string) => Promise<number>
  /** Stops the UDP tracker started by listenUdp, if any. */
  closeUdp: () => void
}

const SCRAPE_PATH = 'scrape'
const REFUSED = 'this tracker only tracks the episodes of the shows served here'

/**
 * A BitTorrent tracker (bittorrent-tracker's server) on the same HTTP server as the shows:
 * HTTP announce and scrape at <mount path>announce and scrape for BitTorrent clients (the
 * scrape answered here: tracker-scrape.ts), and
 * the WebSocket tracker WebTorrent browsers need for WebRTC at <mount path>announce too
 * (an Upgrade request). It answers only for the infohashes of the shows served (see
 * ServedInfoHashes), so it is no open tracker for anything else. UDP is off unless
 * listenUdp is called (`seedcast serve --udp-tracker`).
 */
async function tracker (app: FastifyInstance, options: TrackerOptions): Promise<void> {
  const served = new ServedInfoHashes(options.shows)
  const server = new Server({
    http: false,
    udp: false,
    ws: { noServer: true },
    stats: false,
    interval: options.intervalMs ?? 10 * 60_000,
    filter: (infoHash, _params, done) => {
      served.has(infoHash).then(known => done(known ? null : new Error(REFUSED)), (error: Error) => done(error))
    }
  })
  if (!oneSwarmPerTorrent(server)) app.log.warn('tracker: bittorrent-tracker lacks Server.Swarm or createSwarm; peers announcing a new torrent at the same moment may miss each other until their next announce')
  // A peer's bad request is the peer's problem: bittorrent-tracker answers it with a
  // failure reason and reports a warning, which is no reason to log or crash.
  server.on('warning', () => {})
  server.on('error', (error: Error) => app.log.warn({ err: error }, 'tracker error'))

  const mountPaths = [...new Set(options.shows.map(show => show.mountPath))]
  const announcePaths = mountPaths.map(path => path + ANNOUNCE_PATH)
  for (const mount of mountPaths) {
    app.get(mount + ANNOUNCE_PATH, (request, reply) => answerHttp(server, request, reply, 'announce'))
    app.get(mount + SCRAPE_PATH, async (request, reply) => {
      const query = request.raw.url?.split('?')[1] ?? ''
      const answer = await scrapeAnswer(query, server as unknown as ScrapedServer, served)
      return reply.header('content-type', 'text/plain; charset=iso-8859-1').header('cache-control', 'no-store').send(answer)
    })
  }

  // WebSocket: upgrades never reach Fastify's routes. Only the announce paths upgrade;
  // any other Upgrade request is refused (Node would otherwise drop it without an answer).
  const sockets = new Set<TrackerWebSocket>()
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (request.url ?? '').split('?')[0]
    if (!announcePaths.includes(path ?? '') || !server.ws) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      return
    }
    server.ws.handleUpgrade(request, socket, head, webSocket => {
      sockets.add(webSocket)
      webSocket.once('close', () => sockets.delete(webSocket))
      server.ws!.emit('connection', webSocket, request)
    })
  }
  app.server.on('upgrade', onUpgrade)

  const udpSockets: Socket[] = []
  const listenUdp = (port: number, host: string) => new Promise<number>((resolve, reject) => {
    const socket = createSocket({ type: isIPv6(host.replace(/^\[|\]$/g, '')) ? 'udp6' : 'udp4', reuseAddr: false })
    socket.once('error', reject)
    socket.on('message', (message, remote) => server.onUdpRequest(message, remote))
    socket.bind(port, host.replace(/^\[|\]$/g, ''), () => {
      socket.off('error', reject)
      socket.on('error', error => app.log.warn({ err: error }, 'UDP tracker error'))
      // bittorrent-tracker answers on the socket of the asker's family.
      if (socket.address().family === 'IPv6') server.udp6 = socket
      else server.udp4 = socket
      udpSockets.push(socket)
      resolve(socket.address().port)
    })
  })

  // Before the HTTP server closes, not after: Node's close waits for every connection to
  // end, and a WebSocket (a browser's, or this process's own seeder's) never ends by itself,
  // so a stop would otherwise sit out the whole drain timeout.
  app.addHook('preClose', async () => {
    app.server.off('upgrade', onUpgrade)
    for (const socket of sockets) socket.terminate()
  })
  const closeUdp = () => {
    for (const socket of udpSockets.splice(0)) socket.close()
    server.udp4 = server.udp6 = null
  }
  app.addHook('onClose', async () => {
    closeUdp()
    await new Promise<void>(resolve => server.close(() => resolve()))
  })

  const decoration: SeedcastTracker = { announcePaths, served, server, listenUdp, closeUdp }
  app.decorate('seedcastTracker', decoration)
}

/** Hands the raw request to bittorrent-tracker, which writes a bencoded answer itself. */
function answerHttp (server: Server, request: FastifyRequest, reply: FastifyReply, action: 'announce'): void {
  reply.hijack()
  reply.raw.setHeader('content-type', 'text/plain; charset=iso-8859-1')
  reply.raw.setHeader('cache-control', 'no-store')
  reply.raw.setHeader('access-control-allow-origin', '*')
  server.onHttpRequest(request.raw, reply.raw, { action })
}

export default fp(tracker, { name: 'seedcast-tracker', fastify: '5.x', dependencies: ['seedcast-request-guard'] })
