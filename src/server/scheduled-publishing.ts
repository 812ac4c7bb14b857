import { EventEmitter } from 'node:events'
import { watch, type FSWatcher } from 'node:fs'
import { stat } from 'node:fs/promises'
import { nextScheduledDate } from '../feed/published.js'
import { buildFeeds } from '../show/feeds.js'
import { readCatalog } from '../show/load.js'
import { showPaths } from '../model/paths.js'

/** setTimeout's longest delay (about 24.8 days); a later date is reached in several waits. */
const MAX_DELAY_MS = 2 ** 31 - 1

export interface ScheduledRelease {
  dir: string
  /** The scheduled date that came (ISO 8601). */
  at: string
  /** Published episodes in the rebuilt feeds. */
  published: number
}

/**
 * Publishes scheduled episodes at their time while `seedcast serve` runs: for each show a
 * timer waits for the earliest future pubDate in its catalog, then rebuilds the feeds
 * (`feed build`, under the show lock), which now include the episode, and waits for the
 * next one. A change to episodes.json (a publish or edit while serving) re-arms the timer.
 * Emits 'released' (ScheduledRelease) after each rebuild and 'error' (Error, dir) when one fails.
 */
export class ScheduledPublisher extends EventEmitter {
  private readonly timers = new Map<string, NodeJS.Timeout>()
  /** Per show: the scheduled dates up to this one have had their rebuild. */
  private readonly releasedUpTo = new Map<string, Date>()
  private readonly watchers: FSWatcher[] = []
  private closed = false

  constructor (private readonly dirs: string[]) {
    super()
  }

  async start (): Promise<void> {
    for (const dir of this.dirs) {
      // The folder is watched, not the file: episodes.json is replaced by rename on every write.
      try {
        const watcher = watch(dir, { persistent: false }, (_event, name) => {
          if (name === 'episodes.json') void this.arm(dir)
        })
        watcher.on('error', () => { /* the show folder went away; its timer still runs */ })
        this.watchers.push(watcher)
      } catch { /* no inotify: the timer set at start still publishes what was scheduled then */ }
      await this.arm(dir)
    }
  }

  /** Sets the show's timer for its next scheduled episode (or clears it when there is none). */
  private async arm (dir: string): Promise<void> {
    if (this.closed) return
    const paths = showPaths(dir)
    // Whoever writes episodes.json builds the feeds right after (commitCatalog, mirror), at a
    // time no earlier than the file's mtime: an episode dated by then is in them already, one
    // dated later is not, whenever it is read. Before, the dates were counted from the
    // server's start: an episode whose date came while no server ran stayed out of the feeds
    // until the next publish, and a publish while serving (dated now) was taken for a
    // scheduled episode coming out (one more build, a "scheduled episode out" line).
    // Stat'ed before the read, so what is read is never older than this time.
    const written = (await stat(paths.catalogFile).catch(() => undefined))?.mtime
    const catalog = await readCatalog(paths).catch(() => undefined)
    if (this.closed || !catalog) return
    clearTimeout(this.timers.get(dir))
    this.timers.delete(dir)
    // The earliest date after the catalog was written and after the last one released, not
    // after now: an edit made just before its episode's date may be read here only once that
    // date has passed (a loaded machine), and its episode still needs the rebuild (at once).
    const released = this.releasedUpTo.get(dir)
    const floor = written && (!released || written > released) ? written : released ?? new Date()
    const next = nextScheduledDate(catalog.episodes, floor)
    if (!next) return
    const delay = Math.min(Math.max(next.getTime() - Date.now(), 0), MAX_DELAY_MS)
    const timer = setTimeout(() => { void this.release(dir, next) }, delay)
    timer.unref() // never keeps a stopping server alive
    this.timers.set(dir, timer)
  }

  private async release (dir: string, at: Date): Promise<void> {
    this.timers.delete(dir)
    if (this.closed) return
    if (Date.now() < at.getTime()) return this.arm(dir) // a long date reached in several waits
    // Moved on whatever the rebuild's outcome, so a failing one is not retried in a loop: the
    // next publish or edit rebuilds the feeds anyway. To now, not to `at`: the build includes
    // every date up to its start, so episodes whose dates all passed while no server ran (a
    // week of daily ones) come out in one build, not one build each.
    this.releasedUpTo.set(dir, new Date())
    try {
      const built = await buildFeeds(dir)
      if (!this.closed) this.emit('released', { dir, at: at.toISOString(), published: built.published } satisfies ScheduledRelease)
    } catch (error) {
      if (!this.closed) this.emit('error', error, dir)
    }
    await this.arm(dir)
  }

  close (): void {
    this.closed = true
    for (const timer of this.timers.values()) clearTimeout(timer)
    this.timers.clear()
    for (const watcher of this.watchers) watcher.close()
  }
}
