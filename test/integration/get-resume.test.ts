// kill -9 in the middle of a download, then the same command again: the pieces verified
// before the kill are not fetched again, and the result is byte-identical.
import { randomBytes } from 'node:crypto'
import { readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/tmp.js'
import { makeTorrent, spawnGet, startWebSeed, stopProcess, waitUntil } from './get-helpers.js'

describe('seedcast get resumes after kill -9', () => {
  const cleanups: (() => Promise<void>)[] = []
  afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

  /** Random content behind a slow web seed (8 connections x 64 KiB/s), so a kill lands mid-download. */
  async function slowDownload (total: number) {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const content = randomBytes(total)
    const source = join(tmp.path, 'episode.bin')
    await writeFile(source, content)
    const webSeed = await startWebSeed(source, 'episode.bin', { bytesPerSecond: 64 * 1024 })
    cleanups.push(webSeed.close)
    const torrentPath = join(tmp.path, 'episode.torrent')
    await makeTorrent(source, torrentPath, { webSeeds: [webSeed.url], pieceLength: 32768 })
    return { content, webSeed, torrentPath, out: join(tmp.path, 'out') }
  }

  it('fetches only the missing pieces on the second run', async () => {
    const total = 4 * 1024 * 1024
    const { content, webSeed, torrentPath, out } = await slowDownload(total)

    const first = spawnGet([torrentPath, '-o', out, '--timeout', '30'])
    cleanups.push(() => stopProcess(first.child))
    const progressed = () => first.events.filter(event => event.event === 'progress').at(-1)?.downloaded ?? 0
    await waitUntil(() => progressed() > total * 0.3, 30_000, 'a third of the download')
    first.child.kill('SIGKILL')
    await first.exited
    expect(first.events.some(event => event.event === 'done')).toBe(false)
    expect((await stat(join(out, 'episode.bin'))).isFile()).toBe(true)

    webSeed.setRate(undefined)
    const requestsBefore = webSeed.requests.length
    const second = spawnGet([torrentPath, '-o', out, '--timeout', '30'])
    cleanups.push(() => stopProcess(second.child))
    expect(await second.exited).toBe(0)
    expect(second.stderr()).toBe('')
    expect(await readFile(join(out, 'episode.bin'))).toEqual(content)

    const ready = second.events.find(event => event.event === 'ready')
    const done = second.events.at(-1)
    expect(done).toMatchObject({ event: 'done', total })
    // What the first run had verified was found on disk...
    expect(ready.haveBytes).toBeGreaterThan(total * 0.2)
    expect(done.resumedBytes).toBe(ready.haveBytes)
    // ...and only the rest was fetched, counted by the web seed (bytes of the responses of
    // the second run) and by webtorrent (which may not have counted the very last piece
    // when 'done' fires): the missing part, plus at most a few pieces of slack.
    const servedToSecond = webSeed.requests.slice(requestsBefore).reduce((sum, request) => sum + request.bytes, 0)
    expect(servedToSecond).toBeGreaterThanOrEqual(ready.missingBytes)
    expect(servedToSecond).toBeLessThanOrEqual(ready.missingBytes + 8 * 32768)
    expect(done.received).toBeLessThan(total - total * 0.2)
    expect(Math.abs(done.received - ready.missingBytes)).toBeLessThanOrEqual(8 * 32768)
  })

  it('stops on SIGINT with exit 130, and the next run keeps what was verified', async () => {
    const { content, webSeed, torrentPath, out } = await slowDownload(2 * 1024 * 1024)

    const first = spawnGet([torrentPath, '-o', out, '--timeout', '30'])
    cleanups.push(() => stopProcess(first.child))
    await waitUntil(() => (first.events.filter(event => event.event === 'progress').at(-1)?.downloaded ?? 0) > 0, 30_000, 'the first verified piece')
    first.child.kill('SIGINT')
    expect(await first.exited).toBe(130)
    expect(first.events.at(-1)).toMatchObject({ error: { code: 'EINTR', message: 'interrupted', exitCode: 130 } })

    webSeed.setRate(undefined)
    const second = spawnGet([torrentPath, '-o', out, '--timeout', '30'])
    cleanups.push(() => stopProcess(second.child))
    expect(await second.exited).toBe(0)
    expect(second.events.find(event => event.event === 'ready').haveBytes).toBeGreaterThan(0)
    expect(await readFile(join(out, 'episode.bin'))).toEqual(content)
  })
})
