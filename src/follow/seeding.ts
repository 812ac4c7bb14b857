import { seedTorrents, type Seeder, type SeedOptions } from '../swarm/seed/seeder.js'

/**
 * The library's episodes seeded from one swarm Seeder. The Seeder takes its torrents at
 * start, so a change of the set (new episodes, dropped ones) starts a new one over the
 * same state folder: fast resume makes that a re-add, not a re-hash. Dropped torrents
 * alone are removed from the running client.
 */
export class LibrarySeeding {
  private seeder?: Seeder
  private seeded = new Map<string, string>()
  private port?: number

  constructor (private readonly options: SeedOptions) {}

  get current (): Seeder | undefined {
    return this.seeder
  }

  /** Seeds exactly `torrents` (by infohash → .torrent path). */
  async update (torrents: Map<string, string>): Promise<void> {
    const added = [...torrents.keys()].filter(infoHash => !this.seeded.has(infoHash))
    const removed = [...this.seeded.keys()].filter(infoHash => !torrents.has(infoHash))
    if (!added.length && !removed.length) return
    if (!added.length && this.seeder) {
      for (const infoHash of removed) {
        const seeded = this.seeder.torrents.get(infoHash)
        this.seeder.torrents.delete(infoHash)
        if (seeded) await new Promise<void>(resolve => this.seeder!.client.remove(seeded.torrent, {}, () => resolve()))
        this.seeded.delete(infoHash)
      }
      return
    }
    await this.stop('library changed')
    this.seeded = new Map(torrents)
    if (torrents.size === 0) return
    // The same peer port across restarts, so peers and trackers that know us still reach us.
    this.seeder = await seedTorrents([...torrents.values()], { ...this.options, torrentPort: this.options.torrentPort ?? this.port })
    this.port = this.seeder.port
  }

  async stop (reason = 'stopped'): Promise<void> {
    const seeder = this.seeder
    this.seeder = undefined
    this.seeded.clear()
    if (seeder) await seeder.stop(reason)
  }
}
