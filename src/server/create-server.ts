import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import episodesApi from './api/episodes-api.js'
import cors from './cors.js'
import dashboard from './dashboard.js'
import { mountShows, type MountedShow } from './mounts.js'
import requestGuard, { MAX_URL_LENGTH, problem } from './request-guard.js'
import { EpisodeNames } from './episode-names.js'
import showFiles from './show-files.js'
import healthPlugin, { type Health } from './health.js'
import metrics, { type SeedcastMetrics } from './metrics.js'
import showsApi from './shows-api.js'
import tracker, { type SeedcastTracker } from './tracker.js'
import { originForm } from './target.js'
import { Traffic } from './traffic.js'
import { readTokens, tokenMatches } from '../show/tokens.js'

export interface ServerOptions {
  /** Show folders; each is served at its base URL's path. */
  shows: string[]
  /**
   * The access log: one pino line per request on stderr (request id, method, URL, status,
   * bytes, milliseconds, client address), pretty in a terminal. Errors are logged always.
   * Default false.
   */
  logger?: boolean
  /** Re-announce interval the tracker tells HTTP clients (ms); default 10 min. */
  trackerIntervalMs?: number
  /**
   * A response whose client reads nothing for this long is dropped, closing its socket and
   * file (nginx's send_timeout). Default 60 s.
   */
  sendTimeoutMs?: number
  /** Connections past this many are refused at once (nginx's worker_connections). Default 1024. */
  maxConnections?: number
  /**
   * Which proxies' X-Forwarded-For/-Proto/-Host to believe (Fastify's trustProxy): true,
   * a hop count, or addresses/CIDRs/"loopback" separated by commas. Then client addresses
   * (rate limits, token backoff, /metrics's loopback check, the access log) are the real
   * clients'. Default: none.
   */
  trustProxy?: boolean | number | string
  /** Largest upload through the API, bytes (413 past it). Default 2 GiB. */
  maxUploadBytes?: number
  /** API requests a minute per client address. Default 300. */
  apiRateLimitPerMinute?: number
  /** Told of every response body of a show's file once it ended, with the bytes the client took. */
  onServed?: (show: MountedShow, relativePath: string, bytes: number) => void
  /** How often each show's traffic totals are sampled for the dashboard's chart (ms). Default 5 s. */
  trafficSampleMs?: number
}

export const DEFAULT_SEND_TIMEOUT_MS = 60_000
export const DEFAULT_MAX_CONNECTIONS = 1024

export interface SeedcastServer extends FastifyInstance {
  /** The shows served, in the order given. */
  seedcastShows: MountedShow[]
  /** The BitTorrent tracker at <mount path>announce (HTTP, WebSocket; UDP on demand). */
  seedcastTracker: SeedcastTracker
  /** Prometheus metrics; `seedcastMetrics.swarm` takes the swarm's figures with --seed. */
  seedcastMetrics: SeedcastMetrics
  /** Read by /healthz; serve's close() sets it to 'draining'. */
  seedcastHealth: Health
}

/**
 * A Fastify instance (not listening) serving the public side of every show folder at its
 * base URL's path, built from small plugins: the request guard (methods, URL length,
 * hostile paths), CORS, the tracker, the file route of every show, and the shows list at
 * /.well-known/seedcast.json. Throws a SeedcastError when a folder is not a show or two
 * shows share a path.
 */
export async function createServer (options: ServerOptions): Promise<SeedcastServer> {
  const shows = await mountShows(options.shows)
  const names = new EpisodeNames(shows)
  const traffic = new Traffic(shows, infoHash => names.showOfInfoHash(infoHash), { sampleMs: options.trafficSampleMs })
  const app: FastifyInstance = Fastify({
    logger: loggerOptions(options.logger ?? false),
    // Fastify takes a boolean, hop count or address list; its overloads only type-check one.
    trustProxy: (options.trustProxy ?? false) as boolean,
    // Our own access log line (with bytes) instead of Fastify's two lines per request.
    logController: new LogController({ disableRequestLogging: true }),
    // close() stops listening and closes idle keep-alive connections; responses in flight
    // finish, up to the deadline serve's close() gives (then every connection is closed).
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // Time to receive a whole request (not to send the answer): a client trickling its
    // headers cannot hold a connection for long. Fastify's default is no limit.
    requestTimeout: 30_000,
    // Inactivity on a socket, reading or writing: a client that stops reading a response
    // (its window full, nothing sent for this long) is dropped with its file descriptor.
    connectionTimeout: options.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS,
    // A client speaking to a proxy sends "GET http://host/rss.xml": route on the path.
    rewriteUrl: request => originForm(request.url ?? '/'),
    routerOptions: { maxParamLength: MAX_URL_LENGTH, ignoreDuplicateSlashes: false }
  })
  // Set before any plugin is registered: a plugin's routes keep the error handler their
  // context had when it was registered, and Fastify's default one neither logs (request
  // logging is off, see logController) nor hides a 500's message, which can name server paths.
  app.setErrorHandler((error: Error & { statusCode?: number, code?: string }, request, reply) => {
    const statusCode = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500
    if (statusCode === 500) {
      request.log.error({ err: error, method: request.method, url: request.url }, 'internal error')
      return reply.code(500).send(problem(500, 'internal error'))
    }
    return reply.code(statusCode).send({ ...problem(statusCode, error.message), ...(typeof error.code === 'string' ? { code: error.code } : {}) })
  })
  await app.register(requestGuard)
  await app.register(cors)
  await app.register(showsApi, { shows })
  await app.register(episodesApi, { shows, traffic, maxUploadBytes: options.maxUploadBytes, rateLimitPerMinute: options.apiRateLimitPerMinute })
  await app.register(tracker, { shows, intervalMs: options.trackerIntervalMs })
  await app.register(dashboard)
  const health: Health = { state: 'serving' }
  await app.register(healthPlugin, { health })
  await app.register(metrics, { shows, traffic, names, allowed: request => anyShowToken(shows, request.headers.authorization) })
  await app.register(showFiles, {
    shows,
    onSending: (show, relativePath) => {
      const ended = traffic.httpStarted(show, relativePath)
      return delivered => {
        ended()
        traffic.httpDelivered(show, relativePath, delivered)
        options.onServed?.(show, relativePath, delivered)
      }
    }
  })
  if (options.logger) {
    app.addHook('onResponse', async (request, reply) => {
      request.log.info({ method: request.method, url: request.url, status: reply.statusCode, bytes: Number(reply.getHeader('content-length') ?? 0), ms: Math.round(reply.elapsedTime * 10) / 10, ip: request.ip }, 'request')
    })
  }
  app.setNotFoundHandler((request, reply) => reply.code(404).send(problem(404, `${request.method} ${request.url.slice(0, 200)}: no such file`)))
  app.addHook('onClose', async () => traffic.close())
  app.server.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS
  app.decorate('seedcastShows', shows)
  app.decorate('seedcastHealth', health)
  return app as SeedcastServer
}

/** pino on stderr: info (the access log) or errors only; pretty in a terminal. */
function loggerOptions (accessLog: boolean): FastifyServerOptions['logger'] {
  const level = accessLog ? 'info' : 'error'
  if (process.stderr.isTTY) return { level, transport: { target: 'pino-pretty', options: { destination: 2, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } }
  return { level, stream: process.stderr }
}

/** Whether an Authorization header carries a valid token of any served show. */
async function anyShowToken (shows: MountedShow[], header: string | undefined): Promise<boolean> {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1]
  if (!token) return false
  for (const show of shows) {
    if (tokenMatches(await readTokens(show.paths.root).catch(() => []), token)) return true
  }
  return false
}
