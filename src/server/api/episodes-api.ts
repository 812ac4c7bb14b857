import { basename } from 'node:path'
import { constants as zlibConstants } from 'node:zlib'
import compress from '@fastify/compress'
import multipart from '@fastify/multipart'
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import * as z from '../../model/zod.js'
import { SeedcastError } from '../../errors.js'
import { editEpisode, listEpisodes, removeEpisode, showEpisode, type EpisodeChanges } from '../../show/episodes.js'
import { publish, type PublishOptions } from '../../show/publish.js'
import type { MountedShow } from '../mounts.js'
import { problem } from '../request-guard.js'
import { summarizeShow } from '../shows-api.js'
import type { Traffic } from '../traffic.js'
import { TokenGate } from './auth.js'
import { showStats } from './stats.js'
import { receiveUpload, sweepUploads, type Upload } from './uploads.js'

export const API_PREFIX = '/api/'

export interface ApiOptions {
  shows: MountedShow[]
  /** The traffic counters read by GET /api/shows/<id>/stats. */
  traffic: Traffic
  /** Largest upload accepted, bytes (413 past it). Default 2 GiB. */
  maxUploadBytes?: number
  /** Requests per minute per client address on the API. Default 300. */
  rateLimitPerMinute?: number
}

export const DEFAULT_MAX_UPLOAD_BYTES = 2 * 1024 ** 3

/** The id of each show in the API: its folder's name, made unique with -2, -3... */
export function showIds (shows: MountedShow[]): Map<string, MountedShow> {
  const ids = new Map<string, MountedShow>()
  for (const show of shows) {
    const base = basename(show.paths.root)
    let id = base
    for (let n = 2; ids.has(id); n++) id = `${base}-${n}`
    ids.set(id, show)
  }
  return ids
}

const changesSchema = z.strictObject({
  title: z.optional(z.string()),
  description: z.optional(z.string()),
  date: z.optional(z.string()),
  season: z.optional(z.nullable(z.number().check(z.int()))),
  episode: z.optional(z.nullable(z.number().check(z.int()))),
  draft: z.optional(z.boolean()),
  explicit: z.optional(z.boolean())
})

const UPLOAD_FIELDS = new Set(['title', 'description', 'date', 'season', 'episode', 'draft', 'explicit'])
/** Largest text field of an upload (a description of 64 KiB is a long one already). */
const MAX_FIELD_BYTES = 64 * 1024

/** The HTTP status for an error of the publish and edit flows (the CLI's exit codes, in HTTP). */
export function statusFor (error: unknown): number {
  if (!(error instanceof SeedcastError)) return (error as { statusCode?: number }).statusCode ?? 500
  switch (error.code) {
    case 'ENOEPISODE': return 404
    case 'ENOTMEDIA': case 'ETRUNCATED': return 415
    case 'ELOCKED': case 'ECHANGED': case 'EEXIST': return 409
    case 'EBADSHOW': case 'ENOTSHOW': return 500
    default: return 400
  }
}

function flag (value: string): boolean {
  if (/^(true|1|yes|on)$/i.test(value)) return true
  if (/^(false|0|no|off|)$/i.test(value)) return false
  throw new SeedcastError(`"${value}" is not true or false`, { code: 'EUSAGE' })
}

function integer (name: string, value: string): number {
  if (!/^\d{1,9}$/.test(value.trim())) throw new SeedcastError(`${name} must be a whole number, not "${value}"`, { code: 'EUSAGE' })
  return Number(value)
}

function publishOptions (fields: Map<string, string>): PublishOptions {
  const options: PublishOptions = {}
  for (const [name, value] of fields) {
    if (name === 'title' || name === 'description' || name === 'date') options[name] = value
    else if (name === 'season' || name === 'episode') options[name] = integer(name, value)
    else if (name === 'draft' || name === 'explicit') options[name] = flag(value)
  }
  return options
}

/**
 * Reads the multipart body of an upload (fields and one file, streamed to disk) and
 * publishes it. `onFile` is told of the upload as soon as it is on disk, so the caller
 * removes it whatever happens next.
 */
async function publishUpload (request: FastifyRequest, show: MountedShow, onFile: (upload: Upload) => void): Promise<{ status: number, body: unknown }> {
  const fields = new Map<string, string>()
  let upload: Upload | undefined
  let file: NodeJS.ReadableStream & { truncated?: boolean, destroy: (error?: Error) => void } | undefined
  try {
    // The file is written while the parts go on being read: a body that ends inside the
    // file fails the iteration (busboy's error), not the file stream, which would wait forever.
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file' || upload) {
          part.file.resume()
          return { status: 400, body: problem(400, `unexpected file field "${part.fieldname}": send one file, in the field "file"`) }
        }
        file = part.file
        upload = receiveUpload(show.paths, part.filename, part.file)
        onFile(upload)
      } else if (UPLOAD_FIELDS.has(part.fieldname)) {
        // busboy cuts a field at the limit and says so only here: never publish a cut title.
        if (part.valueTruncated) return { status: 413, body: problem(413, `the field "${part.fieldname}" is longer than ${MAX_FIELD_BYTES} bytes`) }
        fields.set(part.fieldname, String(part.value))
      } else {
        return { status: 400, body: problem(400, `unknown field "${part.fieldname}" (fields: file, ${[...UPLOAD_FIELDS].join(', ')})`) }
      }
    }
    await upload?.done
  } catch (error) {
    file?.destroy(error as Error)
    upload?.done.catch(() => {})
    throw error
  }
  if (!upload) return { status: 400, body: problem(400, 'no media: send it in the field "file"') }
  if (file?.truncated) return { status: 413, body: problem(413, 'the file is larger than the upload limit') }
  const result = await publish(show.paths.root, upload.path, publishOptions(fields))
  const shown = await showEpisode(show.paths.root, result.episode.slug)
  return { status: result.duplicate ? 200 : 201, body: shown }
}

/**
 * The show API under /api/: GET /api/shows; GET /api/shows/<id>/episodes (drafts only with
 * a token); GET /api/shows/<id>/stats (every episode's traffic by transport and the show's
 * upload history, for the dashboard) with a token; POST (multipart, the media in field `file`), PATCH (JSON) and DELETE of
 * episodes with a token ("Authorization: Bearer <token>", made by `seedcast token
 * create`). Writes go through the same library calls and errors as the CLI; an upload is
 * streamed to .seedcast/uploads/ under a size limit (413), then published, and removed
 * whatever happens. Rate-limited per client address.
 */
async function episodesApi (app: FastifyInstance, options: ApiOptions): Promise<void> {
  const ids = showIds(options.shows)
  const gate = new TokenGate()
  for (const show of options.shows) await sweepUploads(show.paths)
  await app.register(rateLimit, {
    max: options.rateLimitPerMinute ?? 300,
    timeWindow: 60_000,
    allowList: [],
    errorResponseBuilder: (_request, context) => ({ ...problem(429, `more than ${context.max} API requests a minute from this address; wait ${Math.ceil(context.ttl / 1000)} s`), statusCode: 429 })
  })
  // The API's JSON compressed (this plugin's routes only; the show's files have their own
  // precomputed codings): the dashboard asks for /stats every 2 s, 168 kB at 520 episodes.
  await app.register(compress, {
    encodings: ['br', 'gzip'],
    threshold: 1024,
    brotliOptions: { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 4 } }
  })
  await app.register(multipart, {
    limits: { fileSize: options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES, files: 1, fields: 20, fieldSize: MAX_FIELD_BYTES, parts: 30, headerPairs: 100 }
  })

  const showOf = async (request: FastifyRequest, reply: FastifyReply): Promise<MountedShow | undefined> => {
    const show = ids.get((request.params as { id: string }).id)
    if (!show) await reply.code(404).send(problem(404, `no show "${(request.params as { id: string }).id}" here (GET ${API_PREFIX}shows lists them)`))
    return show
  }
  const authorized = async (request: FastifyRequest, reply: FastifyReply, show: MountedShow): Promise<boolean> => {
    const token = await gate.check(request, reply, show.paths.root)
    if (token === 'none') await gate.demand(reply)
    return token !== undefined && token !== 'none'
  }
  const fail = (reply: FastifyReply, error: unknown) => {
    const status = statusFor(error)
    if (status >= 500) throw error
    const message = error instanceof SeedcastError ? `${error.message}${error.hint ? ` (${error.hint})` : ''}` : (error as Error).message
    return reply.code(status).send({ ...problem(status, message), code: (error as SeedcastError).code })
  }

  app.get(`${API_PREFIX}shows`, async (_request, reply) => {
    reply.header('cache-control', 'no-cache')
    return { shows: [...ids].map(([id, show]) => ({ id, ...summarizeShow(show) })) }
  })

  app.get(`${API_PREFIX}shows/:id/episodes`, async (request, reply) => {
    const show = await showOf(request, reply)
    if (!show) return reply
    const token = await gate.check(request, reply, show.paths.root)
    if (token === undefined) return reply
    const { show: config, episodes } = await listEpisodes(show.paths.root)
    reply.header('cache-control', token === 'none' ? 'no-cache' : 'private, no-store')
    return { show: config.title, episodes: token === 'none' ? episodes.filter(episode => !episode.draft) : episodes }
  })

  // One episode, as PATCH answers it: the dashboard's edit form needs one episode's fields,
  // and fetching the whole list for them was 268 kB at 520 episodes. The list's token rules:
  // a wrong token is 401, no token sees published episodes only (a draft is not there).
  app.get(`${API_PREFIX}shows/:id/episodes/:slug`, async (request, reply) => {
    const show = await showOf(request, reply)
    if (!show) return reply
    const token = await gate.check(request, reply, show.paths.root)
    if (token === undefined) return reply
    const slug = (request.params as { slug: string }).slug
    try {
      const found = await showEpisode(show.paths.root, slug)
      if (token === 'none' && found.episode.draft) throw new SeedcastError(`no episode "${slug}" in this show`, { code: 'ENOEPISODE' })
      reply.header('cache-control', token === 'none' ? 'no-cache' : 'private, no-store')
      return found
    } catch (error) {
      return await fail(reply, error)
    }
  })

  app.get(`${API_PREFIX}shows/:id/stats`, async (request, reply) => {
    const show = await showOf(request, reply)
    if (!show || !await authorized(request, reply, show)) return reply
    reply.header('cache-control', 'private, no-store')
    return await showStats((request.params as { id: string }).id, show, options.traffic)
  })

  app.post(`${API_PREFIX}shows/:id/episodes`, async (request, reply) => {
    const show = await showOf(request, reply)
    if (!show || !await authorized(request, reply, show)) return reply
    if (!request.isMultipart()) return reply.code(415).send(problem(415, 'send the episode as multipart/form-data, the media in the field "file"'))
    let upload: Upload | undefined
    let answer: { status: number, body: unknown } | undefined
    try {
      answer = await publishUpload(request, show, received => { upload = received })
    } catch (error) {
      const code = (error as { code?: string }).code
      if (code === 'FST_REQ_FILE_TOO_LARGE') answer = { status: 413, body: problem(413, 'the file is larger than the upload limit') }
      else if (error instanceof SeedcastError) answer = { status: statusFor(error), body: { ...problem(statusFor(error), `${error.message}${error.hint ? ` (${error.hint})` : ''}`), code: error.code } }
      else if (request.raw.socket?.destroyed !== false) answer = undefined
      else if (code?.startsWith('FST_') || /multipart|form|part/i.test((error as Error).message)) answer = { status: 400, body: problem(400, `malformed upload: ${(error as Error).message}`) }
      else throw error
    } finally {
      // Removed before answering: once the client has its answer, nothing of the upload is left.
      await upload?.cleanup()
    }
    // The client went away mid-upload (a cut connection): nothing to answer.
    if (!answer) return reply
    return reply.code(answer.status).send(answer.body)
  })

  app.patch(`${API_PREFIX}shows/:id/episodes/:slug`, async (request, reply) => {
    const show = await showOf(request, reply)
    if (!show || !await authorized(request, reply, show)) return reply
    const parsed = changesSchema.safeParse(request.body)
    if (!parsed.success) return reply.code(400).send(problem(400, `a JSON object of episode fields (title, description, date, season, episode, draft, explicit): ${parsed.error.issues[0]?.message ?? 'invalid'}`))
    try {
      const edited = await editEpisode(show.paths.root, (request.params as { slug: string }).slug, parsed.data as EpisodeChanges)
      return await showEpisode(show.paths.root, edited.slug)
    } catch (error) {
      return await fail(reply, error)
    }
  })

  app.delete(`${API_PREFIX}shows/:id/episodes/:slug`, async (request, reply) => {
    const show = await showOf(request, reply)
    if (!show || !await authorized(request, reply, show)) return reply
    try {
      await removeEpisode(show.paths.root, (request.params as { slug: string }).slug)
      return await reply.code(204).send()
    } catch (error) {
      return await fail(reply, error)
    }
  })
}

export default fp(episodesApi, { name: 'seedcast-api', fastify: '5.x', encapsulate: true, dependencies: ['seedcast-request-guard'] })
