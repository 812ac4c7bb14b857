import { resolve } from 'node:path'
import { feedUrls, publicUrl, type FeedUrls } from '../feed/urls.js'
import { repairFeeds } from './feeds.js'
import { loadShow } from './load.js'
import type { ShowConfig } from '../model/show.js'

export interface ShowDescription {
  dir: string
  show: ShowConfig
  feeds: FeedUrls
  image?: string
  episodes: { total: number, published: number, scheduled: number, drafts: number }
}

/** `seedcast show`: show.json with its public URLs and how many episodes are in each state. */
export async function describeShow (showDir: string, now = new Date()): Promise<ShowDescription> {
  const dir = resolve(showDir)
  await repairFeeds(dir)
  const { config, catalog } = await loadShow(dir)
  const drafts = catalog.episodes.filter(episode => episode.draft).length
  const scheduled = catalog.episodes.filter(episode => !episode.draft && new Date(episode.pubDate) > now).length
  return {
    dir,
    show: config,
    feeds: feedUrls(config),
    ...(config.image ? { image: publicUrl(config, config.image) } : {}),
    episodes: { total: catalog.episodes.length, published: catalog.episodes.length - drafts - scheduled, scheduled, drafts }
  }
}
