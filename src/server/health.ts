import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

export const HEALTH_PATH = '/healthz'

/** The server's life, read by /healthz: set to 'draining' when a shutdown begins. */
export interface Health { state: 'serving' | 'draining' }

/**
 * GET /healthz: 200 {"status":"serving"} while serving, 503 {"status":"draining"} once a
 * shutdown began (SIGTERM), so a load balancer stops sending new clients while the
 * responses in flight finish.
 */
async function health (app: FastifyInstance, options: { health: Health }): Promise<void> {
  app.get(HEALTH_PATH, async (_request, reply) => {
    reply.header('cache-control', 'no-store')
    if (options.health.state !== 'serving') reply.code(503)
    return { status: options.health.state }
  })
}

export default fp(health, { name: 'seedcast-health', fastify: '5.x' })
