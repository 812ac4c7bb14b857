// Browser player benchmark (issue 9), in Debian's Chromium over loopback:
// - time to first audio (play() until currentTime > 0) of the player vs a plain <audio src> of
//   the same file on the same server (the same episode page, written by src/site, in a browser
//   context with service workers blocked, so the player leaves the element alone), 3 MB and 12 MB
//   episodes, without a seeder and with one: goal <= 1.5x plain;
// - seek to 80 % until playback passes the target, right after the first audio: goal <= 2x
//   plain (and, for information, the same seek 2 s later);
// - share of the bytes from peers when a seeder holds the whole episode and the listener plays
//   it to the end (playbackRate 16): goal >= 50 %;
// - the weights before the first play (show and episode page HTML, the player's JS/CSS, its
//   worker) and the lazily loaded WebTorrent chunk.
// Chromium pays 0.5-1 s to open its audio output on the first play of a browser context:
// every run is a new page of one context, after one warm-up play, with the HTTP cache off. BENCH_RUNS sets the runs per figure (median). Runs on the built
// CLI and player (npm run bench builds first); run it inside `unshare -n`, so WebRTC stays on loopback.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { launchChromium, listenerContext } from '../helpers/chromium.ts'
import { makePlayerShow, seedShow, serveShow, type Cleanups, type PlayerShow } from '../e2e/player-site.ts'
import { openEpisodePage, seekTo, startPlaying } from './player-common.ts'
import { median } from './swarm-common.ts'

const RUNS = Number(process.env.BENCH_RUNS ?? 5)
const KBPS = 128
const root = fileURLToPath(new URL('../..', import.meta.url))

/** In the page: play, and ms until currentTime > 0. */
async function firstAudio (page: Page): Promise<number> {
  return page.evaluate(async () => {
    const audio = document.querySelector('audio')!
    const start = performance.now()
    await audio.play()
    while (audio.currentTime === 0) await new Promise(resolve => setTimeout(resolve, 1))
    return performance.now() - start
  })
}

/** In the page: once playing, seek to 80 % and ms until playback passes the target. */
async function seekTo80 (page: Page): Promise<number> {
  await startPlaying(page)
  return (await seekTo(page, 0.8)).ms
}

/**
 * The same seek LATER_SEEK_MS after the first audio, the soonest a listener's hand gets to
 * the seek bar: by then the player's swarm is up (it starts on first play, ~300 ms), as the
 * plain element's buffer is. Reported beside the seek right after first audio, which is the
 * goal's figure: it is not a replacement for it.
 */
const LATER_SEEK_MS = 2_000
async function seekTo80Later (page: Page): Promise<number> {
  await startPlaying(page)
  await page.waitForTimeout(LATER_SEEK_MS)
  return (await seekTo(page, 0.8)).ms
}

/** Runs `what` on a new page of the episode; `player`: wait until the player is ready first. */
async function measure (context: BrowserContext, show: PlayerShow, player: boolean, what: (page: Page) => Promise<number>): Promise<number> {
  const page = await openEpisodePage(context, show, player)
  try {
    return await what(page)
  } finally {
    await page.close()
  }
}

/** Plays the whole episode at 16x on the player page; the bytes' origins. */
async function playToEnd (browser: Browser, show: PlayerShow): Promise<{ fromPeers: number, fromHttp: number }> {
  const context = await listenerContext(browser, show.origin)
  try {
    const page = await context.newPage()
    await page.goto(show.pageUrl)
    await page.locator('.sc-player[data-seedcast-state="ready"]').waitFor({ state: 'attached', timeout: 20_000 })
    await page.evaluate(async () => {
      const audio = document.querySelector('audio')!
      audio.playbackRate = 16
      await audio.play()
    })
    await page.waitForFunction(() => document.querySelector('audio')!.ended, undefined, { timeout: 180_000, polling: 250 })
    return await page.evaluate(() => (window as any).seedcast.players[0].debug().stats)
  } finally {
    await context.close()
  }
}

/** The HTML of the show page and of an episode page as served, raw and gzip (with the player, before any play). */
async function pageWeights (show: PlayerShow): Promise<string[]> {
  const rows: string[] = []
  for (const [name, url] of [['show page', `${show.origin}/`], ['episode page', show.pageUrl]]) {
    const bytes = Buffer.from(await (await fetch(url!)).arrayBuffer())
    rows.push(`| ${name} HTML (CSS inline) | ${new URL(url!).pathname} | ${(bytes.length / 1000).toFixed(1)} kB (${(gzipSync(bytes).length / 1000).toFixed(1)} kB gzip) |`)
  }
  return rows
}

function weights (): string[] {
  const built = join(root, 'dist', 'web')
  const manifest = JSON.parse(readFileSync(join(built, '.vite', 'manifest.json'), 'utf8')) as Record<string, { file: string, css?: string[], isDynamicEntry?: boolean }>
  const entry = manifest['player/main.ts']!
  const size = (file: string): string => {
    const bytes = readFileSync(join(built, file))
    return `${(bytes.length / 1000).toFixed(1)} kB (${(gzipSync(bytes).length / 1000).toFixed(1)} kB gzip)`
  }
  const lazy = Object.values(manifest).filter(chunk => chunk.isDynamicEntry)
  return [
    `| player JS, with the page | ${entry.file} | ${size(entry.file)} |`,
    ...(entry.css ?? []).map(css => `| player CSS, with the page | ${css} | ${size(css)} |`),
    `| service worker, installed with the page | seedcast-sw.js | ${size('seedcast-sw.js')} |`,
    ...lazy.map(chunk => `| lazily on first play | ${chunk.file} | ${size(chunk.file)} |`),
    `| (files in dist/web/assets) | ${readdirSync(join(built, 'assets')).length} | |`
  ]
}

const ratio = (value: number, reference: number): string => `${(value / reference).toFixed(2)}x`

async function main (): Promise<void> {
  const cleanups: Cleanups = []
  const rows: string[] = []
  const pages: string[] = []
  const browser = await launchChromium()
  cleanups.push(() => browser.close())
  try {
    for (const megabytes of [3, 12]) {
      const seconds = Math.round(megabytes * 1e6 / (KBPS * 125))
      const show = await makePlayerShow(seconds, cleanups, KBPS)
      await serveShow(show, false, cleanups)
      if (!pages.length) pages.push(...await pageWeights(show))
      const context = await listenerContext(browser, show.origin)
      const plainContext = await browser.newContext({ serviceWorkers: 'block' })
      // Every run starts at 0: no position remembered from the run before.
      for (const each of [context, plainContext]) await each.addInitScript(() => { localStorage.clear() })
      // Warm-up: Chromium opens its audio output once per context.
      await measure(context, show, true, firstAudio)
      await measure(plainContext, show, false, firstAudio)
      const plain: number[] = []
      const alone: number[] = []
      for (let run = 0; run < RUNS; run++) {
        plain.push(await measure(plainContext, show, false, firstAudio))
        alone.push(await measure(context, show, true, firstAudio))
      }
      const seed = await seedShow(show, cleanups)
      const seeded: number[] = []
      const plainSeek: number[] = []
      const playerSeek: number[] = []
      const plainLaterSeek: number[] = []
      const playerLaterSeek: number[] = []
      for (let run = 0; run < RUNS; run++) {
        seeded.push(await measure(context, show, true, firstAudio))
        plainSeek.push(await measure(plainContext, show, false, seekTo80))
        playerSeek.push(await measure(context, show, true, seekTo80))
        plainLaterSeek.push(await measure(plainContext, show, false, seekTo80Later))
        playerLaterSeek.push(await measure(context, show, true, seekTo80Later))
      }
      await context.close()
      await plainContext.close()
      const whole = await playToEnd(browser, show)
      seed.kill()
      const p = median(plain)
      const mb = (show.episode.length / 1e6).toFixed(1)
      rows.push(
        `| first audio, no seeder | ${mb} MB | ${p.toFixed(0)} ms | ${median(alone).toFixed(0)} ms | ${ratio(median(alone), p)} | <= 1.5x |`,
        `| first audio, with seeder | ${mb} MB | ${p.toFixed(0)} ms | ${median(seeded).toFixed(0)} ms | ${ratio(median(seeded), p)} | <= 1.5x |`,
        `| seek to 80 %, with seeder | ${mb} MB | ${median(plainSeek).toFixed(0)} ms | ${median(playerSeek).toFixed(0)} ms | ${ratio(median(playerSeek), median(plainSeek))} | <= 2x |`,
        `| (the same seek ${LATER_SEEK_MS / 1000} s after first audio) | ${mb} MB | ${median(plainLaterSeek).toFixed(0)} ms | ${median(playerLaterSeek).toFixed(0)} ms | ${ratio(median(playerLaterSeek), median(plainLaterSeek))} | - |`,
        `| bytes from peers, played to the end | ${mb} MB | | ${(whole.fromPeers / 1e6).toFixed(2)} MB peers, ${(whole.fromHttp / 1e6).toFixed(2)} MB HTTP | ${(100 * whole.fromPeers / (whole.fromPeers + whole.fromHttp)).toFixed(0)} % | >= 50 % |`
      )
    }
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup()
  }
  console.log(`Player vs plain <audio src> in Chromium (median of ${RUNS})`)
  console.log('| figure | episode | plain <audio> | player | ratio | goal |\n|---|---|---|---|---|---|')
  for (const row of rows) console.log(row)
  console.log('\n| weight | file | size |\n|---|---|---|')
  for (const row of [...pages, ...weights()]) console.log(row)
}

await main()
