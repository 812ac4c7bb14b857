// The show's pages in real Chromium: without JavaScript every published episode is there
// with a playable element and its downloads; copied to nginx (a plain static host) the
// site lists and plays every episode, the player streaming from nginx as its web seed; keyboard focus is visible, the phone width does not
// scroll sideways, and screenshots at desktop and phone widths, light and dark, are saved
// in test-artifacts/site/ for a person to look at.
import { cp, mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { serveShows } from '../../src/server/serve.js'
import { repoRoot } from '../helpers/cli.js'
import { freePort } from '../helpers/ports.js'
import { tempDir } from '../helpers/tmp.js'
import { launchChromium } from '../helpers/chromium.js'
import { expectEpisodeBytes, stats } from './player-page.js'
import { publishedShow, startNginx } from './site-browser.js'

const artifacts = join(repoRoot, 'test-artifacts', 'site')
const cleanups: Array<() => Promise<void>> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })
let browser: Browser
beforeAll(async () => { browser = await launchChromium() })
afterAll(async () => { await browser?.close() })

/** The published episodes as the page lists them: title, player element and download links. */
function listedEpisodes (page: Page) {
  return page.$$eval('main article', articles => articles.map(article => {
    const player = article.querySelector('.sc-player > audio[data-seedcast-player], .sc-player > video[data-seedcast-player]') as HTMLMediaElement | null
    const links = [...article.querySelectorAll('.downloads a')].map(link => (link as HTMLAnchorElement).href)
    return {
      title: article.querySelector('h3')?.textContent ?? '',
      tag: player?.tagName.toLowerCase(),
      src: player?.src,
      controls: player?.controls,
      preload: player?.getAttribute('preload'),
      infoHash: player?.dataset.infohash,
      links
    }
  }))
}

/** Waits until every video looks the same in two pictures 100 ms apart (its controls' spinner gone), up to 10 s. */
async function settled (page: Page): Promise<void> {
  for (const video of await page.locator('video').all()) {
    let last = await video.screenshot()
    for (let tries = 0; tries < 100; tries++) {
      await new Promise(resolve => setTimeout(resolve, 100))
      const next = await video.screenshot()
      if (next.equals(last)) break
      last = next
    }
  }
}

describe('the show page in Chromium', () => {
  it('lists every published episode with a playable element and its downloads, with JavaScript disabled', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const port = await freePort()
    const baseUrl = `http://127.0.0.1:${port}/`
    const dir = join(tmp.path, 'show')
    const { episodes, draft } = await publishedShow(dir, baseUrl)
    const running = await serveShows({ shows: [dir], port, host: '127.0.0.1' })
    cleanups.push(() => running.close())

    const context = await browser.newContext({ javaScriptEnabled: false })
    cleanups.push(() => context.close())
    const page = await context.newPage()
    const response = await page.goto(baseUrl)
    expect(response?.status()).toBe(200)
    expect(await page.title()).toBe('Field & Stream <Notes>')
    expect(await page.locator('h1').textContent()).toBe('Field & Stream <Notes>')

    const listed = await listedEpisodes(page)
    const newestFirst = [...episodes].reverse()
    expect(listed.map(item => item.infoHash)).toEqual(newestFirst.map(item => item.episode.infoHash))
    expect(listed.some(item => item.title.includes('Unreleased'))).toBe(false)
    expect(await page.content()).not.toContain(draft.episode.slug)
    for (const [index, item] of listed.entries()) {
      const published = newestFirst[index]!
      expect(item.tag).toBe(published.episode.mimeType.startsWith('video/') ? 'video' : 'audio')
      expect(item.controls).toBe(true)
      expect(item.preload).toBe('none')
      expect(item.src).toBe(published.mediaUrl)
      expect(item.links).toEqual([published.mediaUrl, published.torrentUrl, published.magnet])
      // The element's source is the episode, byte for byte, as the browser fetches it.
      const media = await context.request.get(item.src!)
      expect(media.status()).toBe(200)
      expect(Buffer.compare(await media.body(), await readFile(join(dir, 'public', published.episode.mediaPath)))).toBe(0)
    }

    // Its page, reached by the link, without JavaScript either.
    await page.click(`a[href="episodes/${episodes[0]!.episode.slug}/"]`)
    expect(page.url()).toBe(`${baseUrl}episodes/${episodes[0]!.episode.slug}/`)
    expect(await page.locator('h1').textContent()).toBe(episodes[0]!.episode.title)
    expect(await page.locator('audio[data-seedcast-player]').getAttribute('src')).toBe(`../../${episodes[0]!.episode.mediaPath}`)
    expect(await page.locator('.chapters a[data-seek]').count()).toBeGreaterThan(0)
    const downloads = await page.$$eval('.downloads a', links => links.map(link => (link as HTMLAnchorElement).href))
    expect(downloads).toEqual([episodes[0]!.mediaUrl, episodes[0]!.torrentUrl, episodes[0]!.magnet])
    // A draft has no page.
    expect((await context.request.get(`${baseUrl}episodes/${draft.episode.slug}/`)).status()).toBe(404)
  })

  it('copied to nginx, a plain static host, lists the episodes and plays each one', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const port = await freePort()
    const baseUrl = `http://127.0.0.1:${port}/`
    const dir = join(tmp.path, 'show')
    const { episodes } = await publishedShow(dir, baseUrl)
    const root = join(tmp.path, 'www')
    await cp(join(dir, 'public'), root, { recursive: true })
    const nginx = await startNginx(join(tmp.path, 'nginx'), root, port)
    cleanups.push(nginx.stop)

    const context = await browser.newContext()
    cleanups.push(() => context.close())
    const page = await context.newPage()
    expect((await page.goto(baseUrl))?.status()).toBe(200)
    const listed = await listedEpisodes(page)
    expect(listed.map(item => item.infoHash)).toEqual([...episodes].reverse().map(item => item.episode.infoHash))
    const players = page.locator('[data-seedcast-player]')
    for (let index = 0; index < listed.length; index++) {
      const player = players.nth(index)
      await player.evaluate(element => { void (element as HTMLMediaElement).play() })
      await page.waitForFunction(element => (element as HTMLMediaElement).currentTime > 0.3, await player.elementHandle(), { timeout: 20_000 })
      await player.evaluate(element => (element as HTMLMediaElement).pause())
    }
    // The episode page, at its folder URL on the static host, plays too.
    await page.goto(`${baseUrl}episodes/${episodes[1]!.episode.slug}/`)
    await page.locator('[data-seedcast-player]').evaluate(element => { void (element as HTMLMediaElement).play() })
    await page.waitForFunction(() => (document.querySelector('[data-seedcast-player]') as HTMLMediaElement).currentTime > 0.3, undefined, { timeout: 20_000 })
    // Through the player copied with the site: its worker answered the element with pieces
    // taken from nginx as the web seed, each SHA-1 checked, byte for byte the episode's.
    expect(await page.locator('.sc-player').getAttribute('data-seedcast-state')).toBe('streaming')
    const played = await stats(page)
    expect(played.fromHttp).toBeGreaterThan(0)
    expect(played.rejected).toBe(0)
    const media = await readFile(join(root, episodes[1]!.episode.mediaPath))
    expect(await expectEpisodeBytes(page, { episode: episodes[1]!.episode, media })).toContain(0)
  })

  it('fits a 360 px phone and is saved as screenshots (desktop and phone, light and dark)', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const port = await freePort()
    const baseUrl = `http://127.0.0.1:${port}/`
    const dir = join(tmp.path, 'show')
    const { episodes } = await publishedShow(dir, baseUrl)
    const running = await serveShows({ shows: [dir], port, host: '127.0.0.1' })
    cleanups.push(() => running.close())
    await mkdir(artifacts, { recursive: true })
    const pages = { show: baseUrl, episode: `${baseUrl}episodes/${episodes[0]!.episode.slug}/` }

    for (const [width, height, device] of [[1280, 900, 'desktop'], [360, 780, 'phone']] as const) {
      for (const scheme of ['light', 'dark'] as const) {
        const context = await browser.newContext({ viewport: { width, height }, colorScheme: scheme })
        const page = await context.newPage()
        for (const [name, url] of Object.entries(pages)) {
          await page.goto(url)
          await page.evaluate(() => document.fonts.ready)
          // As a listener sees the page once it has settled: every player enhanced, and no
          // video still showing Chromium's loading spinner (drawn over the poster while a
          // preload="none" element selects its source, and until its turn ends).
          await page.waitForFunction(() => [...document.querySelectorAll<HTMLMediaElement>('audio, video')].every(media =>
            media.networkState !== HTMLMediaElement.NETWORK_LOADING && media.parentElement?.dataset.seedcastState), undefined, { timeout: 20_000 })
          await settled(page)
          expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} at ${width} px scrolls sideways`).toBeLessThanOrEqual(width)
          await page.screenshot({ path: join(artifacts, `${name}-${device}-${scheme}.png`), fullPage: true })
        }
        await context.close()
      }
    }

  }, 180_000) // eight full-page screenshots: slow on a loaded two-core machine

  it('shows a focus ring on every control reached by Tab, and names every player and field', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const port = await freePort()
    const baseUrl = `http://127.0.0.1:${port}/`
    const dir = join(tmp.path, 'show')
    await publishedShow(dir, baseUrl)
    const running = await serveShows({ shows: [dir], port, host: '127.0.0.1' })
    cleanups.push(() => running.close())
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    cleanups.push(() => context.close())
    const page = await context.newPage()
    await page.goto(baseUrl)
    // What Tab can reach: the visible controls (a player's panel stays hidden on the show page
    // until its episode plays, chapters inside a closed <details> too).
    const focusable = await page.$$eval('a[href], button, input, select, audio[controls], video[controls], summary', elements => elements.filter(element => element.checkVisibility()).length)
    const seen: string[] = []
    for (let step = 0; step < focusable; step++) {
      await page.keyboard.press('Tab')
      const focus = await page.evaluate(() => {
        const element = document.activeElement as HTMLElement
        // A media element's ring is drawn around its .sc-player wrapper.
        const style = getComputedStyle(/^(AUDIO|VIDEO)$/.test(element.tagName) ? element.parentElement! : element)
        return { tag: element.tagName.toLowerCase(), text: (element.textContent ?? '').trim().slice(0, 40), outline: `${style.outlineStyle} ${style.outlineWidth}` }
      })
      seen.push(`${focus.tag} ${focus.text}`)
      expect(focus.outline, `focus on ${focus.tag} "${focus.text}" is invisible`).toMatch(/^(solid|auto) (?!0px)/)
    }
    expect(seen[0]).toBe('a Skip to the episodes')
    expect(seen.some(item => item.startsWith('audio'))).toBe(true)
    const unnamed = await page.$$eval('audio, video, input, button', elements => elements
      .filter(element => !element.getAttribute('aria-label') && !(element as HTMLInputElement).labels?.length && !(element.textContent ?? '').trim())
      .map(element => element.outerHTML.slice(0, 80)))
    expect(unnamed).toEqual([])
  })
})
