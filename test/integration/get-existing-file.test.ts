// A file by the torrent's name already in the download folder: `seedcast get` resumes a
// partial download of this torrent, and leaves alone a file that only shares the name
// (another show's episode.mp3), which downloading would have overwritten piece by piece.
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.js'
import { tempDir } from '../helpers/tmp.js'
import { makeTorrent, spawnGet, startWebSeed, stopProcess } from './get-helpers.js'

describe('seedcast get with a file of that name already there', () => {
  const cleanups: (() => Promise<void>)[] = []
  afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

  async function episodeBehindWebSeed () {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const content = randomBytes(1024 * 1024)
    const source = join(tmp.path, 'episode.mp3')
    await writeFile(source, content)
    const webSeed = await startWebSeed(source, 'episode.mp3')
    cleanups.push(webSeed.close)
    const torrentPath = join(tmp.path, 'episode.torrent')
    await makeTorrent(source, torrentPath, { webSeeds: [webSeed.url], pieceLength: 32768 })
    const out = join(tmp.path, 'out')
    await mkdir(out)
    return { content, webSeed, torrentPath, out }
  }

  it('refuses, in one line, to overwrite a file that holds none of the torrent, and leaves it as it was', async () => {
    const { webSeed, torrentPath, out } = await episodeBehindWebSeed()
    const theirs = randomBytes(700 * 1024)
    await writeFile(join(out, 'episode.mp3'), theirs)
    const result = await runCli(['get', torrentPath, '-o', out, '--no-dht'])
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(`seedcast: ${join(out, 'episode.mp3')}: already exists and holds none of this torrent's data; not overwritten (move it away, or download into another folder (--output))\n`)
    expect(await readFile(join(out, 'episode.mp3'))).toEqual(theirs)
    expect(webSeed.requests.reduce((sum, request) => sum + request.bytes, 0)).toBe(0)
    // --json: the error object, code EEXIST.
    const json = spawnGet([torrentPath, '-o', out])
    cleanups.push(() => stopProcess(json.child))
    expect(await json.exited).toBe(1)
    expect(json.events.at(-1)).toMatchObject({ error: { code: 'EEXIST', exitCode: 1 } })
    expect(await readFile(join(out, 'episode.mp3'))).toEqual(theirs)
  })

  it('resumes a file that holds part of the torrent, and completes it byte for byte', async () => {
    const { content, webSeed, torrentPath, out } = await episodeBehindWebSeed()
    // The first 12 pieces and a half, as a cut download may leave it, the rest missing.
    await writeFile(join(out, 'episode.mp3'), content.subarray(0, 12.5 * 32768))
    const run = spawnGet([torrentPath, '-o', out])
    cleanups.push(() => stopProcess(run.child))
    expect(await run.exited, run.stderr()).toBe(0)
    expect(await readFile(join(out, 'episode.mp3'))).toEqual(content)
    expect(run.events.find(event => event.event === 'ready').haveBytes).toBe(12 * 32768)
    expect(webSeed.requests.reduce((sum, request) => sum + request.bytes, 0)).toBeLessThanOrEqual(content.length - 12 * 32768 + 2 * 32768)
  })

  it('says a file already complete is so, verified and with nothing received, in text and in --json', async () => {
    const { content, webSeed, torrentPath, out } = await episodeBehindWebSeed()
    await writeFile(join(out, 'episode.mp3'), content)
    const text = await runCli(['get', torrentPath, '-o', out, '--no-dht'], { timeoutMs: 60_000 })
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout.replace(/in \d+\.\d s/, 'in N s')).toBe(`episode.mp3: already complete in ${out} (1 MiB verified in N s, nothing downloaded)\n`)

    const json = spawnGet([torrentPath, '-o', out])
    cleanups.push(() => stopProcess(json.child))
    expect(await json.exited, json.stderr()).toBe(0)
    // WebTorrent makes up a handshake and a bitfield for each web seed: they were counted as 111 bytes received.
    expect(json.events.at(-1)).toMatchObject({ event: 'done', total: content.length, resumedBytes: content.length, received: 0, alreadyComplete: true })
    expect(json.events.filter(event => event.event === 'progress' && event.received !== 0)).toEqual([])
    expect(webSeed.requests.reduce((sum, request) => sum + request.bytes, 0)).toBe(0)
    expect(await readFile(join(out, 'episode.mp3'))).toEqual(content)
  })

  it('reports piece data only as received when it resumes (not alreadyComplete)', async () => {
    const { content, torrentPath, out } = await episodeBehindWebSeed()
    await writeFile(join(out, 'episode.mp3'), content.subarray(0, 30 * 32768))
    const run = spawnGet([torrentPath, '-o', out])
    cleanups.push(() => stopProcess(run.child))
    expect(await run.exited, run.stderr()).toBe(0)
    expect(run.events.at(-1)).toMatchObject({ event: 'done', resumedBytes: 30 * 32768, received: content.length - 30 * 32768, alreadyComplete: false })
  })
})
