import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { isScheduled } from '../feed/published.js'
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
  /** Episodes in the feeds now: neither drafts nor scheduled. */
  episodes: number
  /** Episodes dated in the future: served (and in the feeds) from their date. */
  scheduled: number
}

export const SHOWS_API_PATH = '/.well-known/seedcast.json'

export interface ShowsApiOptions { shows: MountedShow[] }

/**
 * A show's summary; `catalog` defaults to the one loaded at start. A scheduled episode is
 * not counted with the published ones: serve said "2 episodes" for one in the feeds and one
 * that nothing served until its date.
 */
export function summarizeShow (show: MountedShow, catalog = show.catalog, now = new Date()): ShowSummary {
  const scheduled = catalog.episodes.filter(episode => isScheduled(episode, now)).length
  return {
    title: show.config.title,
    path: show.mountPath,
    baseUrl: show.config.baseUrl,
    feeds: feedUrls(show.config),
    episodes: catalog.episodes.filter(episode => !episode.draft).length - scheduled,
    scheduled
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
