import { randomBytes } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createTorrent } from '../../src/torrent/create.js'
import { binPath } from './cli.js'
import { tempDir } from './tmp.js'
import { startTracker, type TestTracker } from './tracker.js'

export interface WebRtcSwarm { dir: string, torrentPath: string, data: Buffer, tracker: TestTracker }

/**
 * A WebRTC-only swarm's ground: a temp folder, a ws:// tracker (no http, so peers can
 * only meet through WebRTC offers; 60 s re-announce, so a lost offer shows as a hang),
 * and `size` random bytes in seed/episode.bin with their .torrent beside them.
 * What it starts is pushed onto `cleanups`.
 */
export async function makeWebRtcSwarm (size: number, cleanups: Array<() => Promise<void> | void>): Promise<WebRtcSwarm> {
  const tmp = await tempDir('seedcast-webrtc-')
  cleanups.push(tmp.cleanup)
  const tracker = await startTracker({ http: false, ws: true, interval: 60_000 })
  cleanups.push(tracker.close)
  const data = randomBytes(size)
  const seedDir = join(tmp.path, 'seed')
  await mkdir(seedDir)
  await writeFile(join(seedDir, 'episode.bin'), data)
  const { torrent } = await createTorrent(join(seedDir, 'episode.bin'), { announce: [[tracker.wsUrl]], pieceLength: 32768 })
  const torrentPath = join(seedDir, 'episode.torrent')
  await writeFile(torrentPath, torrent)
  return { dir: tmp.path, torrentPath, data, tracker }
}

/** `seedcast seed` arguments for a WebRTC-only seeder: no DHT, LSD, uTP or ICE servers. */
export function webRtcSeedArgs (torrentPath: string, stateDir: string): string[] {
  return [binPath, 'seed', torrentPath, '--no-dht', '--no-lsd', '--no-utp', '--ice-server', 'none', '--state', stateDir, '--json']
}
