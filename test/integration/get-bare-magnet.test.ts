// A magnet with no .torrent (no xs=, or one that cannot be had): its metadata can come only
// from peers, and a web seed (ws=) cannot send it. With no tracker get can use and the DHT
// off there is nobody to ask: get says so at once instead of waiting out --timeout (60 s by
// default) and then suggesting a tracker, and it names the web seed the listener could fetch.
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.js'
import { freePort } from '../helpers/ports.js'
import { startTracker } from '../helpers/tracker.js'
import { tempDir } from '../helpers/tmp.js'
import { fixtureMp3, jsonLines, startWebSeed } from './get-helpers.js'

const infoHash = 'c0ffee00'.repeat(5)
/** Longer than the runs may take: each must end by itself, long before its --timeout. */
const NEVER = '600'

describe('seedcast get with a magnet whose metadata no peer can be asked for', () => {
  const cleanups: Array<() => Promise<void>> = []
  afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

  async function folder (): Promise<string> {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    return tmp.path
  }

  it('with only a web seed (ws=) and --no-dht: one line naming the web seed, exit 1, no output folder made', async () => {
    const dir = await folder()
    const ws = 'http://127.0.0.1:9/media/episode.mp3'
    const out = join(dir, 'out')
    const result = await runCli(['get', `magnet:?xt=urn:btih:${infoHash}&dn=episode.mp3&ws=${encodeURIComponent(ws)}`, '-o', out, '--no-dht', '--timeout', NEVER], { timeoutMs: 60_000 })
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr.trim().split('\n')).toEqual([
      `seedcast: nowhere to find the metadata of ${infoHash}: the magnet link names no tracker (http or udp) and no .torrent (xs=), and the DHT is off ` +
      `(its web seed (ws=) serves the file but not the metadata: give the .torrent, download ${ws} over HTTP, add a tracker with --tracker, or turn the DHT on)`
    ])
    expect(await readdir(dir)).toEqual([])
  })

  it('counts a seedcast show\'s ws:// tracker (for browsers) as none, and a dead xs= as no .torrent: the error, with --json', async () => {
    const dir = await folder()
    const webSeed = await startWebSeed(fixtureMp3, 'episode.mp3')
    cleanups.push(webSeed.close)
    const magnet = `magnet:?xt=urn:btih:${infoHash}&tr=${encodeURIComponent(`ws://127.0.0.1:${await freePort()}/announce`)}` +
      `&ws=${encodeURIComponent(webSeed.url)}&xs=${encodeURIComponent(`${webSeed.origin}/torrents/missing.torrent`)}`
    const result = await runCli(['get', magnet, '-o', join(dir, 'out'), '--no-dht', '--timeout', NEVER, '--json'], { timeoutMs: 60_000 })
    expect(result.code).toBe(1)
    const lines = jsonLines(result.stdout)
    expect(lines[0]).toMatchObject({ event: 'started', source: 'magnet', infoHash })
    expect(lines[1]).toMatchObject({ event: 'warning', kind: 'source', message: expect.stringMatching(/could not use the magnet's \.torrent \(xs\): cannot fetch .*missing\.torrent: HTTP 404/) })
    expect(lines.at(-1)).toEqual({ error: expect.objectContaining({ code: 'ENOSOURCE', exitCode: 1, hint: expect.stringContaining(`download ${webSeed.url} over HTTP`) }) })
    expect(lines).toHaveLength(3)
    // Only the .torrent was asked for: the media is not read for metadata it does not hold.
    expect(webSeed.requests.map(request => request.url)).toEqual(['/torrents/missing.torrent'])
  })

  it('with a tracker that knows no peer, waits --timeout and says why the web seed did not help', async () => {
    const dir = await folder()
    const tracker = await startTracker({ ws: false })
    cleanups.push(tracker.close)
    const ws = 'http://127.0.0.1:9/media/episode.mp3'
    const magnet = `magnet:?xt=urn:btih:${infoHash}&tr=${encodeURIComponent(tracker.httpUrl)}&ws=${encodeURIComponent(ws)}`
    const result = await runCli(['get', magnet, '-o', join(dir, 'out'), '--no-dht', '--timeout', '2', '--json'], { timeoutMs: 60_000 })
    expect(result.code).toBe(1)
    expect(jsonLines(result.stdout).at(-1)).toEqual({
      error: expect.objectContaining({ code: 'ENOPEERS', message: `no peers found for ${infoHash} within 2 s`, hint: `its web seed (ws=) serves the file but not the metadata: give the .torrent, or download ${ws} over HTTP` })
    })
  })
})
