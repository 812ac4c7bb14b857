// HTTP details a static server must get right, each a defect found by probing against
// nginx on the same public/: suffix ranges longer than the file, 416 after a matching
// If-Range, case-insensitive range units, duplicate Host headers, absolute-form targets,
// compressed feeds with Vary and 304s, base URLs with encoded characters, and symbolic
// links leading out of public/.
import { mkdir, readFile, symlink } from 'node:fs/promises'
import { join } from 'node:path'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveShows, type RunningServer } from '../../src/server/serve.js'
import type { Catalog } from '../../src/model/show.js'
import { tempDir } from '../helpers/tmp.js'
import { makePublishedShow, rawExchange, rawRequest } from './serve-helpers.js'

let tmp: Awaited<ReturnType<typeof tempDir>>
let running: RunningServer
let showDir: string
let mediaPath: string
let media: Buffer
let secret: Buffer

beforeAll(async () => {
  tmp = await tempDir('seedcast-serve-protocol-')
  showDir = join(tmp.path, 'show')
  await makePublishedShow(showDir, 'http://127.0.0.1:8080/', ['episode.mp3'])
  const catalog = JSON.parse(await readFile(join(showDir, 'episodes.json'), 'utf8')) as Catalog
  mediaPath = `/${catalog.episodes[0]!.mediaPath}`
  media = await readFile(join(showDir, 'public', catalog.episodes[0]!.mediaPath))
  secret = await readFile(join(showDir, 'show.json'))
  // Links inside public/: one to a file of the show outside it, one to a folder outside
  // it, one to a file inside it.
  await symlink(join(showDir, 'show.json'), join(showDir, 'public', 'leak.json'))
  await symlink(showDir, join(showDir, 'public', 'whole-show'))
  await symlink(join(showDir, 'public', 'rss.xml'), join(showDir, 'public', 'feed-alias.xml'))
  running = await serveShows({ shows: [showDir], port: 0, host: '127.0.0.1' })
})

afterAll(async () => {
  await running?.close()
  await tmp?.cleanup()
})

describe('ranges', () => {
  it('answers a suffix range longer than the file with 206 and the whole file', async () => {
    const response = await rawRequest(running.port, mediaPath, { headers: { range: `bytes=-${media.length + 5000}` } })
    expect(response.status).toBe(206)
    expect(response.headers['content-range']).toBe(`bytes 0-${media.length - 1}/${media.length}`)
    expect(response.body.equals(media)).toBe(true)
  })

  it('honours a range unit in any case', async () => {
    for (const unit of ['BYTES', 'Bytes']) {
      const response = await rawRequest(running.port, mediaPath, { headers: { range: `${unit}=10-19` } })
      expect(response.status, unit).toBe(206)
      expect(response.body.equals(media.subarray(10, 20)), unit).toBe(true)
    }
  })

  it('answers an unsatisfiable range after a matching If-Range with 416 and Content-Range, and a stale If-Range with the whole file', async () => {
    const head = await rawRequest(running.port, mediaPath, { method: 'HEAD' })
    const etag = head.headers.etag as string
    const refused = await rawRequest(running.port, mediaPath, { headers: { range: `bytes=${media.length}-`, 'if-range': etag } })
    expect(refused.status).toBe(416)
    expect(refused.headers['content-range']).toBe(`bytes */${media.length}`)
    const byDate = await rawRequest(running.port, mediaPath, { headers: { range: 'bytes=5-9', 'if-range': head.headers['last-modified'] as string } })
    expect(byDate.status).toBe(206)
    expect(byDate.body.equals(media.subarray(5, 10))).toBe(true)
    const stale = await rawRequest(running.port, mediaPath, { headers: { range: 'bytes=5-9', 'if-range': '"stale"' } })
    expect(stale.status).toBe(200)
    expect(stale.body.equals(media)).toBe(true)
  })
})

describe('request targets and headers', () => {
  it('refuses a request with two Host headers with 400', async () => {
    const answer = await rawExchange(running.port, 'GET /rss.xml HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example')
    expect(answer.status).toBe(400)
    expect(answer.text).not.toContain('<rss')
  })

  it('accepts an absolute-form target and serves the path it names', async () => {
    const answer = await rawExchange(running.port, `GET http://127.0.0.1:${running.port}/rss.xml HTTP/1.1\r\nHost: 127.0.0.1:${running.port}`)
    expect(answer.status).toBe(200)
    const rss = await readFile(join(showDir, 'public', 'rss.xml'), 'latin1')
    expect(answer.text.endsWith(rss)).toBe(true)
  })
})

describe('compressed feeds', () => {
  it('sends brotli and gzip to clients that ask, with Vary, variant ETags and 304s', async () => {
    const rss = await readFile(join(showDir, 'public', 'rss.xml'))
    const decoders = { br: brotliDecompressSync, gzip: gunzipSync }
    for (const coding of ['br', 'gzip'] as const) {
      const response = await rawRequest(running.port, '/rss.xml', { headers: { 'accept-encoding': coding } })
      expect(response.status, coding).toBe(200)
      expect(response.headers['content-encoding'], coding).toBe(coding)
      expect(response.headers.vary, coding).toBe('Accept-Encoding')
      expect(Number(response.headers['content-length']), coding).toBe(response.body.length)
      expect(response.body.length, coding).toBeLessThan(rss.length / 2)
      expect(decoders[coding](response.body).equals(rss), coding).toBe(true)
      const etag = response.headers.etag as string
      const again = await rawRequest(running.port, '/rss.xml', { headers: { 'accept-encoding': coding, 'if-none-match': etag } })
      expect(again.status, coding).toBe(304)
      expect(again.headers.etag, coding).toBe(etag)
      expect(again.headers.vary, coding).toBe('Accept-Encoding')
    }
    const both = await rawRequest(running.port, '/rss.xml', { headers: { 'accept-encoding': 'gzip, deflate, br' } })
    expect(both.headers['content-encoding']).toBe('br')
    const plain = await rawRequest(running.port, '/rss.xml')
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.headers.vary).toBe('Accept-Encoding')
    expect(plain.body.equals(rss)).toBe(true)
    // Media is never compressed.
    const audio = await rawRequest(running.port, mediaPath, { headers: { 'accept-encoding': 'gzip, br' } })
    expect(audio.headers['content-encoding']).toBeUndefined()
    expect(audio.body.equals(media)).toBe(true)
  })
})

describe('symbolic links', () => {
  it('refuses links that lead out of public/ and follows those that stay inside', async () => {
    for (const path of ['/leak.json', '/whole-show/show.json', '/whole-show/episodes.json']) {
      const response = await rawRequest(running.port, path)
      expect(response.status, path).toBe(404)
      expect(response.body.includes(secret.subarray(0, 40)), path).toBe(false)
    }
    const alias = await rawRequest(running.port, '/feed-alias.xml')
    expect(alias.status).toBe(200)
    expect(alias.body.equals(await readFile(join(showDir, 'public', 'rss.xml')))).toBe(true)
  })
})

describe('base URLs with encoded characters', () => {
  it('serves a show whose base URL path has spaces and accents, and any spelling of a path', async () => {
    const dir = await tempDir('seedcast-serve-encoded-')
    try {
      const accented = join(dir.path, 'accented')
      const tea = join(dir.path, 'tea')
      await makePublishedShow(accented, 'http://127.0.0.1:8080/shows/thé time/', ['episode.mp3'], 'Thé Time')
      await makePublishedShow(tea, 'http://127.0.0.1:8080/shows/tea/', ['episode-2.mp3'], 'Tea')
      await mkdir(join(dir.path, 'unused'), { recursive: true })
      const server = await serveShows({ shows: [accented, tea], port: 0 })
      try {
        const rss = await readFile(join(accented, 'public', 'rss.xml'))
        const feed = await rawRequest(server.port, '/shows/th%C3%A9%20time/rss.xml')
        expect(feed.status).toBe(200)
        expect(feed.body.equals(rss)).toBe(true)
        // Every URL the feed gives for the media is answered with the media.
        const catalog = JSON.parse(await readFile(join(accented, 'episodes.json'), 'utf8')) as Catalog
        const enclosure = /<enclosure url="([^"]+)"/.exec(rss.toString())![1]!
        const mediaUrl = new URL(enclosure)
        const served = await rawRequest(server.port, mediaUrl.pathname)
        expect(served.status).toBe(200)
        expect(served.body.equals(await readFile(join(accented, 'public', catalog.episodes[0]!.mediaPath)))).toBe(true)
        const teaFeed = await rawRequest(server.port, '/shows/%74ea/rss.xml')
        expect(teaFeed.status).toBe(200)
        expect(teaFeed.body.equals(await readFile(join(tea, 'public', 'rss.xml')))).toBe(true)
      } finally {
        await server.close()
      }
    } finally {
      await dir.cleanup()
    }
  })
})
