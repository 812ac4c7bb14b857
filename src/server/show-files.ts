import { realpath, stat } from 'node:fs/promises'
import type { OutgoingHttpHeaders } from 'node:http'
import { join } from 'node:path'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { CatalogView } from './catalog-view.js'
import { ifRangeHolds, preconditionStatus, statEtag, variantEtag, type Validators } from './conditional.js'
import { contentTypeFor } from './content-types.js'
import { sendFileRange } from './file-sender.js'
import { chooseCoding, isCompressible } from './encoding.js'
import type { MountedShow } from './mounts.js'
import { openPublicFile, resolvePublicFile, type OpenFile } from './public-file.js'
import { parseRange, type ByteRange } from './range.js'
import { problem } from './request-guard.js'
import { SNAPSHOT_MAX_BYTES, SnapshotCache, type Snapshot } from './snapshots.js'
import { decodedPath, splitTarget } from './target.js'

export interface ShowFilesOptions {
  shows: MountedShow[]
  /**
   * Told when a response body of a show's file begins (for the traffic counters); the
   * function it returns is called once, when the response ends, with the bytes the
   * client's socket took (a client gone midway took fewer than the body's length).
   */
  onSending?: (show: MountedShow, relativePath: string) => (deliveredBytes: number) => void
}

/** Feeds and pages are rewritten on every publish: caches must revalidate (cheap, with the ETag). */
const REVALIDATE = 'no-cache'
/** Media, torrents, chapters and art keep their bytes under their slug: cache a day. */
const CACHE_A_DAY = 'public, max-age=86400'

interface Context {
  snapshots: SnapshotCache
  onSending: ShowFilesOptions['onSending']
}

/** One show as the file route sees it. */
interface Site {
  show: MountedShow
  /** The mount path decoded and NFC-normalised, compared with decoded request paths. */
  prefix: string
  realRoot: string
  catalog: CatalogView
}

/**
 * Serves each show's public/ at its mount path (its base URL's path, decoded): GET and
 * HEAD, one byte range (206), ETag and Last-Modified with conditional requests (304, 412),
 * If-Range, brotli and gzip for text files (Vary: Accept-Encoding), index.html for a
 * folder's URL ending in "/" (a folder without the slash is redirected to it).
 *
 * Nothing outside public/ is reachable: paths are resolved below it, dot files are never
 * served, symbolic links leading out of it are refused, and no folder is listed. A
 * draft's files answer 404 until it is published (CatalogView). Every answer comes from
 * one open descriptor (small files from an in-memory snapshot read through one), so a
 * file replaced while it is served is never sent half old, half new.
 */
async function showFiles (app: FastifyInstance, options: ShowFilesOptions): Promise<void> {
  const sites: Site[] = []
  for (const show of options.shows) {
    const catalogStats = await stat(show.paths.catalogFile).catch(() => undefined)
    sites.push({
      show,
      prefix: decodedPath(show.mountPath),
      realRoot: await realpath(show.paths.publicDir).catch(() => show.paths.publicDir),
      catalog: new CatalogView(show.paths, show.catalog, catalogStats)
    })
  }
  // Longest mount path first: /shows/one/ is tried before /.
  sites.sort((a, b) => b.prefix.length - a.prefix.length)
  const snapshots = new SnapshotCache()
  const context: Context = { snapshots, onSending: options.onSending }

  app.route({
    method: ['GET', 'HEAD'],
    url: '*',
    handler: async (request, reply) => {
      const { path: rawPath, query } = splitTarget(request.url)
      const path = decodedPath(rawPath)
      const site = sites.find(candidate => path.startsWith(candidate.prefix))
      if (!site) {
        if (sites.some(candidate => `${path}/` === candidate.prefix)) return await redirect(reply, `${rawPath}/${query}`)
        return await notFound(request, reply)
      }
      let relativePath = path.slice(site.prefix.length)
      if (relativePath === '' || relativePath.endsWith('/')) relativePath += 'index.html'
      const file = resolvePublicFile(site.show.paths.publicDir, relativePath)
      if (!file || !await site.catalog.allows(relativePath)) return await notFound(request, reply)

      const held = snapshots.current(file)
      if (held) return await sendSnapshot(request, reply, held, relativePath, site, context)
      const opened = await openPublicFile(site.realRoot, file)
      if (!opened) {
        if (!path.endsWith('/') && await isFolderWithIndex(site.realRoot, file)) return await redirect(reply, `${rawPath}/${query}`)
        return await notFound(request, reply)
      }
      if (opened.stats.size <= SNAPSHOT_MAX_BYTES) {
        let snapshot: Snapshot
        try {
          snapshot = await snapshots.take(file, opened, isCompressible(contentTypeFor(relativePath)))
        } finally {
          await opened.handle.close()
        }
        return await sendSnapshot(request, reply, snapshot, relativePath, site, context)
      }
      return await sendOpenFile(request, reply, opened, relativePath, site, context)
    }
  })
}

function baseHeaders (reply: FastifyReply, relativePath: string, validators: Validators): void {
  reply.header('content-type', contentTypeFor(relativePath))
  reply.header('cache-control', /^[^/]+\.(xml|json)$|\.html$|^seedcast-sw\.js$/.test(relativePath) ? REVALIDATE : CACHE_A_DAY)
  reply.header('accept-ranges', 'bytes')
  reply.header('last-modified', new Date(validators.mtimeMs).toUTCString())
  reply.header('x-content-type-options', 'nosniff')
}

/**
 * The status and range the request gets for a representation of `size` bytes: a 304 or
 * 412 from the preconditions, a 416 for a range that cannot be served, a range to send
 * (206), or the whole (200).
 */
function plan (request: FastifyRequest, validators: Validators, size: number): { status: 304 | 412 | 416 } | { status: 200 } | { status: 206, range: ByteRange } {
  const precondition = preconditionStatus(request.headers, validators)
  if (precondition) return { status: precondition }
  const header = request.headers.range
  if (header === undefined || !ifRangeHolds(request.headers, validators)) return { status: 200 }
  const range = parseRange(header, size)
  if (range === 'ignored') return { status: 200 }
  if (typeof range === 'string') return { status: 416 }
  return { status: 206, range }
}

async function sendSnapshot (request: FastifyRequest, reply: FastifyReply, snapshot: Snapshot, relativePath: string, site: Site, context: Context): Promise<FastifyReply> {
  baseHeaders(reply, relativePath, snapshot)
  const size = snapshot.body.length
  // The coding is chosen first: a 304 carries the ETag the 200 would have had.
  let coding = snapshot.compressible && request.headers.range === undefined ? chooseCoding(request.headers['accept-encoding']) : undefined
  const encoded = coding ? await context.snapshots.encoded(snapshot, coding) : undefined
  if (!encoded || encoded.length >= size) coding = undefined
  if (snapshot.compressible) reply.header('vary', 'Accept-Encoding')
  const etag = variantEtag(snapshot.etag, coding)
  const decision = plan(request, snapshot, size)
  if (decision.status === 304 || decision.status === 412) return await bodiless(reply, decision.status, etag)
  if (decision.status === 416) return await refuseRange(reply, size)
  let body = snapshot.body
  if (decision.status === 206) {
    body = body.subarray(decision.range.start, decision.range.end + 1)
    reply.code(206).header('content-range', `bytes ${decision.range.start}-${decision.range.end}/${size}`)
  } else if (coding && encoded) {
    body = encoded
    reply.header('content-encoding', coding)
  }
  reply.header('etag', etag).header('content-length', String(body.length))
  if (request.method === 'HEAD') return await reply.send()
  const ended = context.onSending?.(site.show, relativePath)
  if (ended) {
    // A client gone before the answer took nothing (and its response emits no more 'close').
    if (reply.raw.destroyed) ended(0)
    else reply.raw.once('close', () => ended(reply.raw.writableFinished ? body.length : 0))
  }
  return await reply.send(body)
}

async function sendOpenFile (request: FastifyRequest, reply: FastifyReply, file: OpenFile, relativePath: string, site: Site, context: Context): Promise<FastifyReply> {
  const validators = { etag: statEtag(file.stats.size, file.stats.mtimeMs), mtimeMs: file.stats.mtimeMs }
  baseHeaders(reply, relativePath, validators)
  reply.header('etag', validators.etag)
  const size = file.stats.size
  const decision = plan(request, validators, size)
  if (decision.status !== 200 && decision.status !== 206) {
    await file.handle.close()
    if (decision.status === 416) return await refuseRange(reply, size)
    return await bodiless(reply, decision.status, validators.etag)
  }
  const { start, end } = decision.status === 206 ? decision.range : { start: 0, end: size - 1 }
  if (decision.status === 206) reply.code(206).header('content-range', `bytes ${start}-${end}/${size}`)
  reply.header('content-length', String(end - start + 1))
  if (request.method === 'HEAD') {
    await file.handle.close()
    return await reply.send()
  }
  const ended = context.onSending?.(site.show, relativePath)
  // The lean path: the head written here, the bytes by sendFileRange (reused buffers, no
  // stream per request), which closes the file.
  reply.hijack()
  reply.raw.writeHead(reply.statusCode, reply.getHeaders() as OutgoingHttpHeaders)
  const delivered = await sendFileRange(reply.raw, file.handle, start, end)
  ended?.(delivered)
  return reply
}

function bodiless (reply: FastifyReply, status: 304 | 412, etag: string): FastifyReply {
  reply.removeHeader('content-type')
  return reply.code(status).header('etag', etag).send()
}

function refuseRange (reply: FastifyReply, size: number): FastifyReply {
  return reply.code(416).header('content-range', `bytes */${size}`).header('content-type', 'application/json; charset=utf-8')
    .send(problem(416, `only one range of the form bytes=first-last, bytes=first- or bytes=-suffix within the file's ${size} bytes is served`))
}

function redirect (reply: FastifyReply, location: string): FastifyReply {
  return reply.code(301).header('location', location).send()
}

function notFound (request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.code(404).send(problem(404, `${request.method} ${request.url.slice(0, 200)}: no such file`))
}

/** Whether `path` is a folder below public/ holding an index.html (its URL lacked the slash). */
async function isFolderWithIndex (realRoot: string, path: string): Promise<boolean> {
  const opened = await openPublicFile(realRoot, join(path, 'index.html'))
  await opened?.handle.close()
  return opened !== undefined
}

export default fp(showFiles, { name: 'seedcast-show-files', fastify: '5.x', dependencies: ['seedcast-request-guard'] })
