import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { launchChromium, listenerContext } from '../helpers/chromium.ts'
import { deliveredPieces, expectEpisodeBytes, openPlayer, play, stats, waitForTime } from './player-page.ts'
import { makePlayerShow, serveShow, type Cleanups, type PlayerShow } from './player-site.ts'

// Chromium tests 3 (web seed only) and 5 (seek to 80 %): no seeder, so every byte is the web
// seed's, SHA-1 checked by the player before the element gets it.
// Real Chromium, WebRTC and servers on two shared cores: each test is bounded at 3 min.
describe('player without peers', { timeout: 180_000 }, () => {
  const cleanups: Cleanups = []
  let browser: Browser
  let show: PlayerShow

  beforeAll(async () => {
    show = await makePlayerShow(60, cleanups)
    await serveShow(show, false, cleanups)
    browser = await launchChromium()
    cleanups.push(() => browser.close())
  }, 120_000)
  afterAll(async () => { for (const cleanup of cleanups.reverse()) await cleanup() }, 60_000)

  it('plays from the web seed, every delivered piece being the episode\'s', async () => {
    const context = await listenerContext(browser, show.origin)
    const page = await context.newPage()
    expect(await openPlayer(page, show.pageUrl)).toBe('ready')
    await play(page)
    await waitForTime(page, 1)
    const s = await stats(page)
    expect(s.fromHttp).toBeGreaterThan(0)
    expect(s.fromPeers).toBe(0)
    expect(s.rejected).toBe(0)
    expect((await expectEpisodeBytes(page, show))[0]).toBe(0)
    await context.close()
  })

  it('seeks to 80 % and plays on from there', async () => {
    const context = await listenerContext(browser, show.origin)
    const page = await context.newPage()
    await openPlayer(page, show.pageUrl)
    await play(page)
    await waitForTime(page, 0)
    const target = show.episode.duration * 0.8
    await page.evaluate(t => { document.querySelector('audio')!.currentTime = t }, target)
    const reached = await waitForTime(page, target + 1)
    expect(reached).toBeGreaterThan(target + 1)
    const delivered = (await deliveredPieces(page)).map(p => p.index)
    const targetPiece = Math.floor(show.episode.length * 0.8 / show.episode.pieceLength)
    expect(delivered.some(index => Math.abs(index - targetPiece) <= 2)).toBe(true)
    await context.close()
  })
})
