import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { launchChromium } from '../helpers/chromium.ts'
import { startCorruptingProxy } from './corrupting-proxy.ts'
import { deliveredPieces, expectEpisodeBytes, openPlayer, play, playBounded, stats, waitForTime } from './player-page.ts'
import { makePlayerShow, serveShow, type Cleanups, type PlayerShow } from './player-site.ts'
import { testListenerContext } from './test-context.ts'

// Chromium tests 3 (web seed only) and 5 (seek to 80 %): no seeder, so every byte is the web
// seed's, SHA-1 checked by the player before the element gets it.
// Real Chromium, WebRTC and servers on two shared cores: each test is bounded at 3 min.
describe('player without peers', { timeout: 180_000 }, () => {
  const cleanups: Cleanups = []
  let browser: Browser
  let show: PlayerShow

  beforeAll(async () => {
    show = await makePlayerShow(180, cleanups)
    await serveShow(show, false, cleanups)
    browser = await launchChromium()
    cleanups.push(() => browser.close())
  }, 120_000)
  afterAll(async () => { for (const cleanup of cleanups.reverse()) await cleanup() }, 60_000)

  it('plays from the web seed, every delivered piece being the episode\'s', async () => {
    const context = await testListenerContext(browser, show.origin)
    const page = await context.newPage()
    expect(await openPlayer(page, show.pageUrl)).toBe('ready')
    await play(page)
    await waitForTime(page, 1)
    const s = await stats(page)
    expect(s.fromHttp).toBeGreaterThan(0)
    expect(s.fromPeers).toBe(0)
    expect(s.rejected).toBe(0)
    expect((await expectEpisodeBytes(page, show))[0]).toBe(0)
  })

  it('seeks to 80 % and plays on from there, leaving the old position\'s reads behind', async () => {
    // Closed when this test ends, passed or failed: a page left open goes on sharing what it
    // holds, right pieces among them, with the next tests' pages (one failure here made the
    // bad-web-seed test below fail too, its page getting the bad piece right from this one).
    const context = await testListenerContext(browser, show.origin)
    // The page's own web-seed reads, with the time each started and whether it was aborted
    // (the element's go through the worker).
    await context.addInitScript(() => {
      const reads: Array<{ at: number, range: string, aborted: boolean }> = []
      ;(window as any).webSeedReads = reads
      ;(window as any).seedcastTrace = []
      const fetchOriginal = window.fetch.bind(window)
      window.fetch = (input, init) => {
        const range = new Headers(init?.headers).get('range')
        if (range && String(input).includes('/media/')) {
          const read = { at: performance.now(), range, aborted: false }
          reads.push(read)
          init?.signal?.addEventListener('abort', () => { read.aborted = true })
        }
        return fetchOriginal(input, init)
      }
    })
    const page = await context.newPage()
    await openPlayer(page, show.pageUrl)
    await play(page)
    await waitForTime(page, 0)
    const deliveredBeforeSeek = await page.evaluate(() => (window as any).seedcast.players[0].debug().delivered() as number[])
    const target = show.episode.duration * 0.8
    // The element fires 'seeking' in a later task than the one setting currentTime; the player
    // learns of the seek then, so a read it began in between (the next read-ahead from the
    // start, under load) is not one the seek left behind. This listener, added after the
    // player's, runs once the player has handled the seek: reads from then on count.
    const seekAt = await page.evaluate(t => {
      const media = document.querySelector('audio')!
      const seen = new Promise<number>(resolve => media.addEventListener('seeking', () => resolve(performance.now()), { once: true }))
      media.currentTime = t
      return seen
    }, target)
    const reached = await waitForTime(page, target + 1)
    expect(reached).toBeGreaterThan(target + 1)
    const delivered = (await deliveredPieces(page)).map(p => p.index)
    const targetByte = show.episode.length * 0.8
    const targetPiece = Math.floor(targetByte / show.episode.pieceLength)
    expect(delivered.some(index => Math.abs(index - targetPiece) <= 2)).toBe(true)
    // After the seek no HTTP read starts far behind the new position: the element's old
    // response, still read for a moment, no longer pulls the web seed (HTTP egress as a plain
    // element's). The first reads were from the start, so this can fail: the worker's (the
    // element's first request: FirstRead in web/player/sw-protocol.ts, not seen here), then the
    // page's, from where the worker's ended, if the element read on past it before the seek.
    expect(deliveredBeforeSeek).toContain(0)
    // The worker makes both the first read and the seek's (FirstRead, WorkerRead), so the page's
    // own first read may come only once the element reads past the seek's 256 kB: wait for one
    // answered, so that the checks below always have reads of the page's to look at (one run
    // in four had none yet at this point).
    await page.waitForFunction(() => performance.getEntriesByType('resource')
      .some(entry => (entry as PerformanceResourceTiming).initiatorType === 'fetch' && entry.name.includes('/media/') && (entry as PerformanceResourceTiming).responseStart > 0), null, { timeout: 30_000 })
    const reads = await page.evaluate(() => (window as any).webSeedReads as Array<{ at: number, range: string, aborted: boolean }>)
    const startOf = (range: string) => Number(/^bytes=(\d+)-/.exec(range)![1])
    const after = reads.filter(read => read.at >= seekAt).map(read => startOf(read.range))
    // The seek's own read is the service worker's (WorkerRead in web/player/sw-protocol.ts),
    // asked by the page, which the page's reads follow once the element reads past it.
    const events = await page.evaluate(() => (window as any).seedcastTrace as Array<{ what: string, detail: any }>)
    const workerReads = events.filter(e => e.what === 'worker-read-start').map(e => (e.detail as { first: number }).first * show.episode.pieceLength)
    expect(after.length + workerReads.length).toBeGreaterThan(0)
    expect(workerReads.filter(start => start < targetByte - 1024 * 1024)).toEqual([])
    // (Listed with their start times beside seekAt's, so a failure shows which side they fell.)
    expect(reads.filter(read => read.at >= seekAt && startOf(read.range) < targetByte - 1024 * 1024).map(read => ({ ...read, seekAt }))).toEqual([])
    // The page's own reads went straight to the network, never through the worker, which
    // only serves the element (its static routes): no wait for the worker's thread. Chromium
    // reports the route with the response, so a read aborted before its answer came (those
    // the seek left behind, under load) has an entry with no route, no status and no bytes:
    // only the answered ones show theirs, and the rest are the reads the page aborted. (Before,
    // one run in seven failed on such an entry.) A read answered through the worker's fetch
    // handler, the slow path this guards against, would show 'fetch-event' or no route.
    const entries = await page.evaluate(() => (performance.getEntriesByType('resource') as Array<PerformanceResourceTiming & { workerMatchedSourceType?: string, responseStatus?: number }>)
      .filter(entry => entry.initiatorType === 'fetch' && entry.name.includes('/media/'))
      .map(entry => ({ route: entry.workerMatchedSourceType, status: entry.responseStatus ?? 0, answered: entry.responseStart > 0 })))
    const answered = entries.filter(entry => entry.answered)
    expect(answered.length).toBeGreaterThan(0)
    expect(new Set(answered.map(entry => entry.route))).toEqual(new Set(['network']))
    const unanswered = entries.filter(entry => !entry.answered)
    expect(unanswered.every(entry => entry.status === 0)).toBe(true)
    expect(unanswered.length).toBeLessThanOrEqual(reads.filter(read => read.aborted).length)
  })

  it('seeks with the service worker reading the new position, which never hands the element a wrong piece of a bad web seed', async () => {
    // The seek's read is the worker's (WorkerRead in web/player/sw-protocol.ts): it answers the
    // element from it, each piece checked first. A piece 3 past the target comes wrong: the
    // worker stops there, the element got the pieces before it, the page reads it itself
    // (and rejects it too: with no seeder, playback stops at it).
    const { pieceLength, length, duration } = show.episode
    const targetPiece = Math.floor(length * 0.8 / pieceLength)
    const badPiece = targetPiece + 3
    const proxy = await startCorruptingProxy(show.port, [[badPiece * pieceLength + 100, badPiece * pieceLength + 200]])
    cleanups.push(proxy.close)
    const context = await testListenerContext(browser, proxy.origin)
    await context.addInitScript(() => { (window as any).seedcastTrace = [] })
    const page = await context.newPage()
    await openPlayer(page, `${proxy.origin}${new URL(show.pageUrl).pathname}`)
    await play(page)
    await waitForTime(page, 0)
    await page.evaluate(t => { document.querySelector('audio')!.currentTime = t }, duration * 0.8)
    expect(await waitForTime(page, duration * 0.8 + 1)).toBeGreaterThan(duration * 0.8 + 1)
    const events = await page.evaluate(() => (window as any).seedcastTrace as Array<{ what: string, detail: any }>)
    const start = events.find(e => e.what === 'worker-read-start')?.detail as { id: number, first: number, last: number }
    expect(start.first).toBeLessThanOrEqual(targetPiece)
    expect(start.last).toBeGreaterThan(badPiece)
    // The worker's pieces, up to the wrong one, and its word that the read ended there.
    const read = events.filter(e => e.what === 'worker-read' && e.detail.id === start.id).map(e => e.detail as { first: number, pieces: number, failed?: boolean })
    expect(read.at(-1)).toMatchObject({ first: badPiece, pieces: 0, failed: true })
    expect(read.reduce((sum, part) => sum + part.pieces, 0)).toBe(badPiece - start.first)
    const handed = events.filter(e => e.what === 'worker-chunk').map(e => e.detail as { first: number, pieces: number })
    expect(handed.length).toBeGreaterThan(0)
    expect(Math.max(...handed.map(chunk => chunk.first + chunk.pieces - 1))).toBeLessThan(badPiece)
    const delivered = await expectEpisodeBytes(page, show)
    expect(delivered).toContain(targetPiece)
    expect(delivered).not.toContain(badPiece)
    expect((await stats(page)).rejected).toBeGreaterThanOrEqual(1)
  })

  it('keeps its in-memory store within its bound on an episode larger than it, and plays back into what it evicted', async () => {
    const bound = 1_000_000
    expect(show.episode.length).toBeGreaterThan(2 * bound)
    const context = await testListenerContext(browser, show.origin)
    const { duration } = show.episode
    const page = await playBounded(context, show.pageUrl, bound, duration, 60_000)
    const played = await stats(page)
    expect(played.storeMaxBytes).toBe(bound)
    // The most it ever held (counted after each eviction), and what it had to give up for that.
    expect(played.storePeakBytes).toBeLessThanOrEqual(bound)
    expect(played.evicted).toBeGreaterThan(0)
    expect(played.fromHttp).toBeGreaterThan(bound)
    expect(played.rejected).toBe(0)
    // Back to 10 %, whose pieces were evicted: it plays on from there.
    await page.evaluate(t => { const audio = document.querySelector('audio')!; audio.playbackRate = 1; audio.currentTime = t }, duration * 0.1)
    expect(await waitForTime(page, duration * 0.1 + 1)).toBeLessThan(duration * 0.5)
    const back = await stats(page)
    expect(back.storePeakBytes).toBeLessThanOrEqual(bound)
    // What it still holds is the episode's (the element may replay 10 % from its own media
    // cache rather than ask for it again: Chromium keeps what it read of a small file).
    await expectEpisodeBytes(page, show)
  })
})
