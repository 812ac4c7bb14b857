import { SeedcastError } from '../errors.js'
import { resolveSeedInputs, type SeedItem } from '../swarm/seed/inputs.js'
import { peerSettings, startSeeder, type Seeder, type SeedOptions } from '../swarm/seed/seeder.js'

export interface LibraryTorrent { infoHash: string, torrentPath: string }

/**
 * The library's episodes seeded from ONE running swarm Seeder: started with what the
 * library holds, then given each episode as soon as it is downloaded and told to drop
 * what retention or `follow remove` took out. Nothing is restarted and nothing already
 * seeded is checked again (the Seeder's add() leaves seeded torrents alone).
 */
export class LibrarySeeding {
  private seeder?: Seeder
  private readonly adding = new Set<Promise<unknown>>()
  /** Every infohash handed to the seeder (seeding, or reported as missing/corrupt: not retried). */
  private readonly asked = new Set<string>()

  constructor (private readonly options: SeedOptions) {}

  get current (): Seeder | undefined {
    return this.seeder
  }

  /** Opens the peer port and starts checking `torrents` (resolves once all are seeding or reported). */
  async start (torrents: LibraryTorrent[]): Promise<void> {
    const seeder = this.seeder = await startSeeder(this.options)
    seeder.report({ event: 'started', torrents: torrents.length, port: seeder.port, peerId: seeder.client.peerId, stateDir: seeder.stateDir, peers: peerSettings(seeder, this.options) })
    seeder.startTicking(this.options.statsIntervalMs ?? 1000)
    await this.addAll(torrents)
  }

  /** Starts seeding one more episode without waiting for its check (sync() waits). */
  add (torrent: LibraryTorrent): void {
    const adding = this.addAll([torrent])
      .catch(err => this.seeder?.report({ event: 'warning', code: 'ESEED', infoHash: torrent.infoHash, input: torrent.torrentPath, message: `${torrent.torrentPath}: not seeded: ${(err as Error).message}` }))
      .finally(() => this.adding.delete(adding))
    this.adding.add(adding)
  }

  /** Seeds exactly `torrents`: adds the missing ones, removes the others. */
  async sync (torrents: LibraryTorrent[]): Promise<void> {
    await Promise.all(this.adding)
    const seeder = this.seeder
    if (!seeder) return
    const wanted = new Set(torrents.map(torrent => torrent.infoHash))
    for (const infoHash of [...this.asked]) {
      if (wanted.has(infoHash)) continue
      this.asked.delete(infoHash)
      // Its files are deleted (retention, `follow remove`): its fast-resume state goes too.
      await seeder.remove(infoHash, 'no longer in the library', { forget: true })
    }
    await this.addAll(torrents.filter(torrent => !this.asked.has(torrent.infoHash)))
  }

  async stop (reason = 'stopped'): Promise<void> {
    const seeder = this.seeder
    this.seeder = undefined
    if (seeder) await seeder.stop(reason)
  }

  /**
   * Reads the .torrents, then hands them to the seeder in one add (its concurrency bounds
   * the checks). A .torrent that cannot be read is a warning, like missing data: the
   * others seed on.
   */
  private async addAll (torrents: LibraryTorrent[]): Promise<void> {
    const seeder = this.seeder
    if (!seeder || torrents.length === 0) return
    const items: SeedItem[] = []
    for (const torrent of torrents) {
      this.asked.add(torrent.infoHash)
      try {
        items.push(...await resolveSeedInputs([torrent.torrentPath]))
      } catch (err) {
        if (!(err instanceof SeedcastError)) throw err
        seeder.report({ event: 'warning', code: err.code, infoHash: torrent.infoHash, input: torrent.torrentPath, message: err.message })
      }
    }
    await seeder.addItems(items)
  }
}
