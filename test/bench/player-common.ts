// What the player benchmark and the seek trace share: opening an episode page as a listener
// would (HTTP cache off, the player ready before play) and timing a seek in the page.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { repoRoot } from '../helpers/cli.ts'
import { listenerContext } from '../helpers/chromium.ts'
import { makePlayerShow, seedShow, serveShow, type Cleanups, type PlayerShow } from '../e2e/player-site.ts'

export interface Seek {
  /** ms from setting currentTime until playback passed the target. */
  ms: number
  /** When the seek was made and when 'seeked' fired (epoch ms, to compare with the player's trace). */
  at: number
  seeked: number
}

/**
 * A new page of the context on the episode, with the HTTP cache off. `player`: waits until the
 * player is ready (worker in control, .torrent read), as before a listener presses play.
 */
export async function openEpisodePage (context: BrowserContext, show: PlayerShow, player: boolean): Promise<Page> {
  const page = await context.newPage()
  try {
    const cdp = await context.newCDPSession(page)
    await cdp.send('Network.enable')
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true })
    await page.goto(show.pageUrl)
    if (player) {
      await page.locator('.sc-player[data-seedcast-state="ready"]').waitFor({ state: 'attached', timeout: 20_000 })
      await page.waitForFunction(() => (window as any).seedcast.players[0].debug().torrentRead, undefined, { timeout: 20_000 })
    }
    return page
  } catch (error) {
    await page.close()
    throw error
  }
}

/** In the page: play, and wait for the first audio with a known duration. */
export async function startPlaying (page: Page): Promise<void> {
  await page.evaluate(async () => {
    const audio = document.querySelector('audio')!
    await audio.play()
    while (audio.currentTime === 0 || !Number.isFinite(audio.duration)) await new Promise(resolve => setTimeout(resolve, 1))
  })
}

/** In the page: seeks to `fraction` of the duration and waits until playback passes it. */
export function seekTo (page: Page, fraction: number): Promise<Seek> {
  return page.evaluate(async fraction => {
    const audio = document.querySelector('audio')!
    let seeked = 0
    audio.addEventListener('seeked', () => { seeked = performance.timeOrigin + performance.now() }, { once: true })
    const target = audio.duration * fraction
    const start = performance.now()
    audio.currentTime = target
    while (audio.seeking || audio.currentTime <= target) await new Promise(resolve => setTimeout(resolve, 1))
    return { ms: performance.now() - start, at: performance.timeOrigin + start, seeked }
  }, fraction)
}

/** One event of the player's trace (web/player/trace.ts), as the seek scripts read it. */
export interface TraceEvent { t: number, what: string, detail: unknown }

/**
 * What the seek scripts (player-seek-trace.ts, player-seek-floor.ts) start from: an episode of
 * `megabytes` at 128 kb/s on `seedcast serve`, a seeder when `seed`, a listener context that
 * records the player's trace and a plain context with service workers blocked, both starting
 * every page at position 0.
 */
export async function openSeekScript (browser: Browser, megabytes: number, seed: boolean, cleanups: Cleanups): Promise<{ show: PlayerShow, context: BrowserContext, plainContext: BrowserContext }> {
  const show = await makePlayerShow(Math.round(megabytes * 1e6 / (128 * 125)), cleanups, 128)
  console.log(`${(show.episode.length / 1e6).toFixed(1)} MB, pieces of ${show.episode.pieceLength} B, ${seed ? 'with' : 'without'} a seeder`)
  await serveShow(show, false, cleanups)
  const context = await listenerContext(browser, show.origin)
  const plainContext = await browser.newContext({ serviceWorkers: 'block' })
  await context.addInitScript(() => { localStorage.clear(); (window as any).seedcastTrace = [] })
  await plainContext.addInitScript(() => { localStorage.clear() })
  if (seed) await seedShow(show, cleanups)
  return { show, context, plainContext }
}

/**
 * The episode page again at baseline/<slug>/ with `baseline`'s player (BASELINE=<another built
 * checkout> in the trace scripts): it loads that checkout's player JS and CSS, and registers that
 * checkout's service worker, copied to baseline/seedcast-sw.js with the page's root (its scope)
 * at baseline/: the worker relays the element's requests and makes the seek's read, so a change
 * to it is compared only if the baseline runs its own. Each browser context has its own
 * registrations, so the baseline's context never meets this checkout's worker.
 */
export function baselinePage (show: PlayerShow, baseline: string): PlayerShow {
  const entry = (root: string): { file: string, css: string[] } => (JSON.parse(readFileSync(join(root, 'dist', 'web', '.vite', 'manifest.json'), 'utf8')) as Record<string, { file: string, css?: string[] }>)['player/main.ts'] as { file: string, css: string[] }
  const ours = entry(repoRoot)
  const theirs = entry(baseline)
  const assets = join(baseline, 'dist', 'web', 'assets')
  for (const name of readdirSync(assets)) if (!existsSync(join(show.dir, 'public', 'assets', name))) copyFileSync(join(assets, name), join(show.dir, 'public', 'assets', name))
  const slug = show.episode.slug
  let html = readFileSync(join(show.dir, 'public', 'episodes', slug, 'index.html'), 'utf8').replace(ours.file, theirs.file)
  for (const [i, css] of ours.css.entries()) html = html.replace(css, theirs.css[i]!)
  const root = 'data-seedcast-root="../../"'
  if (!html.includes(root)) throw new Error(`the episode page has no ${root}: baselinePage needs updating`)
  html = html.replace(root, 'data-seedcast-root="../"')
  // Outside episodes/ (seedcast serve answers there only for published slugs), at the same depth.
  mkdirSync(join(show.dir, 'public', 'baseline', slug), { recursive: true })
  copyFileSync(join(baseline, 'dist', 'web', 'seedcast-sw.js'), join(show.dir, 'public', 'baseline', 'seedcast-sw.js'))
  writeFileSync(join(show.dir, 'public', 'baseline', slug, 'index.html'), html)
  return { ...show, pageUrl: `${show.origin}/baseline/${slug}/` }
}
