import { stat } from 'node:fs/promises'
import { readCatalog } from '../show/load.js'
import { releaseTime } from './catalog-view.js'
import type { MountedShow } from './mounts.js'

/**
 * The infohashes of the published (non-draft) episodes of the served shows: what the
 * tracker answers for. A scheduled episode's infohash is tracked from its date on. Each show's catalog is read again when its episodes.json changed
 * (it is replaced by rename on every publish, edit or remove, so its inode, size or mtime
 * changes), checked on every question: an episode published while serving is tracked at
 * once, a removed one stops being tracked, and a stream of unknown infohashes costs one
 * stat per show each, never a parse.
 */
export class ServedInfoHashes {
  private readonly byShow = new Map<MountedShow, { version: string, hashes: Map<string, number> }>()
  private refreshing?: Promise<void>

  constructor (private readonly shows: MountedShow[]) {
    for (const show of shows) this.byShow.set(show, { version: '', hashes: published(show.catalog.episodes) })
  }

  async has (infoHash: string): Promise<boolean> {
    await this.refresh()
    const wanted = infoHash.toLowerCase()
    const now = Date.now()
    for (const { hashes } of this.byShow.values()) {
      const from = hashes.get(wanted)
      if (from !== undefined && from <= now) return true
    }
    return false
  }

  /** Every infohash tracked now. */
  async all (): Promise<string[]> {
    await this.refresh()
    const now = Date.now()
    return [...new Set([...this.byShow.values()].flatMap(({ hashes }) => [...hashes].filter(([, from]) => from <= now).map(([hash]) => hash)))]
  }

  /** One refresh at a time: concurrent questions share it. */
  private refresh (): Promise<void> {
    this.refreshing ??= this.readChanged().finally(() => { this.refreshing = undefined })
    return this.refreshing
  }

  private async readChanged (): Promise<void> {
    await Promise.all(this.shows.map(async show => {
      const info = await stat(show.paths.catalogFile).catch(() => undefined)
      if (!info) return // a catalog being restored by hand: keep what was read last
      const version = `${info.ino}:${info.size}:${info.mtimeMs}`
      const known = this.byShow.get(show)
      if (known?.version === version) return
      const catalog = await readCatalog(show.paths).catch(() => undefined)
      if (catalog) this.byShow.set(show, { version, hashes: published(catalog.episodes) })
    }))
  }
}

/** Infohash → the time (ms) from which it is tracked. */
function published (episodes: Array<{ infoHash: string, draft: boolean, pubDate: string }>): Map<string, number> {
  return new Map(episodes.filter(episode => !episode.draft).map(episode => [episode.infoHash.toLowerCase(), releaseTime(episode.pubDate)]))
}
