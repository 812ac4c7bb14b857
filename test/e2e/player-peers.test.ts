import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { launchChromium, listenerContext } from '../helpers/chromium.ts'
import { within } from '../helpers/json-process.ts'
import { deliveredPieces, openPlayer, play, stats, waitForTime } from './player-page.ts'
import { makePlayerShow, seedShow, serveShow, type Cleanups, type PlayerShow } from './player-site.ts'

const isMedia = (url: URL): boolean => url.pathname.startsWith('/media/')

async function expectEpisodeBytes (page: Parameters<typeof deliveredPieces>[0], show: PlayerShow): Promise<void> {
  const pieces = await deliveredPieces(page)
  expect(pieces.length).toBeGreaterThan(0)
  for (const { index, bytes } of pieces) {
    const start = index * show.episode.pieceLength
    expect(Buffer.from(bytes).equals(show.media.subarray(start, start + bytes.length)), `piece ${index}`).toBe(true)
  }
}

// Chromium tests 2 (peers only) and 6 (a listener shares with the next one).
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
    const context = await listenerContext(browser, show.origin)
    let aborted = 0
    await context.route(isMedia, route => { aborted++; return route.abort() })
    const page = await context.newPage()
    expect(await openPlayer(page, show.pageUrl)).toBe('ready')
    await play(page)
    await waitForTime(page, 2, 45_000)
    const s = await stats(page)
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

  it('a second listener gets most of the episode from the first once the seeder is gone and the web seed is slow', async () => {
    const show = await makePlayerShow(90, cleanups)
    await serveShow(show, false, cleanups)
    const seed = await seedShow(show, cleanups)

    const first = await listenerContext(browser, show.origin)
    await first.route(isMedia, route => route.abort())
    const firstPage = await first.newPage()
    await openPlayer(firstPage, show.pageUrl)
    await play(firstPage, 4)
    // The first listener holds the whole episode (peers may prefetch freely).
    await firstPage.waitForFunction(() => {
      const s = (window as any).seedcast.players[0].debug().stats
      return s && s.held === s.pieces
    }, undefined, { timeout: 60_000, polling: 100 })
    seed.child.kill('SIGTERM')
    await within(seed.exited, 20_000, 'seed stop')

    // Every web-seed answer to the second listener takes 2 s to start.
    const second = await listenerContext(browser, show.origin)
    await second.route(isMedia, async route => {
      await new Promise(resolve => setTimeout(resolve, 2_000))
      await route.continue().catch(() => {})
    })
    const page = await second.newPage()
    await openPlayer(page, show.pageUrl)
    await play(page, 4)
    await page.waitForFunction(() => {
      const s = (window as any).seedcast.players[0].debug().stats
      return s && s.held === s.pieces
    }, undefined, { timeout: 60_000, polling: 100 })
    await waitForTime(page, 2)
    const s = await stats(page)
    expect(s.fromPeers + s.fromHttp).toBe(show.episode.length)
    expect(s.fromPeers).toBeGreaterThan(show.episode.length / 2)
    const firstStats = await stats(firstPage)
    expect(firstStats.uploaded).toBeGreaterThanOrEqual(s.fromPeers)
    await expectEpisodeBytes(page, show)
    await second.close()
    await first.close()
  })
})
