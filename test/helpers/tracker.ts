import { randomBytes } from 'node:crypto'
import bencode from 'bencode'
import { Server } from 'bittorrent-tracker'

export interface TestTracker {
  /** http://127.0.0.1:<port>/announce, for TCP/uTP peers (aria2c, webtorrent in Node). */
  httpUrl: string
  /** ws://127.0.0.1:<port>, for WebRTC peers. Same port as httpUrl. */
  wsUrl: string
  server: Server
  close: () => Promise<void>
}

/**
 * Starts a bittorrent-tracker Server on 127.0.0.1 with a random port, serving the
 * HTTP and WebSocket protocols on one port (no UDP, no stats page). `interval` is the
 * re-announce interval it tells clients (ms); keep it short so tests do not wait.
 */
export async function startTracker (options: { http?: boolean, ws?: boolean, interval?: number } = {}): Promise<TestTracker> {
  const server = new Server({
    http: options.http ?? true,
    ws: options.ws ?? true,
    udp: false,
    stats: false,
    interval: options.interval ?? 5_000
  })
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('tracker did not start within 5 s')), 5_000)
    server.once('error', (err: Error) => { clearTimeout(timer); reject(err) })
    server.listen(0, '127.0.0.1', () => { clearTimeout(timer); resolve() })
  })
  server.on('error', () => {})
  server.on('warning', () => {})
  const address = (server.http ?? server.ws)!.address() as { port: number }
  const port = address.port
  return {
    httpUrl: `http://127.0.0.1:${port}/announce`,
    wsUrl: `ws://127.0.0.1:${port}`,
    server,
    close: () => new Promise<void>(resolve => {
      const timer = setTimeout(resolve, 3_000)
      server.close(() => { clearTimeout(timer); resolve() })
    })
  }
}

/** Percent-encodes raw bytes for a tracker query (info_hash, peer_id). */
export const escapeBytes = (bytes: Buffer) => [...bytes].map(byte => `%${byte.toString(16).padStart(2, '0')}`).join('')

/** One HTTP announce (BEP 3) of `infoHash`; resolves with the tracker's decoded answer. */
export async function httpAnnounce (url: string, infoHash: string, port = 6881): Promise<Record<string, any>> {
  const query = `info_hash=${escapeBytes(Buffer.from(infoHash, 'hex'))}&peer_id=${escapeBytes(randomBytes(20))}&port=${port}&uploaded=0&downloaded=0&left=100&compact=1&event=started`
  const response = await fetch(`${url}?${query}`, { signal: AbortSignal.timeout(10_000) })
  if (response.status !== 200) throw new Error(`${url}: HTTP ${response.status}`)
  return bencode.decode(Buffer.from(await response.arrayBuffer())) as Record<string, any>
}

/** The tracker's failure reason, if it refused. */
export function failureOf (answer: Record<string, any>): string | undefined {
  const reason = answer['failure reason']
  return reason === undefined ? undefined : Buffer.from(reason).toString()
}
