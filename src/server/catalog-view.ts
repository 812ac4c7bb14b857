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
 * before its catalog entry exists, answer 404 however their URL is guessed.
 * Files at the root of public/ (feeds, cover, show page) are always served.
 */
export class CatalogView {
  private key = ''
  private published = new Set<string>()
  private slugs = new Set<string>()
  private refreshing: Promise<void> | undefined

  constructor (private readonly paths: ShowPaths, catalog: Catalog, stats?: Stats) {
    this.use(catalog, stats)
  }

  /** Whether `relativePath` (below public/, forward slashes) may be served now. */
  async allows (relativePath: string): Promise<boolean> {
    const slash = relativePath.indexOf('/')
    if (slash < 0 || !EPISODE_FOLDERS.has(relativePath.slice(0, slash))) return true
    await this.refresh()
    if (this.published.has(relativePath)) return true
    // Pages and other files in a folder per episode: episodes/<slug>/...
    const folder = /^[^/]+\/([^/]+)\//.exec(relativePath)?.[1]
    return folder !== undefined && this.slugs.has(folder)
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
    const published = new Set<string>()
    const slugs = new Set<string>()
    for (const episode of catalog.episodes) {
      if (episode.draft) continue
      slugs.add(episode.slug)
      for (const path of [episode.mediaPath, episode.torrentPath, episode.chaptersPath, episode.imagePath, episode.transcriptPath]) {
        if (path) published.add(path)
      }
    }
    this.published = published
    this.slugs = slugs
    if (stats) this.key = keyOf(stats)
  }
}

function keyOf (stats: Stats): string {
  return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}`
}
