import { createReadStream } from 'node:fs'
import { copyFile, open, readFile, stat, unlink, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { lintFeed } from '../../src/feed/lint/lint.ts'
import { repoRoot, runCli, runCliJson } from '../helpers/cli.ts'
import { tempDir } from '../helpers/tmp.ts'
import { buildPublicFolder, writeFeeds, type PublicFolder } from './feed-lint-show.ts'

// A real HTTP server on 127.0.0.1 serving a show's public folder under /show/, like any static host.
let server: Server
let port: number
let servedDir = ''
const requests: string[] = []

beforeAll(async () => {
  server = createServer((request, response) => {
    requests.push(request.url ?? '')
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)
    if (!path.startsWith('/show/') || path.includes('..')) { response.writeHead(404).end(); return }
    const file = join(servedDir, path.slice('/show/'.length))
    stat(file).then(found => {
      if (!found.isFile()) throw new Error('not a file')
      response.writeHead(200, { 'content-length': found.size })
      createReadStream(file).pipe(response)
    }, () => response.writeHead(404, 'Not Found').end())
      .catch(() => response.writeHead(404, 'Not Found').end())
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})
afterAll(async () => { await new Promise(resolve => server.close(resolve)) })

let temp: Awaited<ReturnType<typeof tempDir>>
let show: PublicFolder
const baseUrl = () => `http://127.0.0.1:${port}/show/`

beforeEach(async () => {
  temp = await tempDir('seedcast-feed-lint-')
  servedDir = temp.path
  requests.length = 0
  show = await buildPublicFolder(temp.path, baseUrl())
})
afterEach(async () => { await temp.cleanup() })

const errors = (report: Awaited<ReturnType<typeof lintFeed>>) => report.findings.filter(finding => finding.level === 'error')

describe('feed lint over HTTP', () => {
  it('finds no problem in a freshly built show, media checked against torrents and SRI', async () => {
    const rss = await lintFeed(`${baseUrl()}rss.xml`, { checkMedia: true })
    expect(rss.findings).toEqual([])
    expect(rss).toMatchObject({ ok: true, errors: 0, warnings: 0, feed: `${baseUrl()}rss.xml` })
    // It really fetched the torrents, the chapters and every media file.
    expect(requests).toEqual(expect.arrayContaining([
      '/show/rss.xml', '/show/cover.jpg', '/show/torrents/episode-1.torrent', '/show/torrents/video-demo.torrent',
      '/show/chapters/episode-1.json', '/show/media/episode-1.mp3', '/show/media/episode-2.mp3', '/show/media/video-demo.mp4'
    ]))
    const p2p = await lintFeed(`${baseUrl()}p2p.xml`, { checkMedia: true })
    expect(errors(p2p)).toEqual([])
    expect(p2p.findings).toEqual([expect.objectContaining({ level: 'warning', element: 'channel/item/enclosure', message: expect.stringContaining('3 of 3 enclosures are magnet links') })])
  })

  it('reports a magnet whose btih is not the .torrent\'s infohash', async () => {
    const [first, second] = show.episodes
    const wrong = show.episodes.map(episode => episode === first ? { ...episode, infoHash: second!.infoHash } : episode)
    await writeFeeds(temp.path, show.show, wrong)
    const item = show.episodes.length - show.episodes.indexOf(first!) // feeds list newest first
    const mismatch = expect.stringContaining(`the magnet's btih ${second!.infoHash} does not match the infohash of ${baseUrl()}torrents/episode-1.torrent (${first!.infoHash})`)
    const rss = await lintFeed(`${baseUrl()}rss.xml`)
    expect(errors(rss)).toEqual([{ level: 'error', element: `channel/item[${item}]/podcast:alternateEnclosure[1]/podcast:source`, message: mismatch }])
    // p2p.xml carries the magnet twice: as the enclosure and as a source.
    const p2p = await lintFeed(`${baseUrl()}p2p.xml`)
    expect(errors(p2p)).toEqual([
      { level: 'error', element: `channel/item[${item}]/enclosure`, message: mismatch },
      { level: 'error', element: `channel/item[${item}]/podcast:alternateEnclosure[1]/podcast:source`, message: mismatch }
    ])
  })

  it('with checkMedia, reports media whose bytes do not match its torrent and SRI digest', async () => {
    const media = join(temp.path, 'media', 'episode-2.mp3')
    const handle = await open(media, 'r+')
    await handle.write(Buffer.from([0x00, 0x01, 0x02, 0x03]), 0, 4, 40_000)
    await handle.close()
    expect(errors(await lintFeed(`${baseUrl()}rss.xml`))).toEqual([])
    const report = await lintFeed(`${baseUrl()}rss.xml`, { checkMedia: true })
    expect(errors(report).map(finding => finding.message)).toEqual([
      expect.stringMatching(new RegExp(`media at ${baseUrl()}media/episode-2\\.mp3 does not match its \\.torrent: 1 of \\d+ pieces differ`)),
      expect.stringContaining(`podcast:integrity says sha256-${show.episodes[1]!.sha256}`)
    ])
    expect(errors(report)[0]!.element).toBe('channel/item[2]/podcast:alternateEnclosure[1]')
  })

  it('reports a .torrent that cannot be fetched and chapters that are not JSON chapters', async () => {
    await unlink(join(temp.path, 'torrents', 'episode-2.torrent'))
    await writeFile(join(temp.path, 'chapters', 'episode-1.json'), JSON.stringify({ chapters: 'none' }))
    const report = await lintFeed(`${baseUrl()}rss.xml`)
    expect(errors(report)).toEqual([
      expect.objectContaining({ element: 'channel/item[2]/podcast:alternateEnclosure[1]', message: expect.stringContaining(`cannot fetch ${baseUrl()}torrents/episode-2.torrent: HTTP 404`) }),
      expect.objectContaining({ element: 'channel/item[3]/podcast:chapters', message: expect.stringContaining('no "version" string') })
    ])
  })

  it('checks the cover image itself: JPEG or PNG, square, 1400-3000 px', async () => {
    await copyFile(join(repoRoot, 'fixtures', 'cover-wide.jpg'), join(temp.path, 'cover.jpg'))
    expect(errors(await lintFeed(`${baseUrl()}rss.xml`))).toEqual([
      { level: 'error', element: 'channel/itunes:image', message: 'the cover is 1600x1400 px; Apple wants it square' }
    ])
    await copyFile(join(repoRoot, 'fixtures', 'cover-small.png'), join(temp.path, 'cover.jpg'))
    expect(errors(await lintFeed(`${baseUrl()}rss.xml`))).toEqual([
      { level: 'error', element: 'channel/itunes:image', message: 'the cover is 500x500 px; Apple wants 1400x1400 to 3000x3000' }
    ])
    await unlink(join(temp.path, 'cover.jpg'))
    expect(errors(await lintFeed(`${baseUrl()}rss.xml`))).toEqual([
      { level: 'error', element: 'channel/itunes:image', message: expect.stringContaining(`cannot fetch ${baseUrl()}cover.jpg: HTTP 404`) }
    ])
  })

  it('rejects a feed URL that answers 404', async () => {
    await expect(lintFeed(`${baseUrl()}missing.xml`)).rejects.toMatchObject({ code: 'EFETCH', message: expect.stringContaining('HTTP 404') })
  })
})

describe('feed lint of a file in the public folder', () => {
  it('reads torrents, chapters and media beside the feed without fetching', async () => {
    const report = await lintFeed(join(temp.path, 'rss.xml'), { checkMedia: true, fetch: false })
    expect(report.findings).toEqual([])
    expect(requests).toEqual([])
    const media = join(temp.path, 'media', 'video-demo.mp4')
    await writeFile(media, (await readFile(media)).subarray(0, 1000))
    const cut = await lintFeed(join(temp.path, 'rss.xml'), { checkMedia: true, fetch: false })
    expect(errors(cut)).toEqual([
      expect.objectContaining({ element: 'channel/item[1]/podcast:alternateEnclosure[1]', message: expect.stringContaining('does not match its .torrent: the file has the wrong size') }),
      expect.objectContaining({ element: 'channel/item[1]/podcast:alternateEnclosure[1]', message: expect.stringContaining('SHA-256') })
    ])
  })
})

describe('feed lint of a show whose public folder lost a file', () => {
  it('reports the missing media and .torrent as errors, even with --media, and fetches nothing instead', async () => {
    const media = show.episodes[0]!.mediaPath
    const torrent = show.episodes[1]!.torrentPath
    await unlink(join(temp.path, media))
    await unlink(join(temp.path, torrent))
    const result = await runCliJson(['feed', 'lint', join(temp.path, 'rss.xml'), '--media'])
    expect(result.result.code).toBe(1)
    const missing = result.json.findings.filter((finding: { message: string }) => finding.message.includes('is missing from'))
    expect(missing).toHaveLength(2)
    expect(missing).toEqual(expect.arrayContaining([
      { level: 'error', element: expect.stringMatching(/^channel\/item\[\d\]\/enclosure$/), message: expect.stringContaining(`the media ${media} is missing from ${temp.path}`) },
      { level: 'error', element: expect.stringMatching(/^channel\/item\[\d\]\/podcast:alternateEnclosure$/), message: expect.stringContaining(`the .torrent ${torrent} is missing from ${temp.path}`) }
    ]))
    expect(requests).toEqual([]) // the folder is what gets served: nothing is fetched from the base URL instead
    const text = await runCli(['feed', 'lint', join(temp.path, 'rss.xml')])
    expect(text.stdout).toContain(`the media ${media} is missing from ${temp.path}`)
    expect(text.stdout).not.toContain('no problems found')
  })
})

describe('seedcast feed lint (the built CLI)', () => {
  it('prints "no problems found" and exits 0 for a good feed', async () => {
    const result = await runCli(['feed', 'lint', `${baseUrl()}rss.xml`, '--media'])
    expect(result.stderr).toBe('')
    expect(result.stdout).toBe(`${baseUrl()}rss.xml: no problems found\n`)
    expect(result.code).toBe(0)
  })

  it('prints one line per finding and exits 1 on errors; --json gives ok, errors, warnings, findings', async () => {
    const feed = join(temp.path, 'rss.xml')
    await writeFile(feed, (await readFile(feed, 'utf8')).replace(/<itunes:image href="[^"]*"\/>/, ''))
    const result = await runCli(['feed', 'lint', feed, '--offline'])
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/^error {4}channel\/itunes:image {2}missing: Apple requires cover art/m)
    expect(result.stdout.trim().split('\n').at(-1)).toBe(`${feed}: 1 error, 0 warnings`)
    const { result: jsonRun, json } = await runCliJson(['feed', 'lint', feed, '--offline'])
    expect(jsonRun.code).toBe(1)
    expect(json).toEqual({ feed, ok: false, errors: 1, warnings: 0, findings: [{ level: 'error', element: 'channel/itunes:image', message: expect.stringContaining('missing') }] })
  })

  it('reads a feed in ISO-8859-1 and warns that Apple asks for UTF-8; an encoding it cannot read is one line', async () => {
    const feed = join(temp.path, 'rss.xml')
    const utf8 = await readFile(feed, 'utf8')
    expect(utf8).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>/)
    await writeFile(feed, Buffer.from(utf8.replace('encoding="utf-8"', 'encoding="ISO-8859-1"'), 'latin1'))
    const { result, json } = await runCliJson(['feed', 'lint', feed, '--offline'])
    expect(result.code, result.stderr).toBe(0)
    expect(json.findings).toEqual([{ level: 'warning', element: '?xml', message: 'written in windows-1252: Apple Podcasts asks for UTF-8, and some apps show other encodings\' accented letters wrong' }])
    // (In ASCII: bytes that are valid UTF-8 beyond ASCII are read as UTF-8 whatever they declare.)
    await writeFile(feed, '<?xml version="1.0" encoding="x-klingon"?><rss version="2.0"><channel><title>t</title></channel></rss>')
    const unreadable = await runCli(['feed', 'lint', feed, '--offline'])
    expect(unreadable.code).toBe(1)
    expect(unreadable.stderr).toBe(`seedcast: ${feed}: written in "x-klingon", a text encoding seedcast cannot read (ask the publisher for UTF-8, the encoding every podcast app reads)\n`)
  })

  it('given a show\'s web page, lints the feed the page names; a page naming none is one line', async () => {
    await writeFile(join(temp.path, 'index.html'), '<!doctype html><html><head><title>Show</title>\n<link rel="alternate" type="application/atom+xml" href="atom.xml">\n<link rel="alternate" type="application/rss+xml" title="Podcast" href="rss.xml"></head><body></body></html>')
    const { result, json } = await runCliJson(['feed', 'lint', `${baseUrl()}index.html`])
    expect(result.code, result.stderr).toBe(0)
    expect(json).toEqual({ feed: `${baseUrl()}rss.xml`, ok: true, errors: 0, warnings: 0, findings: [] })
    const plain = await runCli(['feed', 'lint', `${baseUrl()}index.html`])
    expect(plain.stdout).toBe(`${baseUrl()}rss.xml: no problems found\n`)
    await writeFile(join(temp.path, 'about.html'), '<!doctype html><html><head><title>About</title></head><body>no feed here</body></html>')
    const none = await runCli(['feed', 'lint', `${baseUrl()}about.html`])
    expect(none.code).toBe(1)
    expect(none.stdout).toBe('')
    expect(none.stderr).toBe(`seedcast: ${baseUrl()}about.html: not a podcast feed (it is an HTML page that names no feed) (give the feed's URL)\n`)
  })

  it('fails with one line on stderr for a feed that cannot be read', async () => {
    const result = await runCli(['feed', 'lint', join(temp.path, 'nope.xml')])
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe(`seedcast: ${join(temp.path, 'nope.xml')}: no such file or directory (check the path)\n`)
  })
})
