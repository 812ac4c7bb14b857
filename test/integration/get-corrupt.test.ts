// A peer serving corrupt pieces: the download still ends with the right bytes, and that
// peer is disconnected and banned (reported as hash-failure and peer-banned events).
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { within } from '../helpers/json-process.js'
import { tempDir } from '../helpers/tmp.js'
import { startTracker } from '../helpers/tracker.js'
import { makeTorrent, spawnGet, startAria2Seeder, startWebSeed, stopProcess, waitUntil } from './get-helpers.js'

describe('seedcast get with a corrupt peer', () => {
  const cleanups: (() => Promise<void>)[] = []
  afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

  it('bans the aria2c peer sending bad data and completes from the good web seed', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const tracker = await startTracker({ ws: false, interval: 1000 })
    cleanups.push(tracker.close)

    const good = randomBytes(1024 * 1024)
    const goodDir = join(tmp.path, 'good')
    const badDir = join(tmp.path, 'bad')
    await mkdir(goodDir)
    await mkdir(badDir)
    await writeFile(join(goodDir, 'episode.bin'), good)
    // Same size, different bytes in every piece: aria2c serves it unverified.
    const bad = Buffer.from(good)
    for (let offset = 0; offset < bad.length; offset += 4096) bad[offset] = bad[offset]! ^ 0xff
    await writeFile(join(badDir, 'episode.bin'), bad)

    // The web seed answers nothing until the corrupt peer is banned, so the download has to
    // meet that peer first, whatever the machine's load: pieces can come only from aria2c
    // (every one of them corrupt) until the ban, and only from the web seed after it.
    let openWebSeed!: () => void
    const webSeed = await startWebSeed(join(goodDir, 'episode.bin'), 'episode.bin', { holdUntil: new Promise<void>(resolve => { openWebSeed = resolve }) })
    cleanups.push(webSeed.close)
    const torrentPath = join(tmp.path, 'episode.torrent')
    await makeTorrent(join(goodDir, 'episode.bin'), torrentPath, { trackers: [tracker.httpUrl], webSeeds: [webSeed.url] })
    const corrupt = await startAria2Seeder(torrentPath, badDir, { unverified: true })
    cleanups.push(corrupt.stop)
    // Give aria2c its first announce, so the downloader meets it from the start.
    await waitUntil(() => tracker.server.torrents && Object.keys(tracker.server.torrents).length > 0, 10_000, 'aria2c to announce')

    const out = join(tmp.path, 'out')
    const get = spawnGet([torrentPath, '-o', out, '--timeout', '30'])
    cleanups.push(() => stopProcess(get.child))
    await waitUntil(() => get.events.some(event => event.event === 'peer-banned') || get.child.exitCode !== null, 30_000, 'the corrupt peer to be banned')
    expect(webSeed.bytesServed()).toBe(0)
    openWebSeed()
    const code = await within(get.exited, 60_000, 'get after the ban')
    expect(get.stderr()).toBe('')
    expect(code).toBe(0)
    expect(await readFile(join(out, 'episode.bin'))).toEqual(good)
    expect(webSeed.bytesServed()).toBeGreaterThanOrEqual(good.length)

    const failures = get.events.filter(event => event.event === 'hash-failure')
    const bans = get.events.filter(event => event.event === 'peer-banned')
    expect(failures.length).toBeGreaterThan(0)
    expect(bans).toHaveLength(1)
    expect(bans[0].address).toMatch(/^127\.0\.0\.1:\d+$/)
    expect(bans[0].failedPieces).toBeGreaterThan(0)
    const done = get.events.at(-1)
    expect(done).toMatchObject({ event: 'done', total: good.length })
    expect(done.hashFailures).toBe(failures.length)
    expect(done.bannedPeers).toHaveLength(1)
    // After the ban no more hash failures: every failure came before it in the event stream.
    const banIndex = get.events.indexOf(bans[0])
    expect(get.events.slice(banIndex).filter(event => event.event === 'hash-failure').length).toBeLessThanOrEqual(2)
  })
})
