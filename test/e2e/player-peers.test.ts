import { copyFile, mkdir, open } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { launchChromium } from '../helpers/chromium.ts'
import { startJsonProcess, waitForLines, within } from '../helpers/json-process.ts'
import { binPath } from '../helpers/cli.ts'
import { expectEpisodeBytes, openPlayer, play, playBounded, shareSwitch, stats, waitForAllPieces, waitForTime } from './player-page.ts'
import { makePlayerShow, seedShow, serveShow, type Cleanups, type PlayerShow } from './player-site.ts'
import { testListenerContext } from './test-context.ts'

const isMedia = (url: URL): boolean => url.pathname.startsWith('/media/')

/** A listener whose every web-seed answer takes 2 s to start: peers, when there are any, carry most of the episode. Closed when the running test ends. */
async function slowWebSeedListener (browser: Browser, show: PlayerShow) {
  const context = await testListenerContext(browser, show.origin)
  await context.route(isMedia, async route => {
    await new Promise(resolve => setTimeout(resolve, 2_000))
    await route.continue().catch(() => {})
  })
  return context
}

/**
 * The page of a listener that took the whole episode from `seedcast seed` over WebRTC (its
 * HTTP requests for the media aborted; peers may prefetch freely), the seeder then stopped:
 * from now on the only peer holding the episode is this tab. Closed when the running test ends.
 */
async function listenerHoldingAll (browser: Browser, show: PlayerShow, cleanups: Cleanups) {
  const seed = await seedShow(show, cleanups)
  const context = await testListenerContext(browser, show.origin)
  await context.route(isMedia, route => route.abort())
  const page = await context.newPage()
  await openPlayer(page, show.pageUrl)
  await play(page, 4)
  await waitForAllPieces(page)
  seed.child.kill('SIGTERM')
  await within(seed.exited, 20_000, 'seed stop')
  return page
}

// Chromium tests 2 (peers only) and 6 (a listener shares with the next one), the share
// switch, and two listeners joining at the same moment (the WebRTC glare tie-break).
// Real Chromium, WebRTC and servers on two shared cores: each test is bounded at 3 min.
describe('player with peers', { timeout: 180_000 }, () => {
  const cleanups: Cleanups = []
  let browser: Browser

  beforeAll(async () => {
    browser = await launchChromium()
    cleanups.push(() => browser.close())
  }, 120_000)
  afterAll(async () => { for (const cleanup of cleanups.reverse()) await cleanup() }, 60_000)

  it('plays from `serve --seed` over WebRTC with every HTTP request for the media aborted', async () => {
    const show = await makePlayerShow(40, cleanups)
    const serve = await serveShow(show, true, cleanups)
    const context = await testListenerContext(browser, show.origin)
    let aborted = 0
    await context.route(isMedia, route => { aborted++; return route.abort() })
    const page = await context.newPage()
    const warnings: string[] = []
    page.on('console', message => { if (message.text().startsWith('seedcast:')) warnings.push(message.text()) })
    expect(await openPlayer(page, show.pageUrl)).toBe('ready')
    await play(page)
    await waitForTime(page, 2, 45_000)
    const s = await stats(page)
    // The WebTorrent bundle we ship has every private member the player's fast paths reach
    // (web/player/bundle-internals.ts): an update that drops one fails here.
    const features = await page.evaluate(() => (window as any).seedcast.players[0].debug().bundleFeatures as Array<{ feature: string, on: boolean, missing: string[] }>)
    expect(features.map(({ feature, on, missing }) => ({ feature, on, missing }))).toEqual([
      { feature: 'WebRTC glare tie-break', on: true, missing: [] },
      { feature: 'web-seed pieces shared with peers', on: true, missing: [] },
      { feature: 'tracker asked again without peers', on: true, missing: [] }
    ])
    expect(warnings).toEqual([])
    expect(aborted).toBeGreaterThan(0)
    expect(s.fromHttp).toBe(0)
    expect(s.fromPeers).toBeGreaterThan(0)
    expect(s.peers).toBeGreaterThan(0)
    await expectEpisodeBytes(page, show)
    await context.close()
    // The seeder's own count: what it sent is at least what the listener kept from peers.
    serve.child.kill('SIGTERM')
    await within(serve.exited, 20_000, 'serve stop')
    const stopped = serve.lines.find(line => line.event === 'stopped')
    expect(stopped?.uploaded).toBeGreaterThanOrEqual(s.fromPeers)
  })

  it('with its store bounded below the episode, plays it from the seeder alone: peers fetch a window that follows the play position', async () => {
    const bound = 1_000_000
    const show = await makePlayerShow(180, cleanups)
    expect(show.episode.length).toBeGreaterThan(2 * bound)
    await serveShow(show, true, cleanups)
    const context = await testListenerContext(browser, show.origin)
    await context.route(isMedia, route => route.abort())
    // WebTorrent asked for the whole file would evict it as it came and, believing it held the
    // evicted pieces, never fetch them again: playback would stall with HTTP aborted.
    const page = await playBounded(context, show.pageUrl, bound, show.episode.duration, 90_000)
    const s = await stats(page)
    expect(s.storePeakBytes).toBeLessThanOrEqual(bound)
    expect(s.evicted).toBeGreaterThan(0)
    expect(s.fromHttp).toBe(0)
    expect(s.fromPeers).toBeGreaterThan(bound)
    await expectEpisodeBytes(page, show)
  })

  it('never plays a corrupt peer\'s bytes: WebTorrent drops them, the web seed fills in, and the page counts them', async () => {
    const show = await makePlayerShow(40, cleanups)
    await serveShow(show, false, cleanups)
    // A seeder whose copy of the media went bad after it checked it (bit rot, a hand edit):
    // it reads every block from disk, so it serves the bad bytes to whoever asks.
    const badDir = join(show.dir, '..', 'bad-copy')
    await mkdir(badDir)
    const badFile = join(badDir, basename(show.episode.mediaPath))
    await copyFile(join(show.dir, 'public', show.episode.mediaPath), badFile)
    const seed = startJsonProcess([binPath, 'seed', join(show.dir, 'public', show.episode.torrentPath), '--data', badDir, '--no-dht', '--no-lsd', '--no-utp',
      '--ice-server', 'none', '--state', join(show.dir, '..', 'bad-seed-state'), '--json'], { NO_COLOR: '1' })
    cleanups.push(seed.kill)
    await waitForLines('bad seed seeding', 30_000, () => seed.lines.some(line => line.event === 'seeding'), [seed])
    // One byte flipped in every odd piece.
    const { pieceLength, length } = show.episode
    const handle = await open(badFile, 'r+')
    let flipped = 0
    try {
      for (let start = pieceLength; start < length; start += 2 * pieceLength) {
        const at = Math.min(start + 100, length - 1)
        await handle.write(Buffer.from([show.media[at]! ^ 0xff]), 0, 1, at)
        flipped++
      }
    } finally {
      await handle.close()
    }
    expect(flipped).toBeGreaterThan(2)
    // Every web-seed answer takes 2 s to start: the listener asks the peer first.
    const page = await (await slowWebSeedListener(browser, show)).newPage()
    await openPlayer(page, show.pageUrl)
    await play(page, 4)
    await waitForTime(page, 6, 90_000)
    const s = await stats(page)
    expect(s.rejectedFromPeers).toBeGreaterThanOrEqual(1)
    expect(s.rejected).toBe(0)
    expect(s.fromPeers).toBeGreaterThan(0)
    expect(s.fromHttp).toBeGreaterThan(0)
    // And the listener is told, on the player's status line.
    await page.waitForFunction(() => /\d+ bad pieces? from peers discarded/.test(document.querySelector('.sc-stats')?.textContent ?? ''), undefined, { timeout: 10_000, polling: 100 })
    // What reached the element is the episode's, piece for piece.
    await expectEpisodeBytes(page, show)
  })

  it('a second listener gets most of the episode from the first once the seeder is gone and the web seed is slow', async () => {
    const show = await makePlayerShow(90, cleanups)
    await serveShow(show, false, cleanups)
    const firstPage = await listenerHoldingAll(browser, show, cleanups)

    // Every web-seed answer to the second listener takes 2 s to start.
    const second = await slowWebSeedListener(browser, show)
    const page = await second.newPage()
    await openPlayer(page, show.pageUrl)
    await play(page, 4)
    await waitForAllPieces(page)
    await waitForTime(page, 2)
    const s = await stats(page)
    expect(s.fromPeers + s.fromHttp).toBe(show.episode.length)
    expect(s.fromPeers).toBeGreaterThan(show.episode.length / 2)
    const firstStats = await stats(firstPage)
    expect(firstStats.uploaded).toBeGreaterThanOrEqual(s.fromPeers)
    await expectEpisodeBytes(page, show)
  })

  it('stops uploading when the share switch is off: a new listener then gets nothing from this tab, and gets bytes again once it is back on', async () => {
    const show = await makePlayerShow(60, cleanups)
    await serveShow(show, false, cleanups)
    const firstPage = await listenerHoldingAll(browser, show, cleanups)

    // Off, from the keyboard: the tab leaves the swarm.
    await shareSwitch(firstPage).press('Space')
    expect(await shareSwitch(firstPage).isChecked()).toBe(false)
    await firstPage.waitForFunction(() => {
      const s = (window as any).seedcast.players[0].debug().stats
      return !s.sharing && s.peers === 0
    }, undefined, { timeout: 10_000, polling: 100 })
    const uploadedWhenOff = (await stats(firstPage)).uploaded

    // A listener with a slow web seed, which would take most of the episode from a sharing tab (test above).
    const second = await slowWebSeedListener(browser, show)
    const secondPage = await second.newPage()
    await openPlayer(secondPage, show.pageUrl)
    await play(secondPage, 4)
    await waitForAllPieces(secondPage)
    const off = await stats(secondPage)
    expect(off.fromPeers).toBe(0)
    expect(off.fromHttp).toBe(show.episode.length)
    expect((await stats(firstPage)).uploaded).toBe(uploadedWhenOff)
    expect(await firstPage.locator('.sc-stats').textContent()).toContain('not sharing')
    await second.close()

    // On again: the tab shares what it holds with the next listener.
    await shareSwitch(firstPage).press('Space')
    await firstPage.waitForFunction(() => (window as any).seedcast.players[0].debug().stats.sharing, undefined, { timeout: 10_000, polling: 100 })
    const third = await slowWebSeedListener(browser, show)
    const thirdPage = await third.newPage()
    await openPlayer(thirdPage, show.pageUrl)
    await play(thirdPage, 4)
    await waitForAllPieces(thirdPage)
    const on = await stats(thirdPage)
    expect(on.fromPeers).toBeGreaterThan(0)
    expect((await stats(firstPage)).uploaded).toBeGreaterThanOrEqual(uploadedWhenOff + on.fromPeers)
    await expectEpisodeBytes(thirdPage, show)
  })

  it('asks the tracker again when its first offers come to nothing (the answers to them lost), and then plays from the seeder', async () => {
    const show = await makePlayerShow(40, cleanups)
    await serveShow(show, false, cleanups)
    await seedShow(show, cleanups)
    const context = await testListenerContext(browser, show.origin)
    await context.route(isMedia, route => route.abort())
    // Between the page and the tracker: the signalling that answers the page's first announce
    // is dropped, as when an offer is lost or its connection fails. Before the player asked
    // again, nothing happened until the tracker's interval (2 min).
    let announces = 0
    let dropped = 0
    await context.routeWebSocket(url => url.pathname.endsWith('/announce'), ws => {
      const server = ws.connectToServer()
      ws.onMessage(message => {
        const data = JSON.parse(String(message)) as { action?: string, offers?: unknown[] }
        if (data.action === 'announce' && data.offers?.length) announces++
        server.send(message)
      })
      server.onMessage(message => {
        const data = JSON.parse(String(message)) as { offer?: unknown, answer?: unknown }
        if ((data.offer || data.answer) && announces < 2) { dropped++; return }
        ws.send(message)
      })
    })
    const page = await context.newPage()
    await openPlayer(page, show.pageUrl)
    await play(page)
    // Bounded under the tracker's own interval (2 min), which the old player waited for.
    await waitForTime(page, 2, 90_000)
    const s = await stats(page)
    expect(dropped).toBeGreaterThan(0)
    expect(s.lookups).toBeGreaterThanOrEqual(1)
    expect(announces).toBeGreaterThanOrEqual(2)
    expect(s.fromHttp).toBe(0)
    expect(s.fromPeers).toBeGreaterThan(0)
    await expectEpisodeBytes(page, show)
  })

  it('two listeners joining at the same moment both play the episode, each getting from the other the half its web seed lacks', async () => {
    const show = await makePlayerShow(40, cleanups)
    await serveShow(show, false, cleanups)
    const { length, pieceLength } = show.episode
    const half = Math.ceil(length / pieceLength / 2) * pieceLength
    // Each listener's web seed serves only its own half: a range starting in the other half is
    // refused, and one running into it is cut at the boundary.
    const listener = async ([from, to]: [number, number]) => {
      const context = await testListenerContext(browser, show.origin)
      await context.route(isMedia, route => {
        const headers = route.request().headers()
        const range = /^bytes=(\d+)-(\d*)$/.exec(headers.range ?? '')
        const start = Number(range?.[1] ?? 0)
        const end = range?.[2] ? Number(range[2]) : length - 1
        if (start < from || start >= to) return route.abort()
        return route.continue({ headers: { ...headers, range: `bytes=${start}-${Math.min(end, to - 1)}` } })
      })
      const page = await context.newPage()
      await openPlayer(page, show.pageUrl)
      return { page, from, to }
    }
    const both = await Promise.all([listener([0, half]), listener([half, length])])
    await Promise.all(both.map(({ page }) => play(page, 4)))
    await Promise.all(both.map(({ page }) => waitForAllPieces(page, 90_000)))
    for (const { page, from, to } of both) {
      await waitForTime(page, 1)
      const s = await stats(page)
      expect(s.fromHttp).toBeLessThanOrEqual(to - from)
      expect(s.fromPeers).toBeGreaterThanOrEqual(length - (to - from))
      expect(s.fromPeers + s.fromHttp).toBe(length)
      expect(s.uploaded).toBeGreaterThan(0)
      await expectEpisodeBytes(page, show)
    }
  })
})
