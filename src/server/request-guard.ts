import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'

/** The only methods a static show site answers; anything else is 405 before routing. */
export const ALLOWED_METHODS = ['GET', 'HEAD', 'OPTIONS'] as const
/** The token API under /api/ also takes writes. */
export const API_METHODS = ['GET', 'HEAD', 'OPTIONS', 'POST', 'PATCH', 'DELETE'] as const

/** Longer request targets are refused with 414: no file of a show has a path near this long. */
export const MAX_URL_LENGTH = 2048

export interface RequestGuardOptions { maxUrlLength?: number }

/**
 * Refuses hostile or meaningless requests before any route sees them, so that no file
 * lookup ever starts from them: methods other than GET/HEAD/OPTIONS (405 with Allow),
 * overlong URLs (414), and paths that are not a plain path below the site (400): NUL
 * bytes, backslashes, encoded slashes, malformed percent-encoding, control characters
 * and "." or ".." segments in any spelling; and two Host headers (400). An absolute-form
 * target was already rewritten to its path (create-server's rewriteUrl). The file-serving
 * plugin has its own checks;
 * this is the first of two walls.
 */
async function requestGuard (app: FastifyInstance, options: RequestGuardOptions): Promise<void> {
  const maxUrlLength = options.maxUrlLength ?? MAX_URL_LENGTH
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const allowed: readonly string[] = (request.raw.url ?? '/').startsWith('/api/') ? API_METHODS : ALLOWED_METHODS
    if (!allowed.includes(request.method)) {
      return reply.code(405).header('allow', allowed.join(', ')).send(problem(405, `method ${request.method} is not allowed`))
    }
    if (hostHeaderCount(request.raw.rawHeaders) > 1) return reply.code(400).send(problem(400, 'more than one Host header'))
    const url = request.raw.url ?? '/'
    if (url.length > maxUrlLength) return reply.code(414).send(problem(414, `URL longer than ${maxUrlLength} characters`))
    const reason = badPathReason(url)
    if (reason) return reply.code(400).send(problem(400, reason))
  })
}

/**
 * How many Host headers a request has. Node keeps the first in `headers`, but two of them
 * is a request smuggling and cache poisoning vector that RFC 9112 section 3.2 says to
 * answer with 400.
 */
function hostHeaderCount (rawHeaders: string[]): number {
  let count = 0
  for (let index = 0; index < rawHeaders.length; index += 2) {
    if (rawHeaders[index]!.length === 4 && rawHeaders[index]!.toLowerCase() === 'host') count++
  }
  return count
}

/** Why a request target's path is refused, or undefined when it is a plain path. */
export function badPathReason (url: string): string | undefined {
  const end = url.search(/[?#]/)
  const rawPath = end < 0 ? url : url.slice(0, end)
  if (!rawPath.startsWith('/')) return 'the path must start with /'
  if (/%2f|%5c|\\/i.test(rawPath)) return 'encoded slashes and backslashes are not allowed in a path'
  let path: string
  try {
    path = decodeURIComponent(rawPath)
  } catch {
    return 'malformed percent-encoding'
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'control characters are not allowed in a path'
  if (path.split('/').some(segment => segment === '.' || segment === '..')) return 'dot segments are not allowed in a path'
  return undefined
}

export function problem (statusCode: number, message: string): { statusCode: number, error: string, message: string } {
  const names: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict', 412: 'Precondition Failed', 413: 'Content Too Large', 414: 'URI Too Long', 415: 'Unsupported Media Type', 416: 'Range Not Satisfiable', 422: 'Unprocessable Content', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable' }
  return { statusCode, error: names[statusCode] ?? 'Error', message }
}

export default fp(requestGuard, { name: 'seedcast-request-guard', fastify: '5.x' })
