// A static host that redirects the episode's media to another address (a CDN, another bucket)
// which allows no page to read it (no CORS): the element plays such media (it needs no CORS),
// but the player's web-seed reads cannot. Without a peer the player held the element's request
// for pieces it would never have: the episode never started. It now leaves the element to the
// network and says why. Real Chromium, two nginx servers, no seeder.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { launchChromium } from '../helpers/chromium.ts'
import { freePort } from '../helpers/ports.ts'
import { openPlayer, stats, waitForTime } from './player-page.ts'
import { makePlayerShow, type Cleanups, type PlayerShow } from './player-site.ts'
import { startNginx } from './site-browser.ts'
import { testListenerContext } from './test-context.ts'

describe('player when the host sends the media from another origin without CORS', { timeout: 180_000 }, () => {
  const cleanups: Cleanups = []
  let browser: Browser
  let show: PlayerShow

  beforeAll(async () => {
    show = await makePlayerShow(40, cleanups)
    const elsewhere = await freePort()
    const publicDir = join(show.dir, 'public')
    // /media/ answers 302 to the other port, which serves the same files with no CORS header.
    const nginx = await startNginx(join(show.dir, '..', 'nginx'), publicDir, show.port, {
      server: `location /media/ { return 302 http://127.0.0.1:${elsewhere}$request_uri; }`,
      http: `server { listen 127.0.0.1:${elsewhere}; root ${publicDir}; }`
    })
    cleanups.push(nginx.stop)
    browser = await launchChromium()
    cleanups.push(() => browser.close())
  }, 120_000)
  afterAll(async () => { for (const cleanup of cleanups.reverse()) await cleanup() }, 60_000)

  it('plays it through the plain element and says why', async () => {
    const page = await (await testListenerContext(browser, show.origin)).newPage()
    expect(await openPlayer(page, show.pageUrl)).toBe('ready')
    await page.evaluate(() => { void document.querySelector('audio')!.play().catch(() => {}) })
    await page.locator('.sc-player[data-seedcast-state="fallback"]').waitFor({ state: 'attached', timeout: 30_000 })
    expect(await page.locator('.sc-status').textContent()).toBe('Playing from the server: this page cannot read the episode\'s file (its host sends it from another address without allowing pages to read it), so the browser plays it directly.')
    await waitForTime(page, 2)
    // Played by the element itself: nothing came through the player.
    const s = await stats(page)
    expect([s.fromHttp, s.fromPeers, s.delivered]).toEqual([0, 0, 0])
  })
})
