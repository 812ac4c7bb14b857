import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { API_METHODS } from './request-guard.js'

/** Request headers a player or WebTorrent web seed sends that are not CORS-safelisted. */
const ALLOWED_REQUEST_HEADERS = ['Range', 'If-Range', 'If-None-Match', 'If-Modified-Since', 'Authorization', 'Content-Type']
/** Response headers scripts must be able to read to stream and resume media. */
const EXPOSED_HEADERS = ['Content-Range', 'Content-Length', 'Accept-Ranges', 'ETag', 'Last-Modified']

/**
 * Open CORS for the whole site: everything a show serves is public, and browsers (web
 * players, WebTorrent's web seeds fetching pieces with Range) must read it from any
 * origin. No cookies are involved (the API takes a bearer token a page must hold itself),
 * so "*" is right. Preflights (OPTIONS) get 204.
 */
async function cors (app: FastifyInstance): Promise<void> {
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('access-control-allow-origin', '*')
    reply.header('access-control-expose-headers', EXPOSED_HEADERS.join(', '))
    reply.header('timing-allow-origin', '*')
  })
  app.options('*', async (_request, reply) => {
    reply.code(204)
      .header('access-control-allow-methods', API_METHODS.join(', '))
      .header('access-control-allow-headers', ALLOWED_REQUEST_HEADERS.join(', '))
      .header('access-control-max-age', '86400')
      .send()
  })
}

export default fp(cors, { name: 'seedcast-cors', fastify: '5.x', dependencies: ['seedcast-request-guard'] })
