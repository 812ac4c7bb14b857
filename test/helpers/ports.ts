import { createServer } from 'node:net'

/**
 * A port free right now on 127.0.0.1, for what cannot listen on port 0 itself (aria2c's
 * --listen-port; a show whose base URL must name the server's port before it starts; a
 * closed port to fail against). It is closed again before use: a race only with another
 * process binding that very port.
 */
export function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}
