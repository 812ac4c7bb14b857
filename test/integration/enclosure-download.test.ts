// The enclosure download shared by follow, mirror and import, against a real HTTP server on
// 127.0.0.1: what it does with a file left by an earlier run.
import { randomBytes } from 'node:crypto'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { downloadHttp } from '../../src/feed/read/enclosure-download.ts'
import { httpGet } from '../../src/feed/read/http-get.ts'
import { holdReceived } from '../../src/feed/read/received-chunks.ts'
import { FeedHost } from '../helpers/feed-host.js'
import { tempDir } from '../helpers/tmp.js'
import { fixture } from './publish-helpers.js'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

async function setUp () {
  const host = await new FeedHost().start()
  cleanups.push(() => host.close())
  const tmp = await tempDir()
  cleanups.push(tmp.cleanup)
  const body = await readFile(fixture('episode-2.mp3'))
  host.put('/ep.mp3', body, 'audio/mpeg')
  return { host, body, path: join(tmp.path, 'ep.mp3') }
}

describe('downloadHttp with a file from an earlier run', () => {
  it('takes a file already whole as done: the server answers 416 with its size, nothing is fetched again', async () => {
    const { host, body, path } = await setUp()
    await writeFile(path, body)
    const got = await downloadHttp(host.url('/ep.mp3'), path, { maxBytes: 10_000_000 })
    expect(got).toEqual({ length: body.length, resumed: body.length, received: 0 })
    expect(host.requests('/ep.mp3')).toEqual([expect.objectContaining({ range: `bytes=${body.length}-`, status: 416, bytes: 0 })])
    expect(await readFile(path)).toEqual(body)
  })

  it('starts over a file longer than the one the server has now', async () => {
    const { host, body, path } = await setUp()
    await writeFile(path, Buffer.concat([body, Buffer.from('stale tail')]))
    const got = await downloadHttp(host.url('/ep.mp3'), path, { maxBytes: 10_000_000 })
    expect(got).toEqual({ length: body.length, resumed: 0, received: body.length })
    expect(host.requests('/ep.mp3').map(r => r.status)).toEqual([416, 200])
    expect(await readFile(path)).toEqual(body)
  })
})

describe('downloadHttp continuing a cut download whose file changed meanwhile', () => {
  it('starts over when the host replaced the file at the same URL (new ETag), instead of appending the new bytes to the old', async () => {
    const { host, path } = await setUp()
    const before = randomBytes(200_000)
    const after = randomBytes(200_000)
    host.put('/ep.mp3', before, 'audio/mpeg')
    host.dropAfter('/ep.mp3', 50_000)
    await expect(downloadHttp(host.url('/ep.mp3'), path, { maxBytes: 10_000_000 })).rejects.toThrow(/cannot download the episode/)
    expect((await readFile(path)).equals(before.subarray(0, 50_000))).toBe(true)
    // A corrected upload in between.
    host.put('/ep.mp3', after, 'audio/mpeg')
    const got = await downloadHttp(host.url('/ep.mp3'), path, { maxBytes: 10_000_000 })
    expect(got).toEqual({ length: after.length, resumed: 0, received: after.length })
    expect((await readFile(path)).equals(after)).toBe(true)
    expect(host.requests('/ep.mp3').map(r => [r.status, r.range])).toEqual([[200, undefined], [206, 'bytes=50000-'], [200, undefined]])
    expect(await readdir(dirname(path))).toEqual(['ep.mp3'])
  })

  it('continues the same file, and does not continue one that came from another URL', async () => {
    const { host, body, path } = await setUp()
    host.dropAfter('/ep.mp3', 30_000)
    await expect(downloadHttp(host.url('/ep.mp3'), path, { maxBytes: 10_000_000 })).rejects.toThrow(/cannot download the episode/)
    // The same file: continued.
    expect(await downloadHttp(host.url('/ep.mp3'), path, { maxBytes: 10_000_000 })).toEqual({ length: body.length, resumed: 30_000, received: body.length - 30_000 })
    expect((await readFile(path)).equals(body)).toBe(true)
    // Cut again, and the next attempt is for another address (the feed moved the enclosure):
    // what came from the first is not continued with the second's bytes.
    const other = randomBytes(body.length)
    host.put('/moved.mp3', other, 'audio/mpeg')
    await writeFile(path, '')
    host.dropAfter('/ep.mp3', 30_000)
    await expect(downloadHttp(host.url('/ep.mp3'), path, { maxBytes: 10_000_000 })).rejects.toThrow(/cannot download the episode/)
    const timers = () => process.getActiveResourcesInfo().filter(kind => kind === 'Timeout').length
    const before = timers()
    expect(await downloadHttp(host.url('/moved.mp3'), path, { maxBytes: 10_000_000 })).toEqual({ length: other.length, resumed: 0, received: other.length })
    expect(host.requests('/moved.mp3').map(r => r.range)).toEqual([undefined])
    // Nothing left armed: a first version kept a one-minute idle timer (and the process) alive.
    expect(timers()).toBe(before)
    expect((await readFile(path)).equals(other)).toBe(true)
  })
})

describe('a connection cut short of the Content-Length', () => {
  /** A host that sends the first `sent` bytes of `body` (Content-Length: all of it) as fast as it can, then FIN. */
  async function cuttingHost (body: Buffer, sent: number): Promise<string> {
    const server = createServer(socket => {
      socket.once('data', () => {
        socket.write(`HTTP/1.1 200 OK\r\nContent-Type: audio/mpeg\r\nContent-Length: ${body.length}\r\n\r\n`)
        socket.end(body.subarray(0, sent))
      })
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    cleanups.push(() => new Promise<void>(resolve => server.close(() => resolve())))
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/ep.mp3`
  }

  it('leaves every byte received to a consumer slower than the network (node:http dropped what it held)', async () => {
    const body = randomBytes(2 * 1024 * 1024)
    const url = await cuttingHost(body, 1024 * 1024)
    const { response } = await httpGet(url, { headers: {} })
    const received = holdReceived(response)
    // The caller busy elsewhere first (download.ts checks the free disk space here): the cut
    // may come before the first chunk is taken.
    await new Promise(resolve => setTimeout(resolve, 50))
    const got: Buffer[] = []
    for await (const chunk of received.chunks) {
      got.push(chunk)
      // A disk write under load.
      await new Promise(resolve => setTimeout(resolve, 5))
    }
    expect(Buffer.concat(got).equals(body.subarray(0, 1024 * 1024))).toBe(true)
    expect(String(received.cut())).toMatch(/aborted/)
  })

  it('keeps all of them on disk, so that the next run asks only for the rest', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const body = randomBytes(8 * 1024 * 1024)
    const path = join(tmp.path, 'ep.mp3')
    await expect(downloadHttp(await cuttingHost(body, 6 * 1024 * 1024), path, { maxBytes: 100_000_000 })).rejects.toThrow(/cannot download the episode/)
    expect((await readFile(path)).equals(body.subarray(0, 6 * 1024 * 1024))).toBe(true)
  })
})

describe('downloadHttp from a host that closes the connection after its answer', () => {
  it('writes every byte though the host\'s close comes while the file is still being written (Node\'s fetch crashed the process there)', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const body = randomBytes(4 * 1024 * 1024)
    // An HTTP/1.0 host (Python's http.server): the file in 64 KiB writes, then FIN.
    const server = createServer(socket => {
      socket.once('data', () => {
        socket.write(`HTTP/1.0 200 OK\r\nContent-Type: audio/mpeg\r\nContent-Length: ${body.length}\r\n\r\n`)
        let sent = 0
        const next = () => {
          if (sent >= body.length) { socket.end(); return }
          const chunk = body.subarray(sent, sent + 65536)
          sent += chunk.length
          socket.write(chunk, () => setImmediate(next))
        }
        next()
      })
      socket.on('error', () => {})
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    cleanups.push(() => new Promise<void>(resolve => server.close(() => resolve())))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ep.mp3`
    for (let run = 0; run < 20; run++) {
      const path = join(tmp.path, `ep-${run}.mp3`)
      expect(await downloadHttp(url, path, { maxBytes: 100_000_000 })).toEqual({ length: body.length, resumed: 0, received: body.length })
      expect((await readFile(path)).equals(body)).toBe(true)
    }
  })
})
