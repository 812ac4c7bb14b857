// The HTTP side of `seedcast serve`, through the library (serveShows) on 127.0.0.1 port 0:
// feeds and media with their types and exact bytes, Range, HEAD, conditional GET, CORS,
// the private files of a show folder unreachable by any spelling, and shows at sub-paths.
import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SeedcastError } from '../../src/errors.js'
import { createServer } from '../../src/server/create-server.js'
import { serveShows, type RunningServer } from '../../src/server/serve.js'
import type { Catalog } from '../../src/model/show.js'
import { tempDir } from '../helpers/tmp.js'
import { makePublishedShow, rawRequest } from './serve-helpers.js'

let tmp: Awaited<ReturnType<typeof tempDir>>
let running: RunningServer
let showDir: string
let catalog: Catalog
const url = (path: string) => new URL(path, running.url).href
const publicFile = (path: string) => readFile(join(showDir, 'public', path))

beforeAll(async () => {
  tmp = await tempDir('seedcast-serve-http-')
  showDir = join(tmp.path, 'show')
  await makePublishedShow(showDir, 'http://127.0.0.1:8080/', ['episode.mp3', 'video.mp4', 'video.webm'])
  catalog = JSON.parse(await readFile(join(showDir, 'episodes.json'), 'utf8')) as Catalog
  running = await serveShows({ shows: [showDir], port: 0, host: '127.0.0.1' })
})

afterAll(async () => {
  await running?.close()
  await tmp?.cleanup()
})

const mp3 = () => catalog.episodes.find(episode => episode.mediaPath.endsWith('.mp3'))!

describe('serving a show folder', () => {
  it('serves every feed with its content type and the exact bytes of the file', async () => {
    const types: Record<string, string> = {
      'rss.xml': 'application/rss+xml; charset=utf-8',
      'p2p.xml': 'application/rss+xml; charset=utf-8',
      'atom.xml': 'application/atom+xml; charset=utf-8',
      'feed.json': 'application/feed+json; charset=utf-8'
    }
    for (const [file, type] of Object.entries(types)) {
      const response = await fetch(url(file))
      expect(response.status, file).toBe(200)
      expect(response.headers.get('content-type'), file).toBe(type)
      expect(Buffer.from(await response.arrayBuffer()).equals(await publicFile(file)), file).toBe(true)
    }
  })

  it('serves media, torrents, chapters and the cover with their types', async () => {
    const mp4 = catalog.episodes.find(episode => episode.mediaPath.endsWith('.mp4'))!
    const webm = catalog.episodes.find(episode => episode.mediaPath.endsWith('.webm'))!
    const expected: Array<[string, string]> = [
      [mp3().mediaPath, 'audio/mpeg'],
      [mp4.mediaPath, 'video/mp4'],
      [webm.mediaPath, 'video/webm'],
      [mp3().torrentPath, 'application/x-bittorrent'],
      [mp3().chaptersPath!, 'application/json+chapters; charset=utf-8'],
      ['cover.jpg', 'image/jpeg']
    ]
    for (const [path, type] of expected) {
      const response = await fetch(url(path))
      expect(response.status, path).toBe(200)
      expect(response.headers.get('content-type'), path).toBe(type)
      expect(response.headers.get('accept-ranges'), path).toBe('bytes')
      expect(Buffer.from(await response.arrayBuffer()).equals(await publicFile(path)), path).toBe(true)
    }
  })

  it('answers a byte range with 206, the exact bytes and Content-Range', async () => {
    const bytes = await publicFile(mp3().mediaPath)
    const cases: Array<[string, number, number]> = [
      ['bytes=1000-4999', 1000, 4999],
      ['bytes=290000-', 290000, bytes.length - 1],
      ['bytes=-100', bytes.length - 100, bytes.length - 1],
      ['bytes=0-0', 0, 0],
      [`bytes=5-${bytes.length + 1000}`, 5, bytes.length - 1]
    ]
    for (const [range, start, end] of cases) {
      const response = await fetch(url(mp3().mediaPath), { headers: { range } })
      expect(response.status, range).toBe(206)
      expect(response.headers.get('content-range'), range).toBe(`bytes ${start}-${end}/${bytes.length}`)
      expect(response.headers.get('content-length'), range).toBe(String(end - start + 1))
      expect(Buffer.from(await response.arrayBuffer()).equals(bytes.subarray(start, end + 1)), range).toBe(true)
    }
  })

  it('answers HEAD with the headers of GET and no body', async () => {
    const size = (await publicFile(mp3().mediaPath)).length
    const head = await rawRequest(running.port, `/${mp3().mediaPath}`, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers['content-length']).toBe(String(size))
    expect(head.headers['content-type']).toBe('audio/mpeg')
    expect(head.headers.etag).toMatch(/^(W\/)?".+"$/)
    expect(head.headers['last-modified']).toBeTruthy()
    expect(head.body.length).toBe(0)
    const ranged = await rawRequest(running.port, `/${mp3().mediaPath}`, { method: 'HEAD', headers: { range: 'bytes=10-19' } })
    expect(ranged.status).toBe(206)
    expect(ranged.headers['content-range']).toBe(`bytes 10-19/${size}`)
    expect(ranged.body.length).toBe(0)
  })

  it('answers conditional GETs with 304 (If-None-Match, If-Modified-Since) and 200 when changed', async () => {
    const first = await rawRequest(running.port, '/rss.xml')
    const etag = first.headers.etag as string
    const lastModified = first.headers['last-modified'] as string
    const byEtag = await rawRequest(running.port, '/rss.xml', { headers: { 'if-none-match': etag } })
    expect(byEtag.status).toBe(304)
    expect(byEtag.body.length).toBe(0)
    expect(byEtag.headers.etag).toBe(etag)
    const byDate = await rawRequest(running.port, '/rss.xml', { headers: { 'if-modified-since': lastModified } })
    expect(byDate.status).toBe(304)
    const stale = await rawRequest(running.port, '/rss.xml', { headers: { 'if-none-match': '"something-else"' } })
    expect(stale.status).toBe(200)
    expect(stale.body.equals(await publicFile('rss.xml'))).toBe(true)
  })

  it('refuses malformed and unsatisfiable bytes ranges with 416 and the size, and ignores other units and several ranges', async () => {
    const size = (await publicFile(mp3().mediaPath)).length
    for (const range of ['bytes=0-1,', 'bytes=9-5', 'bytes=abc', 'bytes=-', 'bytes=', `bytes=${size}-`, 'bytes=-0', 'bytes=99999999999999999999-']) {
      const response = await rawRequest(running.port, `/${mp3().mediaPath}`, { headers: { range } })
      expect(response.status, range).toBe(416)
      expect(response.headers['content-range'], range).toBe(`bytes */${size}`)
    }
    // A unit the server does not know is ignored, as RFC 9110 requires: the whole file.
    const otherUnit = await rawRequest(running.port, `/${mp3().mediaPath}`, { headers: { range: 'items=0-5' } })
    expect(otherUnit.status).toBe(200)
    expect(otherUnit.body.equals(await publicFile(mp3().mediaPath))).toBe(true)
    // Several ranges: the whole file (200), as nginx with max_ranges 1; a 416 gave the client nothing.
    const several = await rawRequest(running.port, `/${mp3().mediaPath}`, { headers: { range: 'bytes=0-1,5-9' } })
    expect(several.status).toBe(200)
    expect(several.headers['content-range']).toBeUndefined()
    expect(several.body.equals(await publicFile(mp3().mediaPath))).toBe(true)
  })

  it('sends CORS headers on every file and answers preflights', async () => {
    const response = await fetch(url(mp3().mediaPath), { headers: { origin: 'https://player.example', range: 'bytes=0-9' } })
    expect(response.headers.get('access-control-allow-origin')).toBe('*')
    const exposed = response.headers.get('access-control-expose-headers')!.toLowerCase()
    for (const header of ['content-range', 'content-length', 'accept-ranges']) expect(exposed).toContain(header)
    await response.arrayBuffer()
    const preflight = await rawRequest(running.port, `/${mp3().mediaPath}`, {
      method: 'OPTIONS', headers: { origin: 'https://player.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'range' }
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers['access-control-allow-origin']).toBe('*')
    expect(String(preflight.headers['access-control-allow-methods'])).toContain('GET')
    expect(String(preflight.headers['access-control-allow-headers']).toLowerCase()).toContain('range')
  })

  it('never serves show.json, episodes.json or .seedcast/, however the path is spelled', async () => {
    const secrets = [await readFile(join(showDir, 'show.json')), await readFile(join(showDir, 'episodes.json'))]
    const stateFiles = await readdir(join(showDir, '.seedcast'))
    const hostile = [
      '/show.json', '/episodes.json', '/../show.json', '/../episodes.json', '/media/../../show.json',
      '/%2e%2e/show.json', '/%2E%2E/episodes.json', '/.%2e/show.json', '/media/%2e%2e/%2e%2e/show.json',
      '/..%2fshow.json', '/media/..%2F..%2Fshow.json', '/..%5cshow.json', '/media\\..\\..\\show.json',
      '/%5c..%5cshow.json', '/rss.xml%00', '/%00../show.json', '/show.json%00.mp3', '/%252e%252e/show.json',
      '/.seedcast/', '/.seedcast/lock', '/%2eseedcast/', ...stateFiles.map(name => `/.seedcast/${name}`),
      '//show.json', '/./show.json', '/public/show.json', '/%zz', '/media/%c0%ae%c0%ae/show.json'
    ]
    for (const path of hostile) {
      const response = await rawRequest(running.port, path)
      expect(response.status, path).toBeGreaterThanOrEqual(400)
      expect(response.status, path).toBeLessThan(500)
      for (const secret of secrets) expect(response.body.includes(secret.subarray(0, 40)), path).toBe(false)
    }
    const overlong = await rawRequest(running.port, `/${'a'.repeat(5000)}.mp3`)
    expect(overlong.status).toBe(414)
    // Past Node's header limit the HTTP parser itself answers 431.
    const huge = await rawRequest(running.port, `/${'%2e'.repeat(10_000)}`)
    expect(huge.status).toBe(431)
    // Still serving after all that.
    const after = await fetch(url('rss.xml'))
    expect(after.status).toBe(200)
    expect(Buffer.from(await after.arrayBuffer()).equals(await publicFile('rss.xml'))).toBe(true)
  })

  it('redirects an episode page\'s URL without its final slash to the page, as static hosts do', async () => {
    const slug = mp3().slug
    const bare = await fetch(url(`episodes/${slug}?from=share`), { redirect: 'manual' })
    expect(bare.status).toBe(301)
    expect(bare.headers.get('location')).toBe(`/episodes/${slug}/?from=share`)
    const page = await fetch(url(`episodes/${slug}/`))
    expect(page.status).toBe(200)
    expect(Buffer.from(await page.arrayBuffer()).equals(await publicFile(`episodes/${slug}/index.html`))).toBe(true)
    expect((await fetch(url('episodes/no-such-episode'), { redirect: 'manual' })).status).toBe(404)
  })

  it('refuses other methods with 405 and an Allow header', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const response = await rawRequest(running.port, '/rss.xml', { method })
      expect(response.status, method).toBe(405)
      expect(response.headers.allow, method).toBe('GET, HEAD, OPTIONS')
    }
    expect((await publicFile('rss.xml')).length).toBeGreaterThan(0)
  })

  it('lists the shows at /.well-known/seedcast.json', async () => {
    const response = await fetch(url('.well-known/seedcast.json'))
    expect(response.status).toBe(200)
    expect(response.headers.get('access-control-allow-origin')).toBe('*')
    const body = await response.json() as { shows: Array<Record<string, unknown>> }
    expect(body.shows).toEqual([{
      title: 'Served Show',
      path: '/',
      baseUrl: 'http://127.0.0.1:8080/',
      feeds: { rss: 'http://127.0.0.1:8080/rss.xml', p2p: 'http://127.0.0.1:8080/p2p.xml', atom: 'http://127.0.0.1:8080/atom.xml', json: 'http://127.0.0.1:8080/feed.json' },
      episodes: 3,
      scheduled: 0
    }])
  })

  it('says when the base URL names another port than the one it listens on', () => {
    expect(running.warnings).toHaveLength(1)
    expect(running.warnings[0]).toContain(`names port 8080, this server listens on port ${running.port}`)
    expect(running.warnings[0]).toContain("serve with the base URL's `host`/`port`")
  })
})

describe('several shows', () => {
  it('serves each show at its base URL path', async () => {
    const dir = await tempDir('seedcast-serve-paths-')
    try {
      const one = join(dir.path, 'one')
      const root = join(dir.path, 'root')
      await makePublishedShow(one, 'http://127.0.0.1:8080/shows/one/', ['episode-2.mp3'], 'Show One')
      await makePublishedShow(root, 'http://127.0.0.1:8080/', ['episode.mp3'], 'Root Show')
      const server = await serveShows({ shows: [root, one], port: 0 })
      try {
        const get = async (path: string) => {
          const response = await fetch(new URL(path, server.url))
          return { status: response.status, body: Buffer.from(await response.arrayBuffer()) }
        }
        const oneRss = await get('/shows/one/rss.xml')
        expect(oneRss.status).toBe(200)
        expect(oneRss.body.equals(await readFile(join(one, 'public', 'rss.xml')))).toBe(true)
        expect(oneRss.body.toString()).toContain('Show One')
        const rootRss = await get('/rss.xml')
        expect(rootRss.body.equals(await readFile(join(root, 'public', 'rss.xml')))).toBe(true)
        const oneCatalog = JSON.parse(await readFile(join(one, 'episodes.json'), 'utf8')) as Catalog
        const media = await get(`/shows/one/${oneCatalog.episodes[0]!.mediaPath}`)
        expect(media.body.equals(await readFile(join(one, 'public', oneCatalog.episodes[0]!.mediaPath)))).toBe(true)
        expect((await get('/shows/one/../../show.json')).status).toBeGreaterThanOrEqual(400)
        expect((await rawRequest(server.port, '/shows/one/%2e%2e/show.json')).status).toBe(400)
        expect((await rawRequest(server.port, '/shows/one/show.json')).status).toBe(404)
        expect(server.shows.map(show => show.path)).toEqual(['/', '/shows/one/'])
      } finally {
        await server.close()
      }
    } finally {
      await dir.cleanup()
    }
  })

  it('refuses two shows at the same path with a SeedcastError naming both', async () => {
    const dir = await tempDir('seedcast-serve-dup-')
    try {
      const a = join(dir.path, 'a')
      const b = join(dir.path, 'b')
      await makePublishedShow(a, 'http://127.0.0.1:8080/show/', [], 'A')
      await makePublishedShow(b, 'https://other.example/show/', [], 'B')
      const error = await createServer({ shows: [a, b] }).then(() => undefined, (err: unknown) => err)
      expect(error).toBeInstanceOf(SeedcastError)
      expect((error as SeedcastError).message).toContain('/show/')
      expect((error as SeedcastError).message).toContain(a)
      expect((error as SeedcastError).message).toContain(b)
    } finally {
      await dir.cleanup()
    }
  })
})
