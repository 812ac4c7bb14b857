import { watch } from 'node:fs'
import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { SeedcastError } from '../../errors.js'
import { showPaths } from '../../model/paths.js'
import type { Catalog } from '../../model/show.js'
import { readCatalog } from '../../show/load.js'
import { withShowLock } from '../../show/lock.js'
import { showEpisodeItems, type SeedItem, type SkippedEpisode } from './inputs.js'
import type { Seeder } from './seeder.js'
import { isScheduled, nextScheduledDate } from '../../feed/published.js'

export interface ShowWatchOptions {
  /** Folder searched first for the torrents' data (as seedTorrents' `data`). */
  data?: string
  /** Quiet time after the last change before the catalog is read; default 150 ms. */
  debounceMs?: number
  /** How often the catalog is also stat'ed, for file systems without change events; default 10 s. */
  pollMs?: number
}

/**
 * Keeps a running Seeder in step with show folders: when a show's episodes.json changes
 * (another process published, removed, drafted or undrafted an episode), the catalog is
 * read under the show lock (so the catalog and its files agree), episodes new to it are
 * checked and added, and episodes gone from it (or back to draft) are removed, unless
 * another watched show still lists the same torrent. Torrents already seeded are never
 * checked again; an episode whose data was missing when it appeared is retried only
 * when it leaves the catalog and comes back. When show.json changes (`show edit
 * --trackers` rewrites it and every episode's .torrent under the lock), the .torrent of
 * each episode seeded is read again and one whose trackers changed announces to the new
 * ones (Seeder.updateTrackers: no hashing). Stops with the seeder.
 * `initial` are the items the seeder was started with (they count as held).
 */
export function watchShows (seeder: Seeder, roots: string[], initial: SeedItem[], options: ShowWatchOptions = {}): void {
  const watched = roots.map(root => new WatchedShow(resolve(root), seeder, options))
  for (const show of watched) {
    for (const item of initial) if (item.show === show.root) show.held.add(item.meta.infoHash)
  }
  const heldElsewhere = (show: WatchedShow, infoHash: string) => watched.some(other => other !== show && other.held.has(infoHash))
  for (const show of watched) show.start(heldElsewhere)
}

class WatchedShow {
  /** Infohashes of the published episodes as last read. */
  readonly held = new Set<string>()
  private readonly paths
  private version?: string
  /** show.json as last read (inode, size, mtime). */
  private configVersion?: string
  /** The date of the next scheduled episode in the catalog as last read. */
  private nextRelease?: Date
  private timer?: NodeJS.Timeout
  private running = false
  private again = false

  constructor (readonly root: string, private readonly seeder: Seeder, private readonly options: ShowWatchOptions) {
    this.paths = showPaths(root)
  }

  start (heldElsewhere: (show: WatchedShow, infoHash: string) => boolean): void {
    const changed = () => this.schedule(heldElsewhere)
    // The folder is watched, not the file: episodes.json is replaced by rename on every write.
    try {
      const watcher = watch(this.root, { persistent: false }, (_event, name) => { if (name === null || name === 'episodes.json' || name === 'show.json') changed() })
      watcher.on('error', () => { /* the folder went away: the poll below keeps looking */ })
      this.seeder.onStop(() => watcher.close())
    } catch { /* no inotify here: the poll alone notices changes */ }
    const poll = setInterval(changed, this.options.pollMs ?? 10_000)
    poll.unref()
    this.seeder.onStop(() => { clearInterval(poll); clearTimeout(this.timer) })
    // Once at start: what changed between reading the show and watching it.
    changed()
  }

  private schedule (heldElsewhere: (show: WatchedShow, infoHash: string) => boolean): void {
    clearTimeout(this.timer)
    this.timer = setTimeout(() => { void this.sync(heldElsewhere) }, this.options.debounceMs ?? 150)
    this.timer.unref()
  }

  /** One sync at a time per show; a change during it means one more afterwards. */
  private async sync (heldElsewhere: (show: WatchedShow, infoHash: string) => boolean): Promise<void> {
    if (this.running) { this.again = true; return }
    this.running = true
    try {
      do {
        this.again = false
        if (this.seeder.stopped) return
        await this.syncOnce(heldElsewhere)
      } while (this.again)
    } finally {
      this.running = false
    }
  }

  private async syncOnce (heldElsewhere: (show: WatchedShow, infoHash: string) => boolean): Promise<void> {
    const info = await stat(this.paths.catalogFile).catch(() => undefined)
    if (!info) return // a catalog being restored by hand: keep seeding what was read last
    const version = `${info.ino}:${info.size}:${info.mtimeMs}`
    const config = await stat(this.paths.showFile).catch(() => undefined)
    const configVersion = config ? `${config.ino}:${config.size}:${config.mtimeMs}` : this.configVersion
    // Also on the first read: show.json may have changed since the seeder read the show.
    const configChanged = configVersion !== this.configVersion
    // Unchanged, unless a scheduled episode's date has come since (the poll notices it).
    if (version === this.version && !configChanged && !(this.nextRelease !== undefined && this.nextRelease <= new Date())) return
    let read: { catalog: Catalog, items: SeedItem[], seeded: SeedItem[] }
    try {
      read = await this.readLocked(configChanged)
    } catch (err) {
      // Not marked as read: the next change or poll tries again.
      this.seeder.report({ event: 'warning', code: err instanceof SeedcastError ? err.code : 'EIO', message: `${this.root}: cannot read the catalog to follow its changes: ${(err as Error).message}` })
      return
    }
    this.version = version
    this.configVersion = configVersion
    this.nextRelease = nextScheduledDate(read.catalog.episodes)
    const published = new Set(read.catalog.episodes.filter(episode => !episode.draft && !isScheduled(episode)).map(episode => episode.infoHash))
    const listed = new Set(read.catalog.episodes.map(episode => episode.infoHash))
    for (const infoHash of [...this.held]) {
      if (published.has(infoHash)) continue
      this.held.delete(infoHash)
      // Gone from the catalog (removed, or its media replaced): its fast-resume file goes too,
      // or the state folder keeps one per torrent ever seeded. A draft or scheduled episode
      // keeps it: it comes back without being hashed again.
      if (!heldElsewhere(this, infoHash)) await this.seeder.remove(infoHash, 'removed from the catalog', { forget: !listed.has(infoHash) })
    }
    for (const item of read.items) this.held.add(item.meta.infoHash)
    await this.seeder.addItems(read.items)
    for (const item of read.seeded) await this.seeder.updateTrackers(item)
  }

  /**
   * The catalog and the .torrent files of its new episodes, read under the show lock so a
   * publish or remove in progress is seen whole or not at all. A show folder this process
   * may not write (no lock possible) is read without it: the catalog is replaced by rename,
   * so it is whole anyway. With `seededToo` (show.json changed), `seeded` has the episodes
   * already held, their .torrent files read again.
   */
  private async readLocked (seededToo: boolean): Promise<{ catalog: Catalog, items: SeedItem[], seeded: SeedItem[] }> {
    const read = async () => {
      const catalog = await readCatalog(this.paths)
      const dataRoot = this.options.data ? resolve(this.options.data) : undefined
      // A scheduled episode is not announced before its date (its infohash would leak it).
      const listed = catalog.episodes.filter(episode => !episode.draft && !isScheduled(episode))
      const fresh = listed.filter(episode => !this.held.has(episode.infoHash))
      const held = seededToo ? listed.filter(episode => this.held.has(episode.infoHash)) : []
      const skipped: SkippedEpisode[] = []
      const items = await showEpisodeItems(this.root, this.paths, fresh, dataRoot, skipped)
      this.seeder.reportSkipped(skipped)
      return { catalog, items, seeded: await showEpisodeItems(this.root, this.paths, held, dataRoot) }
    }
    try {
      return await withShowLock(this.root, read)
    } catch (err) {
      const cause = (err as { cause?: NodeJS.ErrnoException }).cause?.code
      if (cause === 'EACCES' || cause === 'EPERM' || cause === 'EROFS') return read()
      throw err
    }
  }
}
