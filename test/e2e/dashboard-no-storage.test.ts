// The dashboard in a browser that keeps no site data (storage blocked for the site: reading
// sessionStorage throws a SecurityError, as Chromium does when cookies are blocked). The token
// cannot be kept for the tab, but the page must still work with it until a reload, not stay
// blank. Real Chromium against `seedcast serve`.
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../helpers/chromium.ts'
import { runCliJson } from '../helpers/cli.ts'
import { makePlayerShow, serveShow, type Cleanups, type PlayerShow } from './player-site.ts'
import { closedWithTest } from './test-context.ts'

describe('the dashboard without site storage', { timeout: 120_000 }, () => {
  const cleanups: Cleanups = []
  let browser: Browser
  let show: PlayerShow
  let token: string

  beforeAll(async () => {
    show = await makePlayerShow(4, cleanups)
    token = (await runCliJson<{ token: string }>(['token', 'create', '--show', show.dir, '--name', 'dashboard'])).json.token
    await serveShow(show, false, cleanups)
    browser = await launchChromium()
    cleanups.push(() => browser.close())
  }, 90_000)
  afterAll(async () => { for (const cleanup of cleanups.reverse()) await cleanup() }, 60_000)

  it('works with the token for the page, locked again after a reload', async () => {
    const context = closedWithTest(await browser.newContext())
    await context.addInitScript(() => {
      Object.defineProperty(window, 'sessionStorage', { get () { throw new DOMException('Access is denied for this document.', 'SecurityError') } })
    })
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', error => errors.push(error.message))
    await page.goto(`${show.origin}/dashboard/`)
    const locked = page.locator('section.show .locked')
    await locked.waitFor({ state: 'visible', timeout: 10_000 })
    expect(await locked.textContent()).toContain('Locked (401)')

    await page.getByLabel('API token').fill(token)
    await page.getByLabel('API token').press('Enter')
    await page.locator(`tr[data-slug="${show.episode.slug}"]`).waitFor({ timeout: 10_000 })
    expect(await page.locator('.token-state').textContent()).toBe('A token is set for this page (this browser keeps no site data: a reload forgets it).')

    await page.reload()
    await locked.waitFor({ state: 'visible', timeout: 10_000 })
    expect(errors).toEqual([])
  })
})
