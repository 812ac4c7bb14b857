// The fast paths seedcast patches into WebTorrent (webtorrent-internals.ts) really run when
// a real client downloads: counted, not assumed. A renamed member in a dependency update
// switches a fast path off, and these counts then fail (swarm-internals-missing.test.ts
// shows the other half: the warning and the slow path still seeding).
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { download } from '../../src/swarm/download/download.js'
import { fastPathCounts, snapshotFastPathCounts } from '../../src/swarm/fast-path-counts.js'
import { applyWebTorrentInternals, internalsWarnings } from '../../src/swarm/webtorrent-internals.js'
import { seedToAria2 } from '../helpers/seed-to-aria2.js'
import { tempDir } from '../helpers/tmp.js'
import { startTracker } from '../helpers/tracker.js'
import { makeTorrent, startAria2Seeder } from './get-helpers.js'

describe('WebTorrent fast paths with a real peer', () => {
  it('every feature is on with the pinned dependencies, and no warning is printed', () => {
    const status = applyWebTorrentInternals()
    expect(status.filter(entry => !entry.on)).toEqual([])
    expect(status.map(entry => entry.feature)).toEqual(['peer links', 'piece framing', 'receive without copies', 'pieces assembled in place', 'receive straight from the socket', 'send straight to the socket', 'requests found from the last match', 'request scheduler runs coalesced', 'web seed requests dropped after close', 'failed tracker announces released', 'socket write batching', 'WebRTC stall check', 'peer message limits', 'incoming connection cap', 'WebRTC glare tie-break', 'outgoing connections from --host', 'uTP close by libtorrent peers', 'duplicate connections sharing an address', 'download request queue limit', 'MSE key exchange without a prime check', 'debug lines built only when shown'])
    expect(internalsWarnings()).toEqual([])
  })

  it('aria2c gets every block as one framed chunk through a batched socket', async () => {
    const before = snapshotFastPathCounts()
    const run = await seedToAria2()
    expect(run.aria2.code, run.aria2.output).toBe(0)
    expect(run.same).toBe(true)
    const framed = fastPathCounts.framedPieces - before.framedPieces
    const writes = fastPathCounts.batchedWrites - before.batchedWrites
    const flushes = fastPathCounts.batchFlushes - before.batchFlushes
    // Each block aria2c asked for went out framed (a re-request may add a few), none the slow way.
    expect(framed).toBeGreaterThanOrEqual(run.blocks)
    expect(framed).toBeLessThanOrEqual(run.blocks * 2)
    expect(fastPathCounts.unframedPieces - before.unframedPieces).toBe(0)
    // Every block went through the corked socket, and the socket was flushed in batches.
    expect(writes).toBeGreaterThanOrEqual(framed)
    expect(flushes).toBeGreaterThanOrEqual(1)
    expect(flushes).toBeLessThanOrEqual(writes)
    console.log(`fast paths: ${run.blocks} blocks, ${framed} framed, ${writes} writes in ${flushes} flushes (${(writes / flushes).toFixed(1)} per writev)`)
  })

  it('a download from aria2c reads its socket into one reused buffer, parses blocks in place, copies them straight into their pieces, finds their requests at once and writes its requests to the socket itself', async () => {
    const dir = await tempDir()
    const tracker = await startTracker({ ws: false, interval: 1000 })
    const seedDir = join(dir.path, 'seed')
    await mkdir(seedDir)
    const content = randomBytes(3 * 1024 * 1024 + 5000)
    await writeFile(join(seedDir, 'episode.bin'), content)
    const torrent = join(dir.path, 'episode.torrent')
    await makeTorrent(join(seedDir, 'episode.bin'), torrent, { trackers: [tracker.httpUrl], pieceLength: 256 * 1024 })
    const seeder = await startAria2Seeder(torrent, seedDir)
    try {
      const before = snapshotFastPathCounts()
      const out = join(dir.path, 'out')
      const result = await download(torrent, { outputDir: out, dht: false, timeoutSeconds: 30 })
      expect(result.hashFailures).toBe(0)
      expect((await readFile(join(out, 'episode.bin'))).equals(content)).toBe(true)
      // The socket to aria2c was read into the shared buffer, not piped (direct-receive.ts): a
      // read carries several blocks, and the other messages of those reads were handed over as copies.
      const straight = fastPathCounts.straightReads - before.straightReads
      expect(straight).toBeGreaterThan(0)
      expect(straight).toBeLessThan(Math.ceil(content.length / 16384))
      expect(fastPathCounts.copiedLentMessages - before.copiedLentMessages).toBeGreaterThan(0)
      const pieces = Math.ceil(content.length / (256 * 1024))
      const blocks = Math.ceil(content.length / 16384)
      // Every piece was assembled in place (once each: no hash failure).
      expect(fastPathCounts.unzeroedPieces - before.unzeroedPieces).toBe(pieces)
      // Some blocks straddle two socket reads and are copied; most are parsed where they were read.
      const joined = fastPathCounts.joinedMessages - before.joinedMessages
      expect(joined).toBeGreaterThan(0)
      expect(joined).toBeLessThan(blocks)
      // aria2c answers in order: the request of (nearly) every block is found without a scan.
      const foundAtOnce = fastPathCounts.requestsFoundAtOnce - before.requestsFoundAtOnce
      expect(foundAtOnce).toBeGreaterThan(blocks / 3)
      expect(foundAtOnce).toBeLessThanOrEqual(blocks)
      // aria2c's outstanding requests were capped (at its connection, again at its extended handshake).
      expect(fastPathCounts.cappedRequestQueues - before.cappedRequestQueues).toBeGreaterThanOrEqual(1)
      // The connection to aria2c started with the MSE handshake (webtorrent's default), its keys made by mse-key.ts.
      expect(fastPathCounts.mseKeyExchanges - before.mseKeyExchanges).toBeGreaterThanOrEqual(1)
      // Every request (and the handshakes before them) was written to the socket by the wire
      // itself (direct-send.ts), and counted as uploaded as WebTorrent's pipeline counted it:
      // at least a 17-byte request per block, besides the 68-byte handshake.
      const written = fastPathCounts.straightWrites - before.straightWrites
      expect(written).toBeGreaterThan(blocks)
      expect(result.uploaded).toBeGreaterThanOrEqual(blocks * 17 + 68)
      // Blocks arrive several to a read, and each asked WebTorrent's scheduler to run: it ran once for them (coalesced-updates.ts).
      const coalesced = fastPathCounts.coalescedUpdates - before.coalescedUpdates
      expect(coalesced).toBeGreaterThan(0)
      console.log(`receive: ${straight} socket reads into the shared buffer, ${written} messages written straight (${result.uploaded} bytes), ${coalesced} scheduler runs coalesced, ${blocks} blocks (${foundAtOnce} requests found at once), ${joined} messages joined across reads, ${pieces} pieces assembled in place (${fastPathCounts.reusedPieceBuffers - before.reusedPieceBuffers} in a reused buffer)`)
    } finally {
      await seeder.stop()
      await tracker.close()
      await dir.cleanup()
    }
  })
})
