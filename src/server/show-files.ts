import { relative, sep } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { contentTypeFor } from './content-types.js'
import type { MountedShow } from './mounts.js'
import { fileSize, resolvePublicFile } from './public-file.js'
import { parseRange } from './range.js'
import { problem } from './request-guard.js'

export interface ShowFilesOptions {
  show: MountedShow
  /** Only the first show's plugin decorates the reply with sendFile (@fastify/static allows it once). */
  decorateReply?: boolean
}

/** Feeds are rewritten on every publish: caches must revalidate (cheap, with the ETag). */
const REVALIDATE = 'no-cache'
/** Media, torrents, chapters and art keep their bytes under their slug: cache a day. */
const CACHE_A_DAY = 'public, max-age=86400'

/**
 * Serves one show's public/ at its mount path (its base URL's path): GET and HEAD, one
 * byte range (206), ETag and Last-Modified with conditional GET (304), Accept-Ranges,
 * seedcast's content types. Nothing outside public/ is reachable: @fastify/static
 * resolves below its root only, dot files are ignored (404), and no directory is listed.
 * Registered once per show, each in its own encapsulated scope.
 */
export default async function showFiles (app: FastifyInstance, options: ShowFilesOptions): Promise<void> {
  const { publicDir } = options.show.paths
  app.addHook('preHandler', (request, reply) => checkRange(publicDir, request, reply))
  await app.register(fastifyStatic, {
    root: publicDir,
    prefix: options.show.mountPath,
    decorateReply: options.decorateReply ?? false,
    index: false,
    list: false,
    redirect: false,
    dotfiles: 'ignore',
    serveDotFiles: false,
    acceptRanges: true,
    etag: true,
    lastModified: true,
    cacheControl: false,
    setHeaders: (reply, path) => {
      const relativePath = relative(publicDir, path).split(sep).join('/')
      if (reply.statusCode !== 304) reply.header('content-type', contentTypeFor(relativePath))
      reply.header('cache-control', /^[^/]+\.(xml|json)$/.test(relativePath) ? REVALIDATE : CACHE_A_DAY)
      reply.header('x-content-type-options', 'nosniff')
    }
  })
}

/**
 * @fastify/send serves the whole file (200) for a malformed or multiple range, and its
 * 416 loses the Content-Range header on the way through @fastify/static; this check
 * answers every range it will not serve with 416 and the file's size in Content-Range
 * (RFC 9110), so a client never mistakes a full body for the part it asked for.
 */
async function checkRange (publicDir: string, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  const header = request.headers.range
  if (header === undefined) return
  const urlPath = (request.params as Record<string, string | undefined>)['*']
  if (urlPath === undefined) return
  const file = resolvePublicFile(publicDir, urlPath)
  if (!file) return
  const size = await fileSize(file)
  if (size === undefined) return
  const range = parseRange(header, size)
  if (range === 'invalid') return await refuseRange(reply, size, 'only one range of the form bytes=first-last, bytes=first- or bytes=-suffix is served')
  // With If-Range a stale validator means "send it all" (200): @fastify/send decides that.
  if (range === 'unsatisfiable' && request.headers['if-range'] === undefined) return await refuseRange(reply, size, `the file has ${size} bytes`)
  return undefined
}

function refuseRange (reply: FastifyReply, size: number, message: string): FastifyReply {
  return reply.code(416).header('content-range', `bytes */${size}`).header('accept-ranges', 'bytes').send(problem(416, message))
}
