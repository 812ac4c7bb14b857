import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext } from 'playwright-core'
import { launchChromium, listenerContext } from '../helpers/chromium.ts'
import { startCorruptingProxy } from './corrupting-proxy.ts'
import { expectEpisodeBytes, openPlayer, play, stats, waitForTime } from './player-page.ts'
import { makePlayerShow, serveShow, type Cleanups, type PlayerShow } from './player-site.ts'
import { closedWithTest, testListenerContext } from './test-context.ts'

// Chromium tests 4 (WebTorrent cannot be loaded; also a browser without WebRTC or service
// workers) and 7 (a web seed returning wrong bytes).
// Real Chromium, WebRTC and servers on two shared cores: each test is bounded at 3 min.
describe('player when things go wrong', { timeout: 180_000 }, () => {
  const cleanups: Cleanups = []
  let browser: Browser
  let show: PlayerShow

  beforeAll(async () => {
    show = await makePlayerShow(40, cleanups)
    await serveShow(show, true, cleanups)
    browser = await launchChromium()
    cleanups.push(() => browser.close())
  }, 120_000)
  afterAll(async () => { for (const cleanup of cleanups.reverse()) await cleanup() }, 60_000)

  it('falls back to the plain element when the WebTorrent chunk cannot be loaded', async () => {
    const context = await testListenerContext(browser, show.origin)
    let blocked = 0
    await context.route(url => /\/assets\/webtorrent[^/]*\.js$/.test(url.pathname), route => { blocked++; return route.abort() })
    const page = await context.newPage()
    expect(await openPlayer(page, show.pageUrl)).toBe('ready')
    // WebTorrent is loaded on the first play, not with the page.
    expect(blocked).toBe(0)
    await play(page)
    await page.locator('.sc-player[data-seedcast-state="fallback"]').waitFor({ state: 'attached', timeout: 20_000 })
    const before = await waitForTime(page, 1)
    // From now on the element's requests go to the server untouched: a seek plays too.
    const target = show.episode.duration * 0.5
    await page.evaluate(t => { document.querySelector('audio')!.currentTime = t }, target)
    expect(await waitForTime(page, target + 1)).toBeGreaterThan(before)
    expect(blocked).toBeGreaterThan(0)
    expect((await stats(page)).fromPeers).toBe(0)
    expect(await page.locator('.sc-status').textContent()).toMatch(/from the server/)
  })

  it('leaves the plain element to play from the server in a browser without WebRTC, or without service workers', async () => {
    for (const lacking of ['WebRTC', 'service workers']) {
      const context = closedWithTest(lacking === 'WebRTC' ? await listenerContext(browser, show.origin) : await browser.newContext({ serviceWorkers: 'block' }))
      if (lacking === 'WebRTC') await context.addInitScript(() => { delete (window as { RTCPeerConnection?: unknown }).RTCPeerConnection })
      const page = await context.newPage()
      expect(await openPlayer(page, show.pageUrl), lacking).toBe('plain')
      expect(await page.locator('.sc-status').textContent()).toMatch(/^Playing from the server/)
      await play(page)
      await waitForTime(page, 1)
      // No engine was made: the element played its plain src; the share switch is not offered.
      expect(await page.evaluate(() => (window as any).seedcast.players[0].debug().torrentRead)).toBe(false)
      expect(await page.locator('.sc-share').isVisible()).toBe(false)
      // Closed before the next case, not left playing beside it (closedWithTest closes it if this case fails).
      await context.close()
    }
  })

  it('falls back at once when the service worker cannot start, without waiting out a timer', async () => {
    // Each way a worker fails is reported by the browser, and the player ends its wait on that
    // report: the status names it (a wait out of the 10 s timer would say "in time"). The
    // worker's script is routed per case; register() blocked as by Playwright answers nothing.
    const cases: Array<{ name: string, reason: RegExp, context: () => Promise<BrowserContext> }> = [
      { name: 'register() answering nothing', reason: /the browser did not register it/, context: () => browser.newContext({ serviceWorkers: 'block' }) },
      {
        name: 'its script missing (404)',
        reason: /bad HTTP response code \(404\)/,
        context: async () => {
          const context = await listenerContext(browser, show.origin)
          await context.route(url => url.pathname.endsWith('/seedcast-sw.js'), route => route.fulfill({ status: 404, body: 'gone' }))
          return context
        }
      },
      {
        name: 'its install failing',
        reason: /its worker failed to install/,
        context: async () => {
          const context = await listenerContext(browser, show.origin)
          await context.route(url => url.pathname.endsWith('/seedcast-sw.js'), route => route.fulfill({
            contentType: 'text/javascript',
            body: "self.addEventListener('install', event => event.waitUntil(Promise.reject(new Error('refused'))))"
          }))
          return context
        }
      }
    ]
    for (const { name, reason, context: makeContext } of cases) {
      const context = closedWithTest(await makeContext())
      const page = await context.newPage()
      expect(await openPlayer(page, show.pageUrl), name).toBe('plain')
      const status = await page.locator('.sc-status').textContent()
      expect(status, name).toMatch(/^Playing from the server: the service worker could not start/)
      expect(status, name).toMatch(reason)
      await play(page)
      await waitForTime(page, 0.5)
      expect(await page.evaluate(() => (window as any).seedcast.players[0].debug().torrentRead), name).toBe(false)
      // Closed before the next case, not left playing beside it (closedWithTest closes it if this case fails).
      await context.close()
    }
  })

  it('streams after a hard reload, which bypasses the worker: the page asks the active worker to claim it', async () => {
    const context = await testListenerContext(browser, show.origin)
    const page = await context.newPage()
    expect(await openPlayer(page, show.pageUrl)).toBe('ready')
    // Shift+Reload: the new page is not controlled by the worker already active.
    const cdp = await context.newCDPSession(page)
    await cdp.send('Page.reload', { ignoreCache: true })
    await page.waitForLoadState('load')
    await page.locator('.sc-player[data-seedcast-state]').waitFor({ state: 'attached', timeout: 20_000 })
    expect(await page.locator('.sc-player').getAttribute('data-seedcast-state')).toBe('ready')
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true)
    await play(page)
    await waitForTime(page, 1)
    const s = await stats(page)
    expect(s.fromHttp + s.fromPeers).toBeGreaterThan(0)
    await expectEpisodeBytes(page, show)
  })

  it('never plays the wrong bytes of a bad web seed: those pieces are rejected and come from the seeder', async () => {
    const pieceLength = show.episode.pieceLength
    const bad: Array<[number, number]> = [[pieceLength + 100, pieceLength + 200], [5 * pieceLength, 5 * pieceLength + 1]]
    const proxy = await startCorruptingProxy(show.port, bad)
    cleanups.push(proxy.close)
    const context = await testListenerContext(browser, proxy.origin)
    const page = await context.newPage()
    await openPlayer(page, `${proxy.origin}${new URL(show.pageUrl).pathname}`)
    await play(page)
    // Past piece 5: its audio was played from a good copy.
    await waitForTime(page, (6 * pieceLength / show.episode.length) * show.episode.duration + 1, 45_000)
    const s = await stats(page)
    expect(s.rejected).toBeGreaterThanOrEqual(1)
    expect(await expectEpisodeBytes(page, show)).toEqual(expect.arrayContaining([0, 1, 2, 3, 4, 5, 6]))
  })
})
