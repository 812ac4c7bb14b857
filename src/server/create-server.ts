import Fastify, { type FastifyInstance } from 'fastify'
import cors from './cors.js'
import { mountShows, type MountedShow } from './mounts.js'
import requestGuard, { MAX_URL_LENGTH, problem } from './request-guard.js'
import showFiles from './show-files.js'
import showsApi from './shows-api.js'
import tracker, { type SeedcastTracker } from './tracker.js'

export interface ServerOptions {
  /** Show folders; each is served at its base URL's path. */
  shows: string[]
  /** Fastify's request log (pino, JSON lines on stdout). Default false. */
  logger?: boolean
  /** Re-announce interval the tracker tells HTTP clients (ms); default 10 min. */
  trackerIntervalMs?: number
}

export interface SeedcastServer extends FastifyInstance {
  /** The shows served, in the order given. */
  seedcastShows: MountedShow[]
  /** The BitTorrent tracker at <mount path>announce (HTTP, WebSocket; UDP on demand). */
  seedcastTracker: SeedcastTracker
}

/**
 * A Fastify instance (not listening) serving the public side of every show folder at its
 * base URL's path, built from small plugins: the request guard (methods, URL length,
 * hostile paths), CORS, the tracker, one file plugin per show, and the shows list at
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
    routerOptions: { maxParamLength: MAX_URL_LENGTH, ignoreDuplicateSlashes: false }
  })
  await app.register(requestGuard)
  await app.register(cors)
  await app.register(showsApi, { shows })
  await app.register(tracker, { shows, intervalMs: options.trackerIntervalMs })
  for (const [index, show] of shows.entries()) {
    await app.register(showFiles, { show, decorateReply: index === 0 })
  }
  app.setNotFoundHandler((request, reply) => reply.code(404).send(problem(404, `${request.method} ${request.url.slice(0, 200)}: no such file`)))
  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const statusCode = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500
    if (statusCode === 500) request.log.error(error)
    return reply.code(statusCode).send(problem(statusCode, statusCode === 500 ? 'internal error' : error.message))
  })
  app.decorate('seedcastShows', shows)
  return app as SeedcastServer
}
