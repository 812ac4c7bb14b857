import type { BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { READ_AHEAD_SECONDS, WEB_SEED_RUN_BYTES } from '../../web/player/policy.ts'
import { launchChromium } from '../helpers/chromium.ts'
import { startCorruptingProxy, type CorruptingProxy } from './corrupting-proxy.ts'
import { openPlayer, play, stats, waitForTime } from './player-page.ts'
import { makePlayerShow, serveShow, type Cleanups, type PlayerShow } from './player-site.ts'
import { closedWithTest, testListenerContext } from './test-context.ts'

// webtorrent#1570: WebTorrent's own web-seed connection reads a whole file ahead, so a page
// playing a few seconds cost the server the episode. The player's web-seed reads are bounded
// by the play position (web/player/policy.ts): with only the web seed, playing the same
// seconds of the same file must cost the server no more than a plain <audio> of it does.
// Counted at the server (a proxy in front of `seedcast serve` that reads from it only as fast
// as the browser takes the bytes), both in Chromium.
const PLAY_SECONDS = 10

describe('player HTTP egress', { timeout: 180_000 }, () => {
  const cleanups: Cleanups = []
  let browser: Browser
  let show: PlayerShow
  let proxy: CorruptingProxy

  beforeAll(async () => {
    // Ten minutes at 128 kb/s (9.6 MB): longer than what either reads ahead.
    show = await makePlayerShow(600, cleanups)
    await serveShow(show, false, cleanups)
    proxy = await startCorruptingProxy(show.port, [])
    cleanups.push(proxy.close)
    browser = await launchChromium()
    cleanups.push(() => browser.close())
  }, 150_000)
  afterAll(async () => { for (const cleanup of cleanups.reverse()) await cleanup() }, 60_000)

  /** Media bytes the server sent while the page played PLAY_SECONDS from the start; the page is closed after, so it reads no more. */
  async function egress (context: BrowserContext, player: boolean): Promise<number> {
    const page = await context.newPage()
    expect(await openPlayer(page, `${proxy.origin}${new URL(show.pageUrl).pathname}`)).toBe(player ? 'ready' : 'plain')
    const before = proxy.mediaBytesSent()
    await play(page)
    await waitForTime(page, PLAY_SECONDS, 60_000)
    const sent = proxy.mediaBytesSent() - before
    if (player) {
      const s = await stats(page)
      expect(s.fromPeers).toBe(0)
      expect(s.fromHttp).toBeGreaterThan(0)
    }
    await context.close()
    return sent
  }

  it(`costs the server no more than a plain <audio> for the first ${PLAY_SECONDS} s`, async () => {
    const plain = await egress(closedWithTest(await browser.newContext({ serviceWorkers: 'block' })), false)
    const player = await egress(await testListenerContext(browser, proxy.origin), true)
    console.log(`media bytes sent for ${PLAY_SECONDS} s: plain <audio> ${plain}, player ${player} (${(player / plain).toFixed(2)}x)`)
    // Both read past what they played (10 s is 160 kB); the player not the whole file (over
    // loopback the plain element took all of it: 9.6 MB, the player 3.1 MB).
    expect(plain).toBeGreaterThan(PLAY_SECONDS * 16_000)
    expect(player).toBeLessThan(show.episode.length / 2)
    expect(player).toBeLessThanOrEqual(plain)
    // Whatever Chromium does: what was played and READ_AHEAD_SECONDS past it, give or take one run.
    const bytesPerSecond = show.episode.length / show.episode.duration
    expect(player).toBeLessThanOrEqual((PLAY_SECONDS + READ_AHEAD_SECONDS) * bytesPerSecond + WEB_SEED_RUN_BYTES)
  })
})
