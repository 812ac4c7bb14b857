import type { Stats } from 'node:fs'
import { stat } from 'node:fs/promises'
import { readCatalog } from '../show/load.js'
import type { ShowPaths } from '../model/paths.js'
import type { Catalog } from '../model/show.js'

/** Folders of public/ whose files belong to one episode each. */
const EPISODE_FOLDERS = new Set(['media', 'torrents', 'chapters', 'episodes', 'images', 'transcripts'])

/**
 * Which files of a show's public/ may be served, from its catalog, re-read whenever
 * episodes.json changes (one stat per question). In the episode folders (media/,
 * torrents/, chapters/, episodes/<slug>/ ...) a file is served only when a published
 * episode owns it: a draft's media, torrent and pages, and the files a publish places
 * before its catalog entry exists, answer 404 however their URL is guessed; so do a
 * scheduled episode's until its date (checked on each question, not when the catalog is read).
 * Files at the root of public/ (feeds, cover, show page) are always served.
 */
export class CatalogView {
  private key = ''
  /** Path → the time (ms) from which it is served: a scheduled episode's files wait for its date. */
  private published = new Map<string, number>()
  private slugs = new Map<string, number>()
  private refreshing: Promise<void> | undefined

  constructor (private readonly paths: ShowPaths, catalog: Catalog, stats?: Stats) {
    this.use(catalog, stats)
  }

  /** Whether `relativePath` (below public/, forward slashes) may be served now. */
  async allows (relativePath: string): Promise<boolean> {
    const slash = relativePath.indexOf('/')
    if (slash < 0 || !EPISODE_FOLDERS.has(relativePath.slice(0, slash))) return true
    await this.refresh()
    const now = Date.now()
    const from = this.published.get(relativePath)
    if (from !== undefined) return from <= now
    // Pages and other files in a folder per episode: episodes/<slug>/..., and the folder's
    // own URL without its slash (answered with a redirect to it, as static hosts do).
    const folder = /^[^/]+\/([^/]+)(?:\/|$)/.exec(relativePath)?.[1]
    const slugFrom = folder === undefined ? undefined : this.slugs.get(folder)
    return slugFrom !== undefined && slugFrom <= now
  }

  private async refresh (): Promise<void> {
    while (this.refreshing) await this.refreshing
    const stats = await stat(this.paths.catalogFile).catch(() => undefined)
    if (!stats || keyOf(stats) === this.key) return
    this.refreshing = readCatalog(this.paths).then(catalog => this.use(catalog, stats), () => {
      // A catalog that does not read (being repaired by hand) keeps the last good view.
    }).finally(() => { this.refreshing = undefined })
    await this.refreshing
  }

  private use (catalog: Catalog, stats: Stats | undefined): void {
    const published = new Map<string, number>()
    const slugs = new Map<string, number>()
    for (const episode of catalog.episodes) {
      if (episode.draft) continue
      const from = releaseTime(episode.pubDate)
      slugs.set(episode.slug, from)
      for (const path of [episode.mediaPath, episode.torrentPath, episode.chaptersPath, episode.imagePath, episode.transcriptPath]) {
        if (path) published.set(path, from)
      }
    }
    this.published = published
    this.slugs = slugs
    if (stats) this.key = keyOf(stats)
  }
}

/**
 * When an episode's files may be served: its date (a scheduled episode is not there before
 * it, as it is not in the feeds). An unreadable date is served at once, as feeds treat it.
 */
export function releaseTime (pubDate: string): number {
  const at = new Date(pubDate).getTime()
  return Number.isNaN(at) ? 0 : at
}

function keyOf (stats: Stats): string {
  return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}`
}
