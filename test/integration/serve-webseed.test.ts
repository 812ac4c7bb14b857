// The served show works for real clients: aria2c downloads an episode from the web seed
// alone (the .torrent's url-list is the served media URL; no tracker, no DHT, no peer),
// and `seedcast feed lint --media` checks the served feeds against the served media.
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveShows, type RunningServer } from '../../src/server/serve.js'
import type { Catalog } from '../../src/model/show.js'
import { inspectTorrent } from '../../src/torrent/inspect.js'
import { runCli, runCliJson } from '../helpers/cli.js'
import { aria2Download } from '../helpers/aria2.js'
import { tempDir } from '../helpers/tmp.js'
import { freePort } from '../helpers/ports.js'
import { fixture, makePublishedShow } from './serve-helpers.js'

let tmp: Awaited<ReturnType<typeof tempDir>>
let running: RunningServer
let showDir: string
let catalog: Catalog

beforeAll(async () => {
  tmp = await tempDir('seedcast-serve-webseed-')
  showDir = join(tmp.path, 'show')
  const port = await freePort()
  await makePublishedShow(showDir, `http://127.0.0.1:${port}/pod/`, ['episode.mp3', 'video.mp4'])
  catalog = JSON.parse(await readFile(join(showDir, 'episodes.json'), 'utf8')) as Catalog
  running = await serveShows({ shows: [showDir], port, host: '127.0.0.1' })
})

afterAll(async () => {
  await running?.close()
  await tmp?.cleanup()
})


describe('a served show with real clients', () => {
  it('publishes for this server: no warning, the torrent names the served media URL as its web seed', async () => {
    expect(running.warnings).toEqual([])
    const episode = catalog.episodes.find(e => e.mediaPath.endsWith('.mp3'))!
    const info = inspectTorrent(join(showDir, 'public', episode.torrentPath))
    expect(info.webSeeds).toEqual([`${running.url}pod/${episode.mediaPath}`])
    // No tracker: with DHT, LSD and PEX off, the web seed is aria2c's only source below.
    expect(info.announce).toEqual([])
  })

  it('aria2c downloads an episode from the web seed alone and the bytes match', async () => {
    const episode = catalog.episodes.find(e => e.mediaPath.endsWith('.mp3'))!
    // The .torrent as a client gets it: over HTTP from the server.
    const torrentUrl = `${running.url}pod/${episode.torrentPath}`
    const torrentResponse = await fetch(torrentUrl)
    expect(torrentResponse.headers.get('content-type')).toBe('application/x-bittorrent')
    const torrentFile = join(tmp.path, 'episode.torrent')
    await writeFile(torrentFile, Buffer.from(await torrentResponse.arrayBuffer()))
    const out = join(tmp.path, 'aria2')
    const aria = await aria2Download(torrentFile, out, 45_000)
    expect(aria.code, aria.output).toBe(0)
    const downloaded = await readFile(join(out, episode.mediaPath.split('/').pop()!))
    expect(downloaded.equals(await readFile(join(showDir, 'public', episode.mediaPath)))).toBe(true)
    expect(downloaded.length).toBe((await readFile(fixture('episode.mp3'))).length)
  })

  it('seedcast get downloads the video from the p2p.xml magnet (xs= .torrent, ws= web seed) served here', async () => {
    const episode = catalog.episodes.find(e => e.mediaPath.endsWith('.mp4'))!
    const p2p = await (await fetch(`${running.url}pod/p2p.xml`)).text()
    const magnet = [...p2p.matchAll(/<enclosure url="(magnet:[^"]+)"/g)].map(match => match[1]!.replaceAll('&amp;', '&')).find(link => link.includes(episode.infoHash))!
    expect(magnet).toContain(`ws=${encodeURIComponent(`${running.url}pod/${episode.mediaPath}`)}`)
    const out = join(tmp.path, 'get')
    const result = await runCli(['get', magnet, '-o', out, '--no-dht', '--timeout', '20'])
    expect(result.code, result.stderr).toBe(0)
    const downloaded = await readFile(join(out, episode.mediaPath.split('/').pop()!))
    expect(downloaded.equals(await readFile(join(showDir, 'public', episode.mediaPath)))).toBe(true)
  })

  it('seedcast feed lint --media passes on the served rss.xml and p2p.xml', async () => {
    for (const feed of ['rss.xml', 'p2p.xml']) {
      const { result, json } = await runCliJson<{ ok: boolean, errors: number, findings: Array<{ level: string, element: string, message: string }> }>(
        ['feed', 'lint', `${running.url}pod/${feed}`, '--media', '--timeout', '20'])
      expect(result.code, `${feed}: ${result.stdout} ${result.stderr}`).toBe(0)
      expect(json.ok, JSON.stringify(json.findings)).toBe(true)
      expect(json.errors).toBe(0)
    }
    const text = await runCli(['feed', 'lint', `${running.url}pod/rss.xml`, '--media'])
    expect(text.code, text.stdout + text.stderr).toBe(0)
    expect(text.stdout).toContain(`${running.url}pod/rss.xml`)
  })
})
