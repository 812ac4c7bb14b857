import { rename } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { launchChromium } from '../helpers/chromium.ts'
import { openPlayer, stats, waitForTime } from './player-page.ts'
import { makePlayerShow, serveShow, type Cleanups, type PlayerShow } from './player-site.ts'
import { closedWithTest, testListenerContext } from './test-context.ts'

// An episode whose media the server no longer sends (removed while its page is open, or a host
// answering 404) and no peer has: the listener is told so in words, never left with a silent
// player whose status still says it streams. Real Chromium and `seedcast serve`, no seeder.
describe('player when the server no longer has the episode', { timeout: 180_000 }, () => {
  const cleanups: Cleanups = []
  let browser: Browser
  let show: PlayerShow
  let mediaFile: string

  beforeAll(async () => {
    show = await makePlayerShow(30, cleanups)
    mediaFile = join(show.dir, 'public', show.episode.mediaPath)
    await serveShow(show, false, cleanups)
    browser = await launchChromium()
    cleanups.push(() => browser.close())
  }, 120_000)
  afterAll(async () => { for (const cleanup of cleanups.reverse()) await cleanup() }, 60_000)

  /** Takes the media away (the server answers 404 for it) until the returned function, or the test's end, puts it back. */
  async function removeMedia (): Promise<() => Promise<void>> {
    await rename(mediaFile, `${mediaFile}.away`)
    let back = false
    const restore = async (): Promise<void> => { if (!back) { back = true; await rename(`${mediaFile}.away`, mediaFile) } }
    onTestFinished(restore)
    return restore
  }

  const status = (page: Page): Promise<string | null> => page.locator('.sc-status').textContent()
  const pressPlay = (page: Page): Promise<void> => page.evaluate(() => { void document.querySelector('audio')!.play().catch(() => {}) })

  it('says the server did not send it (HTTP 404) while streaming, and plays once the file is back', async () => {
    const page = await (await testListenerContext(browser, show.origin)).newPage()
    expect(await openPlayer(page, show.pageUrl)).toBe('ready')
    // The episode page reads the .torrent before play: the page knows the episode, the server then loses its file.
    await page.waitForFunction(() => (window as any).seedcast.players[0].debug().torrentRead, undefined, { timeout: 20_000 })
    const restore = await removeMedia()
    await pressPlay(page)
    await page.locator('.sc-status', { hasText: 'did not send this episode (HTTP 404)' }).waitFor({ timeout: 20_000 })
    expect(await status(page)).toBe('The server did not send this episode (HTTP 404) and no other listener has it right now: still trying both.')
    expect(await page.evaluate(() => document.querySelector('audio')!.currentTime)).toBe(0)
    expect((await stats(page)).fromHttp).toBe(0)

    // Back on the server: the player's retries get it, it plays, and the status says it streams again.
    await restore()
    await waitForTime(page, 1)
    await page.locator('.sc-status', { hasText: /^Streaming: from other listeners when they have it/ }).waitFor({ timeout: 20_000 })
    expect((await stats(page)).fromHttp).toBeGreaterThan(0)
  })

  it('says the episode could not be played when the plain element (no service worker) gets a 404', async () => {
    const context = closedWithTest(await browser.newContext({ serviceWorkers: 'block' }))
    const page = await context.newPage()
    expect(await openPlayer(page, show.pageUrl)).toBe('plain')
    const restore = await removeMedia()
    await pressPlay(page)
    await page.locator('.sc-status', { hasText: 'could not be played' }).waitFor({ timeout: 20_000 })
    expect(await status(page)).toBe('This episode could not be played: the server did not send a playable file (it may have been removed).')
    await restore()
  })
})
