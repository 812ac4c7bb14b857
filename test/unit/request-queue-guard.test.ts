// The download request cap (download/request-limit.ts) writes into a field of WebTorrent's
// wires that webtorrent-internals.ts checks when it applies its features. Here the probe
// wire lacks `peerExtendedHandshake`, as a renamed field would leave it: the cap is
// reported off with one warning line and leaves every wire alone (the library's own
// request pipelining, uncapped). Its own file: the features are applied once per process.
import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import { REQUEST_QUEUE, RequestLimit } from '../../src/swarm/download/request-limit.js'
import { fastPathCounts } from '../../src/swarm/fast-path-counts.js'
import { capRequestQueue } from '../../src/swarm/request-queue-cap.js'
import { applyWebTorrentInternals, internalsWarnings, libraryTargets } from '../../src/swarm/webtorrent-internals.js'

class FakeWire extends EventEmitter {
  peerExtendedHandshake: { reqq?: unknown } = { reqq: 100_000 }
}

describe('the download request cap without its WebTorrent field', () => {
  it('is off with one warning line, and caps nothing', () => {
    const library = libraryTargets()
    const status = applyWebTorrentInternals({
      ...library,
      probeWire: encrypted => {
        const wire = library.probeWire(encrypted) as { peerExtendedHandshake?: unknown }
        delete wire.peerExtendedHandshake
        return wire
      }
    })
    expect(status.filter(entry => !entry.on).map(entry => entry.feature)).toEqual(['download request queue limit'])
    expect(internalsWarnings()).toEqual(['seedcast: warning: download request queue limit is off (bittorrent-protocol Wire#peerExtendedHandshake is missing in this version; a download keeps as many requests in flight as each peer allows, whether the disk keeps up or not: check the pinned versions of webtorrent and bittorrent-protocol)'])

    const counted = fastPathCounts.cappedRequestQueues
    const wire = new FakeWire()
    expect(capRequestQueue(wire, 1)).toBe(false)
    const limit = new RequestLimit()
    limit.watch(wire)
    for (let i = 0; i < 20; i++) limit.writes.started(1024 * 1024)
    expect(limit.limit).toBe(1)
    expect(wire.peerExtendedHandshake.reqq).toBe(100_000)
    expect(fastPathCounts.cappedRequestQueues).toBe(counted)
    expect(REQUEST_QUEUE).toBeLessThan(100_000)
  })
})
