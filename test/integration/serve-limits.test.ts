// A client that stops reading is dropped after the send timeout, with its socket and its
// file descriptor (nginx: send_timeout 60 s); connections past the cap are refused.
// Short limits here (3 s, 3 connections) so the test waits for the event, not for 60 s; each
// limit on a server of its own, so the connections the cap test holds idle are never dropped
// by a send timeout before the one past the cap comes (with 1 s on the same server, a stall
// of the loaded machine between them let that one in).
import { open, readdir, readlink } from 'node:fs/promises'
import { connect, type Socket } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveShows, type RunningServer } from '../../src/server/serve.js'
import { tempDir } from '../helpers/tmp.js'
import { makePublishedShow, rawRequest } from './serve-helpers.js'

let tmp: Awaited<ReturnType<typeof tempDir>>
/** Drops clients that read nothing for 3 s. */
let running: RunningServer
/** Takes at most 3 connections (and drops idle ones only after the default 60 s). */
let capped: RunningServer
let bigFile: string

beforeAll(async () => {
  tmp = await tempDir('seedcast-serve-limits-')
  const showDir = join(tmp.path, 'show')
  await makePublishedShow(showDir, 'http://127.0.0.1:8080/', [])
  // 1 GiB, sparse: far more than the socket buffers hold.
  bigFile = join(showDir, 'public', 'big.bin')
  const handle = await open(bigFile, 'w')
  await handle.truncate(1024 ** 3)
  await handle.close()
  running = await serveShows({ shows: [showDir], port: 0, host: '127.0.0.1', sendTimeoutMs: 3_000 })
  capped = await serveShows({ shows: [showDir], port: 0, host: '127.0.0.1', maxConnections: 3 })
})

afterAll(async () => {
  await capped?.close()
  await running?.close()
  await tmp?.cleanup()
})

/** Descriptors of this process (the server runs in it) open on `path`. */
async function descriptorsOn (path: string): Promise<number> {
  let count = 0
  for (const fd of await readdir('/proc/self/fd')) {
    if (await readlink(`/proc/self/fd/${fd}`).catch(() => '') === path) count++
  }
  return count
}

async function connections (server = running): Promise<number> {
  return new Promise((resolve, reject) => server.server.server.getConnections((error, count) => error ? reject(error) : resolve(count)))
}

/** Polls `check` every 100 ms until it holds, for at most `ms`. */
async function until (check: () => Promise<boolean>, ms: number): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline;) {
    if (await check()) return true
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  return check()
}

function stalledDownload (): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(running.port, '127.0.0.1', () => {
      socket.write('GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')
      resolve(socket)
    })
    socket.on('error', () => {})
    socket.once('error', reject)
    // Never read: the server's writes fill both socket buffers and stall.
    socket.pause()
  })
}

describe('limits', () => {
  it('drops clients that stop reading, closing their sockets and files', async () => {
    const sockets = await Promise.all([stalledDownload(), stalledDownload()])
    try {
      expect(await until(async () => await descriptorsOn(bigFile) === 2, 10_000)).toBe(true)
      // The send timeout (3 s here) passes with nothing read.
      expect(await until(async () => await connections() === 0 && await descriptorsOn(bigFile) === 0, 15_000)).toBe(true)
    } finally {
      for (const socket of sockets) socket.destroy()
    }
    // Still serving.
    const response = await rawRequest(running.port, '/big.bin', { headers: { range: 'bytes=0-9' } })
    expect(response.status).toBe(206)
    expect(response.body.equals(Buffer.alloc(10))).toBe(true)
  })

  it('refuses connections past the cap and takes new ones when some close', async () => {
    const idle = await Promise.all(Array.from({ length: 3 }, () => new Promise<Socket>((resolve, reject) => {
      const socket = connect(capped.port, '127.0.0.1', () => resolve(socket))
      socket.on('error', reject)
    })))
    try {
      expect(await until(async () => await connections(capped) === 3, 5_000)).toBe(true)
      const refused = await rawRequest(capped.port, '/rss.xml').then(response => response.status, (error: Error) => error.message)
      expect(refused).toMatch(/socket hang up|ECONNRESET/)
    } finally {
      for (const socket of idle) socket.destroy()
    }
    expect(await until(async () => await connections(capped) === 0, 5_000)).toBe(true)
    expect((await rawRequest(capped.port, '/rss.xml')).status).toBe(200)
  })
})
