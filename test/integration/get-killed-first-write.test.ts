// `seedcast get` killed (kill -9) during its very first piece write leaves a file with no
// verified piece of the torrent. Run again, get takes that file over and completes it: its
// claim (.seedcast-get-<infohash>.json, written before any byte) says get created it. A file
// the claim does not cover (longer than the torrent's, or in a folder get never claimed) is
// still refused, as another show's episode.mp3 must be.
import { randomBytes } from 'node:crypto'
import { mkdir, open, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.js'
import { tempDir } from '../helpers/tmp.js'
import { makeTorrent, spawnGet, startWebSeed, stopProcess, waitUntil } from './get-helpers.js'

const PIECE = 32768

describe('seedcast get after a kill during its first piece write', () => {
  const cleanups: (() => Promise<void>)[] = []
  afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

  it('takes over the torn file it created, completes it byte for byte, and removes its claim', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const content = randomBytes(1024 * 1024)
    const source = join(tmp.path, 'episode.mp3')
    await writeFile(source, content)
    // The web seed takes requests but answers none until released: the first run is killed
    // with its claim written and no piece in.
    let release!: () => void
    const webSeed = await startWebSeed(source, 'episode.mp3', { holdUntil: new Promise<void>(resolve => { release = resolve }) })
    cleanups.push(webSeed.close)
    const torrentPath = join(tmp.path, 'episode.torrent')
    await makeTorrent(source, torrentPath, { webSeeds: [webSeed.url], pieceLength: PIECE })
    const out = join(tmp.path, 'out')
    await mkdir(out)

    const first = spawnGet([torrentPath, '-o', out])
    cleanups.push(() => stopProcess(first.child))
    await waitUntil(() => first.events.some(event => event.event === 'ready') && webSeed.requests.length > 0, 30_000, 'the first run to ask the web seed')
    const claims = (await readdir(out)).filter(name => name.startsWith('.seedcast-get-'))
    expect(claims).toHaveLength(1)
    expect(JSON.parse(await readFile(join(out, claims[0]!), 'utf8')).files).toEqual(['episode.mp3'])
    await stopProcess(first.child)
    // What the kill left of the first piece write: piece 7's first 20 000 bytes, the file
    // sparse before them (no piece verifies).
    const torn = await open(join(out, 'episode.mp3'), 'w')
    await torn.write(content.subarray(7 * PIECE, 7 * PIECE + 20_000), 0, 20_000, 7 * PIECE)
    await torn.close()

    release()
    const again = await runCli(['get', torrentPath, '-o', out, '--no-dht'], { timeoutMs: 60_000 })
    expect(again.code, again.stderr).toBe(0)
    expect(await readFile(join(out, 'episode.mp3'))).toEqual(content)
    expect(await readdir(out)).toEqual(['episode.mp3'])
  })

  it('leaves no claim behind when it fails before writing anything', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const source = join(tmp.path, 'episode.mp3')
    await writeFile(source, randomBytes(256 * 1024))
    // A web seed that never answers: the download stalls and gives up.
    const webSeed = await startWebSeed(source, 'episode.mp3', { holdUntil: new Promise<void>(() => {}) })
    cleanups.push(webSeed.close)
    const torrentPath = join(tmp.path, 'episode.torrent')
    await makeTorrent(source, torrentPath, { webSeeds: [webSeed.url], pieceLength: PIECE })
    const out = join(tmp.path, 'out')
    await mkdir(out)
    const result = await runCli(['get', torrentPath, '-o', out, '--no-dht', '--timeout', '2'], { timeoutMs: 60_000 })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^seedcast: download stalled/)
    expect(await readdir(out)).toEqual([])
  })

  it('still refuses a file its claim names when it is longer than the torrent\'s, and leaves it as it was', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const content = randomBytes(256 * 1024)
    const source = join(tmp.path, 'episode.mp3')
    await writeFile(source, content)
    const webSeed = await startWebSeed(source, 'episode.mp3')
    cleanups.push(webSeed.close)
    const torrentPath = join(tmp.path, 'episode.torrent')
    await makeTorrent(source, torrentPath, { webSeeds: [webSeed.url], pieceLength: PIECE })
    const out = join(tmp.path, 'out')
    await mkdir(out)
    const infoHash = (await runCli(['info', torrentPath, '--json'])).stdout.match(/"infoHash":\s*"([0-9a-f]{40})"/)![1]!
    await writeFile(join(out, `.seedcast-get-${infoHash}.json`), JSON.stringify({ infoHash, name: 'episode.mp3', files: ['episode.mp3'] }))
    const theirs = randomBytes(300 * 1024)
    await writeFile(join(out, 'episode.mp3'), theirs)
    const result = await runCli(['get', torrentPath, '-o', out, '--no-dht'], { timeoutMs: 60_000 })
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(`seedcast: ${join(out, 'episode.mp3')}: already exists and holds none of this torrent's data; not overwritten (move it away, or download into another folder (--output))\n`)
    expect(await readFile(join(out, 'episode.mp3'))).toEqual(theirs)
    expect(webSeed.requests.reduce((sum, request) => sum + request.bytes, 0)).toBe(0)
  })
})
