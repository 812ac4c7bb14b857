// Video episodes stream (issue 12): an MP4 published with its moov box moved first plays in
// Chromium from the first bytes alone, served by `seedcast serve`. The page may read only a
// prefix of the file (as while it is still arriving: the rest is "not there yet"); the same
// prefix of the file as it was given to publish (moov at the end) does not play at all.
// playwright-core drives /usr/bin/chromium; run inside a loopback-only namespace like the other e2e tests.
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../helpers/chromium.ts'
import { runCliJson } from '../helpers/cli.ts'
import { freePort } from '../helpers/ports.ts'
import { tempDir } from '../helpers/tmp.ts'
import { serveShow, type Cleanups, type PlayerShow } from './player-site.ts'

const run = promisify(execFile)

/** Offset just past the top-level box `type` (moov or mdat) of an ISO media file. */
function boxEnd (data: Buffer, type: string): { start: number, end: number } {
  for (let at = 0; at + 8 <= data.length;) {
    const size = data.readUInt32BE(at)
    if (data.toString('latin1', at + 4, at + 8) === type) return { start: at, end: at + size }
    at += size
  }
  throw new Error(`no ${type} box`)
}

/**
 * Lets the page read only the first `prefix` bytes of `path`: each request is sent on to
 * `seedcast serve` (or answered from `fromMemory`) with its range cut at the prefix, and a request starting past it is
 * left waiting (those bytes have not arrived yet). Records the ranges asked for.
 */
async function onlyPrefix (page: Page, path: string, prefix: number, total: number, fromMemory?: Buffer): Promise<{ asked: string[], pastPrefix: Promise<string> }> {
  const asked: string[] = []
  let askedPast!: (range: string) => void
  const pastPrefix = new Promise<string>(resolve => { askedPast = resolve })
  const waiting: Array<() => Promise<void>> = []
  page.once('close', () => { for (const release of waiting) release().catch(() => {}) })
  await page.route(`**${path}`, async route => {
    const range = route.request().headers().range ?? 'bytes=0-'
    asked.push(range)
    const match = /^bytes=(\d+)-(\d*)$/.exec(range)
    const start = Number(match?.[1] ?? 0)
    const to = match?.[2]
    const end = Math.min(to ? Number(to) : total - 1, prefix - 1)
    if (start >= prefix) { askedPast(range); waiting.push(() => route.abort()); return }
    let body: Buffer
    if (fromMemory) {
      body = fromMemory.subarray(start, end + 1)
    } else {
      const response = await route.fetch({ headers: { ...route.request().headers(), range: `bytes=${start}-${end}` } })
      if (response.status() !== 206) return route.abort() // the test then fails on what the page did
      body = await response.body()
    }
    await route.fulfill({ status: 206, headers: { 'content-type': 'video/mp4', 'accept-ranges': 'bytes', 'content-range': `bytes ${start}-${end}/${total}` }, body })
  })
  return { asked, pastPrefix }
}

/** Starts playing `src` muted in a bare <video>. */
async function startVideo (page: Page, src: string): Promise<void> {
  await page.evaluate(source => {
    const video = document.createElement('video')
    video.muted = true
    video.preload = 'auto'
    video.src = source
    document.body.replaceChildren(video)
    void video.play().catch(() => {})
  }, src)
}

const videoState = (page: Page) => page.evaluate(() => {
  const video = document.querySelector('video')!
  return { readyState: video.readyState, time: video.currentTime, error: video.error?.code ?? null }
})

describe('a fast-start MP4 in Chromium', { timeout: 180_000 }, () => {
  const cleanups: Cleanups = []
  let browser: Browser
  let show: PlayerShow
  let published: Buffer
  let original: Buffer
  let mediaPath: string

  beforeAll(async () => {
    const tmp = await tempDir('seedcast-faststart-')
    cleanups.push(tmp.cleanup)
    // 20 s of H.264/AAC with moov after mdat (ffmpeg's default, as many editors write it).
    const late = join(tmp.path, 'late.mp4')
    await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x180:rate=25:duration=20', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=20',
      '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-b:v', '400k', '-c:a', 'aac', '-b:a', '64k', '-shortest', late], { timeout: 120_000 })
    original = await readFile(late)
    expect(boxEnd(original, 'moov').start).toBeGreaterThan(boxEnd(original, 'mdat').start)
    const port = await freePort()
    const origin = `http://127.0.0.1:${port}`
    const dir = join(tmp.path, 'show')
    expect((await runCliJson(['init', dir, '--title', 'Video Show', '--description', 'd', '--author', 'A', '--owner-name', 'A', '--owner-email', 'a@example.org',
      '--language', 'en', '--category', 'Technology', '--base-url', `${origin}/`, '--json'])).result.code).toBe(0)
    const { result, json } = await runCliJson(['publish', late, '--show', dir, '--title', 'Moov last', '--json'])
    expect(result.code, result.stderr).toBe(0)
    expect(json.notes).toEqual([expect.stringContaining('fast start')])
    mediaPath = `/${json.episode.mediaPath}`
    published = await readFile(join(dir, 'public', json.episode.mediaPath))
    show = { dir, port, origin } as PlayerShow
    await serveShow(show, false, cleanups)
    browser = await launchChromium()
    cleanups.push(() => browser.close())
  }, 150_000)
  afterAll(async () => { for (const cleanup of cleanups.reverse()) await cleanup() }, 60_000)

  /**
   * A page of the show's origin without its player: the player's service worker would answer
   * media requests itself (from pieces), and this test is about the plain file over HTTP.
   */
  async function plainPage (): Promise<Page> {
    const context = await browser.newContext({ serviceWorkers: 'block' })
    const page = await context.newPage()
    page.once('close', () => { context.close().catch(() => {}) })
    await page.goto(`${show.origin}/`)
    return page
  }

  it('plays the published file from its first bytes: the moov and the first third of the media data', async () => {
    const mdat = boxEnd(published, 'mdat')
    expect(boxEnd(published, 'moov').end).toBeLessThanOrEqual(mdat.start)
    const prefix = mdat.start + Math.floor((mdat.end - mdat.start) / 3)
    const page = await plainPage()
    const { asked } = await onlyPrefix(page, mediaPath, prefix, published.length)
    await startVideo(page, `${show.origin}${mediaPath}`)
    // Playing: the time advances past 2 s with only the prefix there.
    await page.waitForFunction(() => (document.querySelector('video')?.currentTime ?? 0) > 2, undefined, { timeout: 60_000 })
    expect(await videoState(page)).toMatchObject({ error: null })
    expect(asked[0]).toMatch(/^bytes=0-/)
    await page.close()
  })

  it('does not play the same prefix of the file as it was given (moov at the end): what the rewrite is for', async () => {
    const mdat = boxEnd(original, 'mdat')
    const prefix = mdat.start + Math.floor((mdat.end - mdat.start) / 3)
    const page = await plainPage()
    // serve serves only published episodes: the file as it was given comes from memory, at a URL beside them.
    const { asked, pastPrefix } = await onlyPrefix(page, '/media/as-given.mp4', prefix, original.length, original)
    await startVideo(page, `${show.origin}/media/as-given.mp4`)
    // Chromium needs the moov before any frame: it asks for the end of the file, which has not arrived.
    const past = await Promise.race([pastPrefix, page.waitForTimeout(60_000).then(() => { throw new Error(`Chromium never asked past the prefix: ${asked.join(', ')}`) })])
    expect(past).toMatch(/^bytes=\d+-/)
    // Meanwhile it has no metadata and shows no frame, where the rewritten file played from the same share of its bytes.
    expect(await videoState(page)).toEqual({ readyState: 0, time: 0, error: null })
    await page.close()
  })
})
