import { updateLibrary, type FeedState } from './state.js'

/**
 * Feeds polled in a pass, written to the state file together: at most one write per
 * `intervalMs` while the pass runs, and the rest at flush(). Writing follow.json once per
 * feed cost a lock, a read, a parse and an atomic rewrite of the whole library each time
 * (100 feeds, 2,000 episodes: 100 rewrites of the same file). Losing an unwritten batch to
 * a kill is harmless: validators are fetched again, and finished episodes are adopted
 * from disk without downloading or hashing (see pass.ts).
 */
export class FeedStateBatch {
  private readonly dirty = new Map<string, FeedState>()
  private timer?: NodeJS.Timeout
  private writing: Promise<void> = Promise.resolve()
  private failure?: unknown

  constructor (private readonly dir: string, private readonly intervalMs = 1_000) {}

  /** Marks a feed's poll and episode results for the next write. */
  put (feed: FeedState): void {
    this.dirty.set(feed.slug, feed)
    this.timer ??= setTimeout(() => { this.timer = undefined; this.write() }, this.intervalMs)
  }

  /** Writes what is pending and waits for every write; throws the first write's failure. */
  async flush (): Promise<void> {
    clearTimeout(this.timer)
    this.timer = undefined
    this.write()
    await this.writing
    if (this.failure) throw this.failure
  }

  private write (): void {
    if (this.dirty.size === 0) return
    const feeds = [...this.dirty.values()]
    this.dirty.clear()
    this.writing = this.writing.then(() => saveFeeds(this.dir, feeds)).catch(err => { this.failure ??= err })
  }
}

/** Merges polled feeds into the state file in one locked read-modify-write. */
async function saveFeeds (dir: string, polled: FeedState[]): Promise<void> {
  await updateLibrary(dir, state => {
    for (const feed of polled) {
      const index = state.feeds.findIndex(known => known.slug === feed.slug)
      if (index < 0) continue // removed meanwhile: `follow remove` deleted its folder
      const current = state.feeds[index]!
      // Keep what the user changed meanwhile (allowRedistribution); take the rest from the poll.
      state.feeds[index] = { ...feed, allowRedistribution: current.allowRedistribution, episodes: { ...current.episodes, ...feed.episodes } }
    }
  })
}
