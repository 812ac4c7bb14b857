import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fetchFeed } from '../../src/feed/read/fetch-feed.ts'

const body = '<rss version="2.0"><channel><title>t</title></channel></rss>'
const accented = '<rss version="2.0"><channel><title>Thé et café</title></channel></rss>'
let server: Server
let base: string
const seen: string[] = []

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.url} ${req.headers['if-none-match'] ?? ''}`)
    if (req.url === '/feed') {
      if (req.headers['if-none-match'] === '"v1"') { res.writeHead(304).end(); return }
      res.writeHead(200, { 'content-type': 'application/rss+xml', etag: '"v1"', 'last-modified': 'Tue, 01 Sep 2026 00:00:00 GMT' }).end(body)
    } else if (req.url === '/moved') {
      res.writeHead(301, { location: '/moved-2' }).end()
    } else if (req.url === '/moved-2') {
      res.writeHead(308, { location: `${base}/feed` }).end()
    } else if (req.url === '/temporary') {
      res.writeHead(302, { location: '/moved' }).end()
    } else if (req.url === '/loop') {
      res.writeHead(301, { location: '/loop' }).end()
    } else if (req.url === '/gone') {
      res.writeHead(410).end()
    } else if (req.url === '/huge') {
      res.writeHead(200, { 'content-type': 'text/xml' })
      res.end('x'.repeat(5000))
    } else if (req.url === '/show/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html><html><head><link rel="alternate" type="application/rss+xml" href="../feed"></head></html>')
    } else if (req.url === '/plain-page') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html><html><body>no feed here</body></html>')
    } else if (req.url === '/latin1') {
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=ISO-8859-1' }).end(Buffer.from(accented, 'latin1'))
    } else if (req.url === '/stalls') {
      // Headers and the start of the body, then nothing: a host that hangs mid-answer.
      res.writeHead(200, { 'content-type': 'application/rss+xml' })
      res.write('<?xml version="1.0"?><rss version="2.0">')
    } else if (req.url === '/cut') {
      res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-length': '5000' })
      res.write('<?xml version="1.0"?><rss version="2.0">', () => res.destroy())
    } else if (req.url === '/ftp') {
      res.writeHead(301, { location: 'ftp://h/f' }).end()
    } else {
      res.writeHead(404).end()
    }
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>(resolve => {
  server.close(() => resolve())
  server.closeAllConnections() // the stalled answer never ends by itself
}))

describe('fetchFeed', () => {
  it('fetches, then asks conditionally and gets 304 with no body', async () => {
    const first = await fetchFeed(`${base}/feed`)
    expect(first).toMatchObject({ notModified: false, xml: body, etag: '"v1"', lastModified: 'Tue, 01 Sep 2026 00:00:00 GMT', bytes: body.length })
    const second = await fetchFeed(`${base}/feed`, { etag: '"v1"' })
    expect(second).toEqual({ url: `${base}/feed`, notModified: true, bytes: 0 })
    expect(seen.slice(-1)).toEqual(['/feed "v1"'])
  })

  it('follows the feed an HTML page names (autodiscovery), as a move to the feed; a page naming none is returned as it is', async () => {
    expect(await fetchFeed(`${base}/show/`)).toMatchObject({ url: `${base}/feed`, movedTo: `${base}/feed`, xml: body, notModified: false })
    expect(seen.at(-1)).toBe('/feed ')
    expect(await fetchFeed(`${base}/plain-page`)).toMatchObject({ url: `${base}/plain-page`, xml: expect.stringContaining('no feed here') })
  })

  it('decodes a body in the charset its Content-Type names when the feed names none', async () => {
    expect(await fetchFeed(`${base}/latin1`)).toMatchObject({ xml: accented, bytes: accented.length })
  })

  it('remembers where a chain of permanent redirects leads, not a temporary one', async () => {
    expect(await fetchFeed(`${base}/moved`)).toMatchObject({ url: `${base}/feed`, movedTo: `${base}/feed`, xml: body })
    const temporary = await fetchFeed(`${base}/temporary`)
    expect(temporary.url).toBe(`${base}/feed`)
    expect(temporary.movedTo).toBeUndefined()
  })

  it('fails with one line on loops, 404, 410, too big, bad schemes and closed ports', async () => {
    await expect(fetchFeed(`${base}/loop`)).rejects.toThrow(/more than 5 redirects/)
    await expect(fetchFeed(`${base}/nothing`)).rejects.toThrow(/HTTP 404/)
    await expect(fetchFeed(`${base}/gone`)).rejects.toMatchObject({ code: 'EGONE' })
    await expect(fetchFeed(`${base}/huge`, { maxBytes: 1000 })).rejects.toThrow(/more than 1000 bytes/)
    await expect(fetchFeed(`${base}/ftp`)).rejects.toThrow(/only http\(s\) feeds .*redirected to ftp:/)
    await expect(fetchFeed('file:///etc/passwd')).rejects.toThrow(/only http\(s\) feeds/)
    const closed = createServer()
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise<void>(resolve => closed.close(() => resolve()))
    await expect(fetchFeed(`http://127.0.0.1:${port}/f`)).rejects.toThrow(/cannot fetch the feed: ECONNREFUSED/)
  })

  it('fails with one line when the body stalls or is cut after the headers came', async () => {
    const stalled = await fetchFeed(`${base}/stalls`, { timeoutMs: 500 }).catch((error: unknown) => error)
    expect(stalled).toMatchObject({ code: 'EFETCH', message: `${base}/stalls: cannot fetch the feed: the body did not arrive within 1 s` })
    const cut = await fetchFeed(`${base}/cut`).catch((error: unknown) => error)
    expect(cut).toMatchObject({ code: 'EFETCH', message: expect.stringMatching(new RegExp(`^${base}/cut: cannot fetch the feed: the body was cut: `)) })
  })
})
