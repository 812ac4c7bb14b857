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
