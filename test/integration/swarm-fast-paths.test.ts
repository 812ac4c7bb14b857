// The fast paths seedcast patches into WebTorrent (webtorrent-internals.ts) really run when
// a real client downloads: counted, not assumed. A renamed member in a dependency update
// switches a fast path off, and these counts then fail (swarm-internals-missing.test.ts
// shows the other half: the warning and the slow path still seeding).
import { describe, expect, it } from 'vitest'
import { fastPathCounts, snapshotFastPathCounts } from '../../src/swarm/fast-path-counts.js'
import { applyWebTorrentInternals, internalsWarnings } from '../../src/swarm/webtorrent-internals.js'
import { seedToAria2 } from '../helpers/seed-to-aria2.js'

describe('WebTorrent fast paths with a real peer', () => {
  it('every feature is on with the pinned dependencies, and no warning is printed', () => {
    const status = applyWebTorrentInternals()
    expect(status.filter(entry => !entry.on)).toEqual([])
    expect(status.map(entry => entry.feature)).toEqual(['peer links', 'piece framing', 'socket write batching', 'WebRTC stall check', 'peer message limits', 'incoming connection cap', 'WebRTC glare tie-break', 'outgoing connections from --host', 'uTP close by libtorrent peers', 'duplicate connections sharing an address'])
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
})
