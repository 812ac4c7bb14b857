import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { feedUrls, type FeedUrls } from '../feed/urls.js'
import { readCatalog } from '../show/load.js'
import type { MountedShow } from './mounts.js'

/** What GET /.well-known/seedcast.json says about each show served here. */
export interface ShowSummary {
  title: string
  /** URL path on this server. */
  path: string
  baseUrl: string
  feeds: FeedUrls
  /** Published (non-draft) episodes. */
  episodes: number
}

export const SHOWS_API_PATH = '/.well-known/seedcast.json'

export interface ShowsApiOptions { shows: MountedShow[] }

/** A show's summary; `catalog` defaults to the one loaded at start. */
export function summarizeShow (show: MountedShow, catalog = show.catalog): ShowSummary {
  return {
    title: show.config.title,
    path: show.mountPath,
    baseUrl: show.config.baseUrl,
    feeds: feedUrls(show.config),
    episodes: catalog.episodes.filter(episode => !episode.draft).length
  }
}

/**
 * GET /.well-known/seedcast.json: the shows this server serves, so a client, a mirror or
 * the web app finds every feed from the host alone. Episode counts are read from each
 * catalog on every request (a publish while serving shows up at once).
 */
async function showsApi (app: FastifyInstance, options: ShowsApiOptions): Promise<void> {
  app.get(SHOWS_API_PATH, async (_request, reply) => {
    const shows = await Promise.all(options.shows.map(async show =>
      summarizeShow(show, await readCatalog(show.paths).catch(() => show.catalog))))
    reply.header('cache-control', 'no-cache')
    return { shows }
  })
}

export default fp(showsApi, { name: 'seedcast-shows-api', fastify: '5.x', dependencies: ['seedcast-request-guard', 'seedcast-cors'] })
