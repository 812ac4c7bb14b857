// The seed box's dashboard in real Chromium against `seedcast serve --seed` on a demo show:
// without a token every show is locked (the API's 401); with the token, entered from the
// keyboard, the episodes table shows what real clients took, per transport (aria2c over
// TCP from the seeder, a byte range over HTTP), the upload chart is drawn, and an MP3
// uploaded through the form is published into rss.xml, then edited and removed. A
// screenshot is saved in test-artifacts/dashboard/.
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { buildDemoShow, type DemoResult } from '../../src/show/demo.js'
import { binPath, repoRoot, runCliJson, runProcess } from '../helpers/cli.js'
import { startJsonProcess, waitForLines } from '../helpers/json-process.js'
import { freePort } from '../helpers/ports.js'
import { tempDir } from '../helpers/tmp.js'
import { launchChromium } from '../helpers/chromium.js'

const artifacts = join(repoRoot, 'test-artifacts', 'dashboard')
const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })
let browser: Browser
beforeAll(async () => { browser = await launchChromium() })
afterAll(async () => { await browser?.close() })

/** The exact figure of a table cell (its <data> value) for an episode. */
function figure (page: Page, slug: string, field: string): Promise<number> {
  return page.locator(`tr[data-slug="${slug}"] [data-field="${field}"] data`).getAttribute('value', { timeout: 5_000 }).then(Number)
}

/** Waits until the dashboard shows `value` for an episode's figure (it refreshes every 2 s); at most 30 s. */
async function waitForFigure (page: Page, slug: string, field: string, value: number): Promise<void> {
  try {
    await page.waitForFunction(([s, f, v]) => document.querySelector<HTMLDataElement>(`tr[data-slug="${s}"] [data-field="${f}"] data`)?.value === v,
      [slug, field, String(value)] as const, { timeout: 30_000, polling: 100 })
  } catch (error) {
    const row = await page.$$eval(`tr[data-slug="${slug}"] [data-field] data`, cells => cells.map(cell => `${cell.parentElement!.dataset.field}=${(cell as HTMLDataElement).value}`).join(' '))
    throw new Error(`${slug} ${field} never became ${value}: ${row}`, { cause: error })
  }
}

/**
 * aria2c fetching a magnet from the show's own tracker, slowly (40 kB/s) so that its
 * connection is seen while it lasts: once both ends are seeds they part.
 */
function startAria2 (magnet: string, dir: string) {
  const child = spawn('aria2c', ['--enable-dht=false', '--enable-dht6=false', '--bt-enable-lpd=false', '--enable-peer-exchange=false',
    '--max-download-limit=40K', '--seed-time=0', '--console-log-level=warn', '--summary-interval=0', '--dir', dir, magnet], { stdio: 'ignore' })
  const exited = new Promise<void>(resolve => child.once('close', () => resolve()))
  return { stop: async () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM'); await exited } }
}

describe('the dashboard', () => {
  it('is locked without a token; with it, shows real traffic per transport and publishes, edits and removes episodes', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const port = await freePort()
    const origin = `http://127.0.0.1:${port}`
    const demo: DemoResult = await buildDemoShow({ dir: join(tmp.path, 'demo'), fixturesDir: join(repoRoot, 'fixtures'), baseUrl: `${origin}/` })
    const [first, second] = demo.episodes as [DemoResult['episodes'][0], DemoResult['episodes'][0]]
    const token = (await runCliJson<{ token: string }>(['token', 'create', '--show', demo.dir, '--name', 'dashboard'])).json.token

    const serve = startJsonProcess([binPath, 'serve', demo.dir, '--port', String(port), '--seed', '--no-dht', '--state', join(tmp.path, 'state'), '--json'])
    cleanups.push(async () => { serve.child.kill('SIGTERM'); await serve.exited })
    await waitForLines('every demo episode seeding', 60_000, () => serve.lines.filter(line => line.event === 'seeding').length === demo.episodes.length, [serve])

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    cleanups.push(() => context.close())
    const page = await context.newPage()
    expect((await page.goto(`${origin}/dashboard/`))?.status()).toBe(200)

    // No token: the show is locked, as the API answered.
    const locked = page.locator('section.show .locked')
    await locked.waitFor({ state: 'visible', timeout: 10_000 })
    expect(await locked.getAttribute('data-status')).toBe('401')
    expect(await locked.textContent()).toContain('Locked (401)')
    expect(await page.locator('table.episodes').isVisible()).toBe(false)

    // The token, from the keyboard: the first control Tab reaches is its labelled field.
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.labels?.[0]?.textContent)).toBe('API token')
    await page.keyboard.type(token)
    await page.keyboard.press('Enter')
    await page.locator(`tr[data-slug="${first.episode.slug}"]`).waitFor({ timeout: 10_000 })
    expect(await page.evaluate(() => sessionStorage.length)).toBe(1)
    for (const episode of demo.episodes) expect(await figure(page, episode.episode.slug, 'size')).toBe(episode.episode.length)

    // Real clients: a byte range over HTTP, and aria2c over BitTorrent from the seeder.
    const range = await fetch(`${origin}/${second.episode.mediaPath}`, { headers: { range: 'bytes=0-49999' } })
    expect(range.status).toBe(206)
    expect((await range.arrayBuffer()).byteLength).toBe(50_000)
    const out = join(tmp.path, 'aria2')
    const aria = startAria2(first.magnet, out)
    cleanups.push(aria.stop)
    await waitForFigure(page, first.episode.slug, 'peers-tcp', 1)
    await waitForFigure(page, first.episode.slug, 'bytes-tcp', first.episode.length)
    await waitForFigure(page, second.episode.slug, 'bytes-http', 50_000)
    expect(await figure(page, first.episode.slug, 'bytes-http')).toBe(0)
    expect(await figure(page, first.episode.slug, 'bytes-utp')).toBe(0)
    expect(await figure(page, first.episode.slug, 'bytes-webrtc')).toBe(0)
    expect(await figure(page, first.episode.slug, 'ratio')).toBe(1)
    expect(await figure(page, first.episode.slug, 'share')).toBe(1)
    expect(await figure(page, second.episode.slug, 'bytes-tcp')).toBe(0)
    expect(await figure(page, second.episode.slug, 'share')).toBe(0)
    // The upload chart is drawn, with the same totals in words.
    expect(await page.locator('figure.upload-chart canvas').count()).toBe(1)
    expect(await page.locator('.chart-summary').textContent()).toMatch(/over HTTP, .* to BitTorrent peers/)
    await mkdir(artifacts, { recursive: true })
    await page.screenshot({ path: join(artifacts, 'dashboard.png'), fullPage: true })
    await waitForFigure(page, first.episode.slug, 'peers-tcp', 0)
    await aria.stop()
    const fetched = await readFile(join(out, first.episode.mediaPath.split('/').pop()!))
    expect(createHash('sha256').update(fetched).digest('base64')).toBe(first.episode.sha256)

    // Every control is labelled.
    const unlabelled = await page.$$eval('input, textarea, button', controls => controls
      .filter(control => !(control as HTMLInputElement).labels?.length && !control.getAttribute('aria-label') && !control.textContent?.trim())
      .map(control => control.outerHTML))
    expect(unlabelled).toEqual([])

    // Publish a new MP3 through the form; it reaches rss.xml.
    const mp3 = join(tmp.path, 'tone.mp3')
    const made = await runProcess('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=2', '-ac', '1', '-b:a', '64k', mp3])
    expect(made.code, made.stderr).toBe(0)
    const form = page.locator('form.upload')
    await form.getByLabel('Media file').setInputFiles(mp3)
    await form.getByLabel(/^Title/).fill('Made in the dashboard')
    await form.getByLabel('Description').fill('Uploaded through the form.')
    await form.getByRole('button', { name: 'Publish' }).click()
    await form.locator('.form-status', { hasText: 'Published “Made in the dashboard”' }).waitFor({ timeout: 30_000 })
    const row = page.locator('tr', { hasText: 'Made in the dashboard' })
    await row.waitFor({ timeout: 10_000 })
    const slug = (await row.getAttribute('data-slug'))!
    expect(await figure(page, slug, 'size')).toBe((await stat(mp3)).size)
    const rss = async () => (await fetch(`${origin}/rss.xml`, { cache: 'no-store' })).text()
    expect(await rss()).toContain('<title>Made in the dashboard</title>')

    // Edit its title from the keyboard: Edit opens a modal dialog with the focus in the title.
    // The form is filled from that one episode (GET .../episodes/<slug>), not the show's whole
    // list, which was 268 kB at 520 episodes.
    const asked: string[] = []
    const record = (request: { url: () => string }) => { if (request.url().includes('/api/')) asked.push(new URL(request.url()).pathname) }
    page.on('request', record)
    await row.getByRole('button', { name: 'Edit Made in the dashboard' }).focus()
    await page.keyboard.press('Enter')
    const dialog = page.locator('dialog.edit')
    await dialog.waitFor({ state: 'visible', timeout: 10_000 })
    page.off('request', record)
    expect(asked.filter(path => path.endsWith(`/episodes/${slug}`))).toHaveLength(1)
    expect(asked.filter(path => path.endsWith('/episodes'))).toEqual([])
    expect(await dialog.getByLabel('Description').inputValue()).toBe('Uploaded through the form.')
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).name)).toBe('title')
    await page.keyboard.press('ControlOrMeta+a')
    await page.keyboard.type('Renamed in the dashboard')
    await page.keyboard.press('Enter')
    await dialog.waitFor({ state: 'hidden', timeout: 10_000 })
    await page.locator(`tr[data-slug="${slug}"] .title`, { hasText: 'Renamed in the dashboard' }).waitFor({ timeout: 10_000 })
    const renamed = await rss()
    expect(renamed).toContain('<title>Renamed in the dashboard</title>')
    expect(renamed).not.toContain('<title>Made in the dashboard</title>')

    // Remove it (confirmed): gone from the table, the feed and the server.
    page.once('dialog', prompt => { void prompt.accept() })
    await page.locator(`tr[data-slug="${slug}"]`).getByRole('button', { name: 'Remove Renamed in the dashboard' }).click()
    await page.locator(`tr[data-slug="${slug}"]`).waitFor({ state: 'detached', timeout: 10_000 })
    expect(await rss()).not.toContain('Renamed in the dashboard')
    expect((await fetch(`${origin}/media/${slug}.mp3`)).status).toBe(404)

    // A wrong token locks it again, saying why.
    await page.getByLabel('API token').fill('sct_00000000_wrong')
    await page.keyboard.press('Enter')
    await locked.waitFor({ state: 'visible', timeout: 10_000 })
    expect(await locked.textContent()).toContain('not valid for this show')
  })
})
