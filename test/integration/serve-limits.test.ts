// A client that stops reading is dropped after the send timeout, with its socket and its
// file descriptor (nginx: send_timeout 60 s); connections past the cap are refused.
// Short limits here (1 s, 3 connections) so the test waits for the event, not for 60 s.
import { open, readdir, readlink } from 'node:fs/promises'
import { connect, type Socket } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveShows, type RunningServer } from '../../src/server/serve.js'
import { tempDir } from '../helpers/tmp.js'
import { makePublishedShow, rawRequest } from './serve-helpers.js'

let tmp: Awaited<ReturnType<typeof tempDir>>
let running: RunningServer
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
  running = await serveShows({ shows: [showDir], port: 0, host: '127.0.0.1', sendTimeoutMs: 1_000, maxConnections: 3 })
})

afterAll(async () => {
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

async function connections (): Promise<number> {
  return new Promise((resolve, reject) => running.server.server.getConnections((error, count) => error ? reject(error) : resolve(count)))
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
      // The send timeout (1 s here) passes with nothing read.
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
      const socket = connect(running.port, '127.0.0.1', () => resolve(socket))
      socket.on('error', reject)
    })))
    try {
      expect(await until(async () => await connections() === 3, 5_000)).toBe(true)
      const refused = await rawRequest(running.port, '/rss.xml').then(response => response.status, (error: Error) => error.message)
      expect(refused).toMatch(/socket hang up|ECONNRESET/)
    } finally {
      for (const socket of idle) socket.destroy()
    }
    expect(await until(async () => await connections() === 0, 5_000)).toBe(true)
    expect((await rawRequest(running.port, '/rss.xml')).status).toBe(200)
  })
})
