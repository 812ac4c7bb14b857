import { readCatalog } from '../show/load.js'
import type { MountedShow } from './mounts.js'

/** Re-read the catalogs at most this often when a name is missing. */
const REFRESH_MS = 5_000

/**
 * Episode slugs by infohash and by media path, across the served shows, for metric labels:
 * an episode published while serving is named after the next refresh. Unknown ones are
 * labelled by what is known (the infohash, or "other").
 */
export class EpisodeNames {
  private byInfoHash = new Map<string, string>()
  private showByInfoHash = new Map<string, string>()
  private byPath = new Map<string, string>()
  private refreshed = 0

  constructor (private readonly shows: MountedShow[]) {
    this.use(shows.map(show => ({ show, catalog: show.catalog })))
  }

  ofInfoHash (infoHash: string): string {
    const name = this.byInfoHash.get(infoHash.toLowerCase())
    if (name === undefined) this.refresh()
    return name ?? infoHash.toLowerCase()
  }

  /** The folder of the show publishing the episode with this infohash, when known. */
  showOfInfoHash (infoHash: string): string | undefined {
    const root = this.showByInfoHash.get(infoHash.toLowerCase())
    if (root === undefined) this.refresh()
    return root
  }

  /** The slug owning `relativePath` of a show, or "feeds", "pages" or "other". */
  ofFile (show: MountedShow, relativePath: string): string {
    const name = this.byPath.get(`${show.paths.root}\0${relativePath}`)
    if (name !== undefined) return name
    if (/^[^/]+\.(xml|json)$/.test(relativePath)) return 'feeds'
    if (relativePath.endsWith('.html')) return 'pages'
    if (/^(media|torrents|chapters)\//.test(relativePath)) this.refresh()
    return 'other'
  }

  private refresh (): void {
    if (Date.now() - this.refreshed < REFRESH_MS) return
    this.refreshed = Date.now()
    void Promise.all(this.shows.map(async show => ({ show, catalog: await readCatalog(show.paths).catch(() => show.catalog) })))
      .then(catalogs => this.use(catalogs))
  }

  private use (catalogs: Array<{ show: MountedShow, catalog: MountedShow['catalog'] }>): void {
    for (const { show, catalog } of catalogs) {
      for (const episode of catalog.episodes) {
        this.byInfoHash.set(episode.infoHash.toLowerCase(), episode.slug)
        this.showByInfoHash.set(episode.infoHash.toLowerCase(), show.paths.root)
        for (const path of [episode.mediaPath, episode.torrentPath, episode.chaptersPath]) {
          if (path) this.byPath.set(`${show.paths.root}\0${path}`, episode.slug)
        }
      }
    }
  }
}
