// What happens when a WebTorrent internal seedcast patches is gone (a dependency renamed
// it): the guard of webtorrent-internals.ts is applied to a stand-in Wire.prototype that
// lacks `_message`, as a renamed member would leave it. Piece framing must be reported off
// with exactly one warning line, nothing patched, and seeding must go on by the slow path.
// Its own file: the features are applied once per process, and vitest gives each file its own.
import Wire from 'bittorrent-protocol'
import { describe, expect, it } from 'vitest'
import { fastPathCounts, snapshotFastPathCounts } from '../../src/swarm/fast-path-counts.js'
import { applyWebTorrentInternals, internalsWarnings, libraryTargets } from '../../src/swarm/webtorrent-internals.js'
import { seedToAria2 } from '../helpers/seed-to-aria2.js'

/** Wire.prototype's members, `_message` renamed away. */
function wireWithout (member: string): object {
  const standIn: Record<string, unknown> = {}
  for (const name of Object.getOwnPropertyNames(Wire.prototype)) {
    if (name !== member && name !== 'constructor') Object.defineProperty(standIn, name, Object.getOwnPropertyDescriptor(Wire.prototype, name)!)
  }
  return standIn
}

describe('a WebTorrent internal gone missing', () => {
  it('turns its fast path off with one warning line, and seeding goes on the slow way', async () => {
    const originalMessage = Wire.prototype._message
    const status = applyWebTorrentInternals({ ...libraryTargets(), wire: wireWithout('_message') })
    expect(status.filter(entry => !entry.on).map(entry => entry.feature)).toEqual(['piece framing'])
    // The real prototype was left alone: nothing half-patched.
    expect(Wire.prototype._message).toBe(originalMessage)
    const warnings = internalsWarnings()
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/^seedcast: warning: piece framing is off \(bittorrent-protocol Wire\.prototype\._message is missing in this version; each block goes out as two chunks: check the pinned versions of webtorrent and bittorrent-protocol\)$/)

    const before = snapshotFastPathCounts()
    const run = await seedToAria2()
    expect(run.aria2.code, run.aria2.output).toBe(0)
    expect(run.same).toBe(true)
    // Nothing was framed; the other fast path (batching) still ran.
    expect(fastPathCounts.framedPieces - before.framedPieces).toBe(0)
    expect(fastPathCounts.batchedWrites - before.batchedWrites).toBeGreaterThanOrEqual(run.blocks)
  })
})
