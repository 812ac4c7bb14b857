// One in-process seeder (seedTorrents) and one aria2c leecher over TCP on 127.0.0.1: what the
// fast-path tests count with.
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { seedTorrents } from '../../src/swarm/seed/seeder.js'
import type { SeedEvent } from '../../src/swarm/seed/events.js'
import { createTorrent } from '../../src/torrent/create.js'
import { aria2Download } from './aria2.js'
import { repoRoot } from './cli.js'
import { tempDir } from './tmp.js'
import { startTracker } from './tracker.js'

export const BLOCK = 16 * 1024

/** Seeds fixtures/episode.mp3 in this process, has aria2c download it, stops. Returns what to assert on. */
export async function seedToAria2 (): Promise<{ length: number, blocks: number, same: boolean, aria2: { code: number | null, output: string }, events: SeedEvent[] }> {
  const tmp = await tempDir('seedcast-fast-paths-')
  const tracker = await startTracker({ ws: false, interval: 1000 })
  const events: SeedEvent[] = []
  try {
    const media = join(tmp.path, 'media')
    await mkdir(media)
    const episode = join(repoRoot, 'fixtures', 'episode.mp3')
    await copyFile(episode, join(media, 'episode.mp3'))
    const { torrent, length } = await createTorrent(join(media, 'episode.mp3'), { announce: [[tracker.httpUrl]], pieceLength: 64 * 1024 })
    const torrentPath = join(tmp.path, 'episode.torrent')
    await writeFile(torrentPath, torrent)
    const seeder = await seedTorrents([torrentPath], { data: media, dht: false, lsd: false, utp: false, webrtc: false, host: '127.0.0.1', stateDir: join(tmp.path, 'state'), statsIntervalMs: 0, onEvent: event => events.push(event) })
    let aria2
    try {
      aria2 = await aria2Download(torrentPath, join(tmp.path, 'aria2'), 45_000)
    } finally {
      await seeder.stop()
    }
    const same = aria2.code === 0 && Buffer.compare(await readFile(join(tmp.path, 'aria2', 'episode.mp3')), await readFile(episode)) === 0
    return { length, blocks: Math.ceil(length / BLOCK), same, aria2, events }
  } finally {
    await tracker.close()
    await tmp.cleanup()
  }
}
