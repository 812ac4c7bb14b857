import Fastify, { type FastifyInstance } from 'fastify'
import episodesApi from './api/episodes-api.js'
import cors from './cors.js'
import { mountShows, type MountedShow } from './mounts.js'
import requestGuard, { MAX_URL_LENGTH, problem } from './request-guard.js'
import showFiles, { type ShowFilesOptions } from './show-files.js'
import showsApi from './shows-api.js'
import tracker, { type SeedcastTracker } from './tracker.js'
import { originForm } from './target.js'

export interface ServerOptions {
  /** Show folders; each is served at its base URL's path. */
  shows: string[]
  /** Fastify's request log (pino, JSON lines on stdout). Default false. */
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
  /** Largest upload through the API, bytes (413 past it). Default 2 GiB. */
  maxUploadBytes?: number
  /** API requests a minute per client address. Default 300. */
  apiRateLimitPerMinute?: number
  /** Told of every response body served from a show's files. */
  onServed?: ShowFilesOptions['onServed']
}

export const DEFAULT_SEND_TIMEOUT_MS = 60_000
export const DEFAULT_MAX_CONNECTIONS = 1024

export interface SeedcastServer extends FastifyInstance {
  /** The shows served, in the order given. */
  seedcastShows: MountedShow[]
  /** The BitTorrent tracker at <mount path>announce (HTTP, WebSocket; UDP on demand). */
  seedcastTracker: SeedcastTracker
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
  const app: FastifyInstance = Fastify({
    logger: options.logger ?? false,
    // A static site: nothing to gain from keeping a stuck client, and close() must not
    // wait for a podcast app in the middle of a long download.
    forceCloseConnections: true,
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
  await app.register(requestGuard)
  await app.register(cors)
  await app.register(showsApi, { shows })
  await app.register(episodesApi, { shows, maxUploadBytes: options.maxUploadBytes, rateLimitPerMinute: options.apiRateLimitPerMinute })
  await app.register(tracker, { shows, intervalMs: options.trackerIntervalMs })
  await app.register(showFiles, { shows, onServed: options.onServed })
  app.setNotFoundHandler((request, reply) => reply.code(404).send(problem(404, `${request.method} ${request.url.slice(0, 200)}: no such file`)))
  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const statusCode = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500
    if (statusCode === 500) request.log.error(error)
    return reply.code(statusCode).send(problem(statusCode, statusCode === 500 ? 'internal error' : error.message))
  })
  app.server.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS
  app.decorate('seedcastShows', shows)
  return app as SeedcastServer
}
