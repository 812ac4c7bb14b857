// The dashboard acting on a row whose episode was removed since it was drawn (from another tab,
// or the CLI, between two refreshes): Edit must not open the episode's form empty, as if its
// notes had been wiped, and Remove is done already. Real Chromium against `seedcast serve`,
// the episode removed by a real DELETE, the dashboard's next refresh held back so the row stays.
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../helpers/chromium.ts'
import { runCliJson } from '../helpers/cli.ts'
import { makePlayerShow, serveShow, type Cleanups, type PlayerShow } from './player-site.ts'
import { closedWithTest } from './test-context.ts'

describe('the dashboard with a row whose episode is gone', { timeout: 120_000 }, () => {
  const cleanups: Cleanups = []
  let browser: Browser
  let show: PlayerShow
  let token: string

  beforeAll(async () => {
    show = await makePlayerShow([{ seconds: 4, title: 'First' }, { seconds: 5, title: 'Second' }, { seconds: 6, title: 'Third' }], cleanups)
    token = (await runCliJson<{ token: string }>(['token', 'create', '--show', show.dir, '--name', 'dashboard'])).json.token
    await serveShow(show, false, cleanups)
    browser = await launchChromium()
    cleanups.push(() => browser.close())
  }, 90_000)
  afterAll(async () => { for (const cleanup of cleanups.reverse()) await cleanup() }, 60_000)

  it('says the episode is no longer in the show on Save and on Edit (no empty form), and that it was already removed on Remove', async () => {
    const page = await closedWithTest(await browser.newContext()).newPage()
    page.on('dialog', dialog => { void dialog.accept() })
    await page.goto(`${show.origin}/dashboard/`)
    await page.getByLabel('API token').fill(token)
    await page.getByLabel('API token').press('Enter')
    const [first, second, third] = show.episodes.map(({ episode }) => episode)
    await page.locator(`tr[data-slug="${third!.slug}"]`).waitFor({ timeout: 20_000 })
    // Third's form is open when it is removed.
    await page.getByRole('button', { name: 'Edit Third' }).click()
    const dialog = page.locator('dialog.edit')
    await dialog.getByLabel('Title').waitFor({ timeout: 10_000 })
    // From now on the table is not refreshed: the rows stay as drawn.
    await page.route('**/api/shows/*/stats', () => {})
    for (const episode of [first!, second!, third!]) {
      const removed = await fetch(`${show.origin}/api/shows/show/episodes/${episode.slug}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } })
      expect(removed.status).toBe(204)
    }
    const announcer = page.locator('.announcer')

    await dialog.getByLabel('Title').fill('Third, renamed')
    await dialog.getByRole('button', { name: 'Save' }).click()
    await dialog.locator('.form-status').filter({ hasText: 'Not saved' }).waitFor({ timeout: 10_000 })
    expect(await dialog.locator('.form-status').textContent()).toBe('Not saved: it is no longer in the show (removed meanwhile).')
    await dialog.getByRole('button', { name: 'Cancel' }).click()

    await page.getByRole('button', { name: 'Edit First' }).click()
    await announcer.filter({ hasText: 'Cannot edit' }).waitFor({ timeout: 10_000 })
    expect(await announcer.textContent()).toBe('Cannot edit “First”: it is no longer in the show (removed meanwhile).')
    expect(await page.locator('dialog.edit').evaluate(dialog => (dialog as HTMLDialogElement).open)).toBe(false)

    await page.getByRole('button', { name: 'Remove Second' }).click()
    await announcer.filter({ hasText: 'already removed' }).waitFor({ timeout: 10_000 })
    expect(await announcer.textContent()).toBe('“Second” was already removed.')
  })
})
