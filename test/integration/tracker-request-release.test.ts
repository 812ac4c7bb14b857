// An HTTP tracker announce that fails (nothing listens on the tracker's port) with
// bittorrent-tracker's real client on 127.0.0.1. Its HTTPTracker kept the failed request's
// cleanup listed, and destroy waited 1 s (DESTROY_TIMEOUT) for it: every get, seed or
// follow run naming a tracker that is down paid that second on its way out. With
// webtorrent-internals' 'failed tracker announces released', the cleanup runs at the failure.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import TrackerClient from 'bittorrent-tracker'
import { describe, expect, it } from 'vitest'
import { fastPathCounts } from '../../src/swarm/fast-path-counts.js'
import { applyWebTorrentInternals } from '../../src/swarm/webtorrent-internals.js'
import { within } from '../helpers/json-process.js'
import { freePort } from '../helpers/ports.js'

interface Client {
  on: (event: string, listener: (...args: unknown[]) => void) => void
  start: () => void
  destroy: (cb: () => void) => void
  _trackers: Array<{ cleanupFns: unknown[] }>
}

function trackerClient (announce: string): Client {
  return new TrackerClient({ infoHash: 'ab'.repeat(20), peerId: 'cd'.repeat(20), announce: [announce], port: 6881 }) as unknown as Client
}

/** Whether `client`'s destroy called back before the next turn of the event loop (with a request still listed, it waited for a 1 s timer). */
async function destroyedAtOnce (client: Client): Promise<boolean> {
  let destroyed = false
  client.destroy(() => { destroyed = true })
  await new Promise(resolve => setImmediate(resolve))
  return destroyed
}

describe('an HTTP tracker announce that fails', () => {
  it('releases its request at once: nothing stays listed, and the client is destroyed without waiting', async () => {
    expect(applyWebTorrentInternals().find(entry => entry.feature === 'failed tracker announces released')?.on).toBe(true)
    const port = await freePort()
    const client = trackerClient(`http://127.0.0.1:${port}/announce`)
    const released = fastPathCounts.releasedTrackerRequests
    const problem = new Promise<string>(resolve => client.on('warning', error => resolve((error as Error).message)))
    client.start()
    expect(await within(problem, 10_000, 'the failed announce')).toMatch(/fetch failed|ECONNREFUSED/)
    expect(fastPathCounts.releasedTrackerRequests - released).toBe(1)
    expect(client._trackers[0]!.cleanupFns).toEqual([])
    expect(await destroyedAtOnce(client)).toBe(true)
  })

  it('leaves an announce that was answered as it was (its own cleanup ran; nothing released)', async () => {
    const bencoded = Buffer.from('d8:intervali1800e5:peers0:e')
    const server = createServer((_request, response) => { response.end(bencoded) })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    try {
      applyWebTorrentInternals()
      const client = trackerClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}/announce`)
      const released = fastPathCounts.releasedTrackerRequests
      const answered = new Promise<unknown>(resolve => client.on('update', resolve))
      client.start()
      expect(await within(answered, 10_000, 'the announce')).toMatchObject({ interval: 1800 })
      expect(fastPathCounts.releasedTrackerRequests).toBe(released)
      expect(client._trackers[0]!.cleanupFns).toEqual([])
      expect(await destroyedAtOnce(client)).toBe(true)
    } finally {
      server.close()
    }
  })
})
