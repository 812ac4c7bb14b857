// The media route's sender against clients that leave: a client gone while its file was
// being opened (the response already destroyed, no 'close' left to come) must not hold
// the file open until garbage collection, as it did under a 200-client soak; one that
// leaves midway is counted for what its socket took.
import { open, writeFile } from 'node:fs/promises'
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { sendFileRange } from '../../src/server/file-sender.js'
import { tempDir } from '../helpers/tmp.js'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

/** A server handing each request to `handle`, and its port. */
async function serverWith (handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<number> {
  const server: Server = createServer(handle)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(() => new Promise<void>(resolve => { server.closeAllConnections(); server.close(() => resolve()) }))
  return (server.address() as AddressInfo).port
}

async function fileOf (bytes: number): Promise<string> {
  const tmp = await tempDir()
  cleanups.push(tmp.cleanup)
  const path = join(tmp.path, 'media.bin')
  await writeFile(path, Buffer.alloc(bytes, 7))
  return path
}

describe('sendFileRange', () => {
  it('closes the file at once for a response whose client left before sending began', async () => {
    // One chunk (as a web seed's 64 KiB range): sent with end(), whose callback waits for a
    // 'finish' a destroyed response never emits.
    const size = 64 * 1024
    const path = await fileOf(size)
    const result = new Promise<{ delivered: number, fd: number }>((resolve, reject) => {
      void serverWith((req, res) => {
        res.once('close', async () => {
          try {
            // The client is gone and 'close' has been emitted: what the route sees when a
            // client leaves while the file is being opened.
            const handle = await open(path, 'r')
            res.writeHead(200, { 'content-length': String(size) })
            const delivered = await sendFileRange(res, handle, 0, size - 1)
            resolve({ delivered, fd: handle.fd })
          } catch (error) {
            reject(error as Error)
          }
        })
        req.socket.destroy()
      }).then(port => {
        request({ host: '127.0.0.1', port, path: '/' }).on('error', () => {}).end()
      }, reject)
    })
    const { delivered, fd } = await result
    expect(delivered).toBe(0)
    // A closed FileHandle reports fd -1.
    expect(fd).toBe(-1)
  })

  it('reports the bytes a client took when it leaves midway, and closes the file', async () => {
    const size = 8 * 1024 * 1024
    const path = await fileOf(size)
    let finished!: (value: { delivered: number, fd: number }) => void
    const sent = new Promise<{ delivered: number, fd: number }>(resolve => { finished = resolve })
    const port = await serverWith((_req, res) => {
      void (async () => {
        const handle = await open(path, 'r')
        res.writeHead(200, { 'content-length': String(size) })
        const delivered = await sendFileRange(res, handle, 0, size - 1)
        finished({ delivered, fd: handle.fd })
      })()
    })
    let received = 0
    await new Promise<void>(resolve => {
      const req = request({ host: '127.0.0.1', port, path: '/' }, res => {
        res.on('data', (chunk: Buffer) => {
          received += chunk.length
          // Leave after the first MiB.
          if (received >= 1024 * 1024) { req.destroy(); resolve() }
        })
      })
      req.on('error', () => {})
      req.end()
    })
    const { delivered, fd } = await sent
    expect(fd).toBe(-1)
    expect(delivered).toBeGreaterThanOrEqual(1024 * 1024)
    expect(delivered).toBeLessThan(size)
    expect(delivered % (1024 * 1024)).toBe(0)
  })
})
