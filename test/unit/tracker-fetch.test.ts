import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import trackerFetch, { MAX_TRACKER_ANSWER } from '../../src/swarm/tracker-fetch.js'

// The fetch of a download-only process's HTTP announces (src/swarm/tracker-fetch.ts), against
// a real HTTP server on loopback: what bittorrent-tracker reads of it, redirects, and the
// bounds fetch does not have.

let server: Server | undefined
afterEach(() => { server?.closeAllConnections(); server?.close(); server = undefined })

async function serve (handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<string> {
  server = createServer(handler)
  await new Promise<void>(resolve => server!.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

describe('the tracker fetch of get', () => {
  it('gives the status and the body, with the request\'s headers, and follows redirects', async () => {
    const seen: string[] = []
    const base = await serve((request, response) => {
      seen.push(`${request.url} ${request.headers['user-agent']}`)
      if (request.url === '/announce?a=1') { response.writeHead(301, { location: '/moved?a=1' }); response.end(); return }
      response.writeHead(request.url === '/moved?a=1' ? 200 : 404)
      response.end('d8:intervali60ee')
    })
    const answer = await trackerFetch(`${base}/announce?a=1`, { headers: { 'user-agent': 'seedcast-test' } })
    expect(answer.status).toBe(200)
    expect(Buffer.from(await answer.arrayBuffer()).toString()).toBe('d8:intervali60ee')
    expect(seen).toEqual(['/announce?a=1 seedcast-test', '/moved?a=1 seedcast-test'])
    const missing = await trackerFetch(`${base}/nosuch`)
    expect(missing.status).toBe(404)
  })

  it('refuses an answer past its bound, a redirect loop, and stops when aborted', async () => {
    let slowStarted!: () => void
    const slowAnswering = new Promise<void>(resolve => { slowStarted = resolve })
    const base = await serve((request, response) => {
      if (request.url === '/loop') { response.writeHead(302, { location: '/loop' }); response.end(); return }
      if (request.url === '/slow') { response.writeHead(200); response.write('d8:interval', () => slowStarted()); return }
      // An answer that never ends: chunks until the client goes away.
      response.writeHead(200)
      const chunk = Buffer.alloc(64 * 1024, 0x61)
      const pump = () => { while (!response.destroyed && response.write(chunk)); }
      response.on('drain', pump)
      pump()
    })
    await expect(trackerFetch(`${base}/endless`)).rejects.toThrow(`tracker answer larger than ${MAX_TRACKER_ANSWER} bytes`)
    await expect(trackerFetch(`${base}/loop`)).rejects.toThrow(/more than 20 redirects/)
    const controller = new AbortController()
    const pending = trackerFetch(`${base}/slow`, { signal: controller.signal })
    // Aborted once the answer has begun: the request is in flight, its body unfinished.
    await slowAnswering
    controller.abort()
    await expect(pending).rejects.toThrow(/aborted/)
    await expect(trackerFetch('ftp://127.0.0.1/announce')).rejects.toThrow(/unsupported protocol/)
  })
})
