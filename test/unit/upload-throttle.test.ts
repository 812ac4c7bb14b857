// Why setUploadThrottle bounds the throttle's slices: the seeder lowers a side's share of
// --upload-limit by up to 19 times at once (95 % to 5 %), and speed-limiter fails a slice
// waiting for tokens when the rate falls below the slice's size, dropping the peer.
import { afterEach, describe, expect, it } from 'vitest'
import { closeClient, createClient, type SwarmClient } from '../../src/swarm/client.js'
import { setUploadThrottle } from '../../src/swarm/upload-throttle.js'

interface Throttle { write: (data: Uint8Array) => boolean, on: (event: 'data' | 'error', listener: (arg: any) => void) => unknown, destroy: () => void }
interface Group { throttle: () => Throttle, getChunksize: () => number, getRate: () => number, bucket: { content: number, tryRemoveTokens: (count: number) => boolean } }

const clients: SwarmClient[] = []
afterEach(async () => { for (const client of clients.splice(0)) await closeClient(client) })

function throttledClient (limit: number): { client: SwarmClient, group: Group } {
  const client = createClient({ dht: false, lsd: false, utp: false, trackers: false, webrtc: false, peerPort: false, uploadLimit: limit })
  clients.push(client)
  return { client, group: (client as unknown as { throttleGroups: { up: Group } }).throttleGroups.up }
}

/**
 * Writes `bytes` through a new throttle of `group` whose bucket owes `owed` tokens, lowers
 * the rate with `lower` while the first slice waits for them, and reports what came out.
 */
async function lowerWhileSending (group: Group, bytes: number, owed: number, lower: () => void): Promise<{ received: number, error?: unknown }> {
  const throttle = group.throttle()
  let received = 0
  const outcome = new Promise<{ received: number, error?: unknown }>(resolve => {
    const timer = setTimeout(() => resolve({ received }), 10_000)
    throttle.on('data', (chunk: Uint8Array) => { received += chunk.length; if (received === bytes) { clearTimeout(timer); resolve({ received }) } })
    throttle.on('error', (error: unknown) => { clearTimeout(timer); resolve({ received, error }) })
  })
  group.bucket.tryRemoveTokens(0) // brings its content up to date
  group.bucket.content = -owed
  throttle.write(new Uint8Array(bytes))
  await new Promise(resolve => setTimeout(resolve, 50))
  lower()
  const result = await outcome
  throttle.destroy()
  return result
}

describe('setUploadThrottle', () => {
  it('speed-limiter\'s own slices (a tenth of the rate) fail when the rate drops more than ten times', async () => {
    const { client, group } = throttledClient(100_000)
    expect(group.getChunksize()).toBe(10_000)
    const { error } = await lowerWhileSending(group, 8_000, 100_000, () => client.throttleUpload(5_000))
    expect(String(error)).toMatch(/exceeds bucket size/)
  })

  it('slices bounded by the smallest share survive the same drop and every byte gets through', async () => {
    const { client, group } = throttledClient(100_000)
    expect(setUploadThrottle(client, 100_000, 500)).toBe(true)
    expect([group.getRate(), group.getChunksize()]).toEqual([100_000, 500])
    const result = await lowerWhileSending(group, 8_000, 10_000, () => setUploadThrottle(client, 5_000, 500))
    expect(result).toEqual({ received: 8_000 })
    expect([group.getRate(), group.getChunksize()]).toEqual([5_000, 500])
  })

  it('keeps slices at most a tenth of the rate and at least one byte', () => {
    const { client, group } = throttledClient(100_000)
    setUploadThrottle(client, 3_000, 500)
    expect(group.getChunksize()).toBe(300)
    setUploadThrottle(client, 5, 500)
    expect([group.getRate(), group.getChunksize()]).toEqual([5, 1])
  })
})
