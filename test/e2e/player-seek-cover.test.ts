import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { launchChromium } from '../helpers/chromium.ts'
import { expectEpisodeBytes, openPlayer, play, waitForTime } from './player-page.ts'
import { makePlayerShow, serveShow, type Cleanups, type PlayerShow } from './player-site.ts'
import { testListenerContext } from './test-context.ts'

// A real podcast's MP3 starts with an ID3v2 tag holding its artwork, often hundreds of kB.
// Chromium places a seek target within the audio after the tag, so the byte the element asks
// for is the tag's length on from the time-proportional one, less that fraction of it. The
// seek's early read (the service worker's, see WorkerRead) must start at the element's byte
// all the same, else the element's request misses it and waits for a second HTTP round trip.
// No seeder: every byte is the web seed's. Real Chromium on two shared cores: bounded at 3 min.
describe('player seeking in an MP3 with a large cover picture', { timeout: 180_000 }, () => {
  const cleanups: Cleanups = []
  let browser: Browser
  let show: PlayerShow
  const coverBytes = 1_000_000

  beforeAll(async () => {
    // Ten minutes at 64 kb/s: the target lies beyond what the first reads and read-ahead hold.
    show = await makePlayerShow([{ seconds: 600, coverTagBytes: coverBytes }], cleanups, 64)
    await serveShow(show, false, cleanups)
    browser = await launchChromium()
    cleanups.push(() => browser.close())
  }, 120_000)
  afterAll(async () => { for (const cleanup of cleanups.reverse()) await cleanup() }, 60_000)

  it('reads the seek target the element asks for, past the tag, and plays the episode\'s audio from there', async () => {
    const { media, episode } = show
    // The fixture is what this test is about: an ID3v2 tag (the PNG compresses a little) so
    // large that half of it is more than a seek read's 256 kB.
    expect(media.subarray(0, 3).toString('latin1')).toBe('ID3')
    const tagLength = 10 + ((media[6]! << 21) | (media[7]! << 14) | (media[8]! << 7) | media[9]!)
    expect(tagLength).toBeGreaterThan(coverBytes * 0.8)
    // Closed when this test ends, passed or failed: an open page would go on sharing.
    const context = await testListenerContext(browser, show.origin)
    await context.addInitScript(() => { (window as any).seedcastTrace = [] })
    const page = await context.newPage()
    await openPlayer(page, show.pageUrl)
    await play(page)
    await waitForTime(page, 0)
    // The page reads the tag's length from the file's first bytes (the worker's first read
    // posts them as the element starts): known by now, and right.
    await page.waitForFunction(() => (window as any).seedcast.players[0].debug().audioStart() !== undefined, null, { timeout: 10_000 })
    expect(await page.evaluate(() => (window as any).seedcast.players[0].debug().audioStart() as number)).toBe(tagLength)
    // Half-way: the element's byte lies half the tag past the time-proportional byte of the
    // whole file, more than a seek read's length (the time-proportional guess misses it).
    const target = episode.duration * 0.5
    await page.evaluate(t => { document.querySelector('audio')!.currentTime = t }, target)
    expect(await waitForTime(page, target + 1)).toBeGreaterThan(target + 1)
    const events = await page.evaluate(() => (window as any).seedcastTrace as Array<{ what: string, detail: any }>)
    const start = events.find(e => e.what === 'worker-read-start')?.detail as { first: number, last: number } | undefined
    expect(start).toBeDefined()
    // The worker handed the element its first bytes after the seek from that read: the
    // element's request started within it.
    const handed = events.filter(e => e.what === 'worker-chunk').map(e => e.detail as { first: number, pieces: number })
      .filter(chunk => chunk.first >= start!.first)
    // (A failure lists the seek's own events: where the page started the read, what the element asked.)
    const seekEvents = events.filter(e => ['seeking', 'seek-decision', 'worker-read-start', 'worker-asks', 'answer'].includes(e.what)).map(e => [e.what, e.detail])
    expect(handed.length, JSON.stringify(seekEvents)).toBeGreaterThan(0)
    expect(handed[0]!.first).toBeLessThanOrEqual(start!.last)
    // Where the audio after the tag puts half-way: the element's piece is near it, not near the file's middle.
    const audioPiece = Math.floor((tagLength + (episode.length - tagLength) * 0.5) / episode.pieceLength)
    expect(Math.abs(handed[0]!.first - audioPiece)).toBeLessThanOrEqual(4)
    const delivered = await expectEpisodeBytes(page, show)
    expect(delivered).toContain(handed[0]!.first)
  })
})
