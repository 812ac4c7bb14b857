// Where a player seek's time goes (issue 9), printed as a timeline per seek: not part of
// `npm run bench` (it measures nothing against a goal). Like the player bench: one episode
// (MB, default 3) on `seedcast serve`, a seeder (SEED=0: none), Chromium over loopback; each
// run opens the episode page, plays, seeks to 80 % right after the first audio, then 4 s
// later (THEN_AFTER_MS; peers up, pieces prefetched) to 30 % (THEN_TO), for a plain <audio> and for the player, whose
// events (web/player/trace.ts) are printed in ms from the seek; the plain page then times one bare
// Range fetch of the web seed at 80 % (the HTTP round trip the player's first seek cannot avoid).
// BASELINE=<another built checkout> (e.g. main's) adds its player, run alternately with this
// one's (see baselinePage); QUIET=1 prints one line per seek; the medians come last.
// Run it inside `unshare -n`
// after `npm run build`: node test/bench/player-seek-trace.ts
import type { BrowserContext, Page } from 'playwright-core'
import { launchChromium, listenerContext } from '../helpers/chromium.ts'
import type { Cleanups, PlayerShow } from '../e2e/player-site.ts'
import { baselinePage, openEpisodePage, openSeekScript, seekTo, startPlaying, type Seek, type TraceEvent } from './player-common.ts'

const RUNS = Number(process.env.RUNS ?? 5)
const MB = Number(process.env.MB ?? 3)
const SEED = process.env.SEED !== '0'
/** The second seek: how long after the first (ms), and where to (fraction of the duration). */
const THEN_AFTER_MS = Number(process.env.THEN_AFTER_MS ?? 4000)
const THEN_TO = Number(process.env.THEN_TO ?? 0.3)
/**
 * Events printed from this long before each seek (ms): e.g. BEFORE_MS=400 shows the web-seed
 * reads still under way when the first seek comes.
 */
const BEFORE_MS = Number(process.env.BEFORE_MS ?? 5)
const QUIET = process.env.QUIET === '1'
/** Seek times by variant: the first seek (80 %), the second. */
const times = new Map<string, { first: number[], second: number[] }>()


/** When 'seeked' fired, from the seek ('-': playback passed the target before the event came). */
const seekedAt = (seek: Seek): string => seek.seeked ? `+${(seek.seeked - seek.at).toFixed(0)}` : '-'

function timeline (name: string, result: Seek, events: TraceEvent[], until: number): string {
  if (QUIET) return `  ${name}: ${result.ms.toFixed(0)} ms (seeked ${seekedAt(result)})`
  const lines = events.filter(e => e.t >= result.at - BEFORE_MS && e.t < until && e.what !== 'web-seed-verified').map(e => `    +${(e.t - result.at).toFixed(0)} ${e.what} ${JSON.stringify(e.detail, (key, value: unknown) =>
    ['receivedAt', 'askedAt', 'startedAt', 'headersAt', 'at'].includes(key) && typeof value === 'number' ? `+${(value - result.at).toFixed(0)}` : value) ?? ''}`)
  return [`  ${name}: ${result.ms.toFixed(0)} ms (seeked ${seekedAt(result)})`, ...lines].join('\n')
}

/**
 * In the page: one fetch() of what the player's seek reads from the web seed (256 kB from
 * `fraction` of the file), ms until its headers and its first bytes. Right after first audio,
 * the player holds no piece there and no peer is up: its seek costs the plain element's plus
 * such a round trip at least (the floor with every piece held is 1.0x: player-seek-floor.ts).
 */
function bareFetch (page: Page, fraction: number): Promise<{ headers: number, body: number }> {
  return page.evaluate(async fraction => {
    const audio = document.querySelector('audio')!
    const length = Number(audio.dataset.length)
    const start = Math.floor(length * fraction / 16384) * 16384
    const began = performance.now()
    const response = await fetch(audio.currentSrc || audio.src, { headers: { Range: `bytes=${start}-${Math.min(length, start + 262144) - 1}` }, cache: 'no-store' })
    const headers = performance.now() - began
    const reader = response.body!.getReader()
    await reader.read()
    const body = performance.now() - began
    await reader.cancel()
    return { headers, body }
  }, fraction)
}

async function run (context: BrowserContext, show: PlayerShow, player: boolean, variant = player ? 'player' : 'plain'): Promise<string> {
  const page = await openEpisodePage(context, show, player)
  try {
    // The baseline's own worker (see baselinePage), not this checkout's.
    const worker = player ? await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? '') : ''
    if (player && worker.includes('/baseline/') !== (variant === 'baseline')) throw new Error(`${variant} page controlled by ${worker}`)
    await startPlaying(page)
    const first = await seekTo(page, 0.8)
    await new Promise(resolve => setTimeout(resolve, THEN_AFTER_MS))
    const second = await seekTo(page, THEN_TO)
    const row = times.get(variant) ?? { first: [], second: [] }
    times.set(variant, row)
    row.first.push(first.ms)
    row.second.push(second.ms)
    if (!player) {
      const bare = await bareFetch(page, 0.8)
      return `plain: 80 % ${first.ms.toFixed(0)} ms (seeked ${seekedAt(first)}), then ${THEN_TO * 100} % ${second.ms.toFixed(0)} ms; ` +
        `a bare Range fetch at 80 %: headers ${bare.headers.toFixed(0)} ms, first bytes ${bare.body.toFixed(0)} ms`
    }
    const events = await page.evaluate(() => (window as any).seedcastTrace as TraceEvent[])
    return [`${variant}:`, timeline('80 %', first, events, second.at), timeline(`then ${THEN_TO * 100} %`, second, events, Infinity)].join('\n')
  } finally {
    await page.close()
  }
}

const cleanups: Cleanups = []
const browser = await launchChromium()
cleanups.push(() => browser.close())
try {
  const { show, context, plainContext } = await openSeekScript(browser, MB, SEED, cleanups)
  const baseline = process.env.BASELINE ? baselinePage(show, process.env.BASELINE) : undefined
  const baseContext = baseline ? await listenerContext(browser, show.origin) : undefined
  await baseContext?.addInitScript(() => { localStorage.clear(); (window as any).seedcastTrace = [] })
  // Warm-up: Chromium opens its audio output once per context.
  await run(context, show, true)
  await run(plainContext, show, false)
  if (baseline && baseContext) await run(baseContext, baseline, true, 'baseline')
  times.clear()
  for (let i = 0; i < RUNS; i++) {
    console.log(await run(plainContext, show, false))
    // Which of the two players goes first alternates.
    if (baseline && baseContext && i % 2) console.log(await run(baseContext, baseline, true, 'baseline'))
    console.log(await run(context, show, true))
    if (baseline && baseContext && !(i % 2)) console.log(await run(baseContext, baseline, true, 'baseline'))
  }
  const median = (values: number[]): number => { const s = [...values].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2 }
  for (const [variant, row] of times) {
    console.log(`median ${variant}: 80 % ${median(row.first).toFixed(1)} ms (${Math.min(...row.first).toFixed(0)}-${Math.max(...row.first).toFixed(0)}), then ${THEN_TO * 100} % ${median(row.second).toFixed(1)} ms`)
  }
  // On a shared machine the spread between rounds dwarfs a few ms: the two players of one round
  // ran back to back, so their difference, round by round, is the steadier figure.
  const ours = times.get('player')
  const theirs = times.get('baseline')
  if (ours && theirs) {
    for (const seek of ['first', 'second'] as const) {
      const differences = ours[seek].map((ms, i) => ms - theirs[seek][i]!)
      console.log(`${seek === 'first' ? '80 %' : `then ${THEN_TO * 100} %`}: player faster than baseline in ${differences.filter(d => d < 0).length} of ${differences.length} rounds, median difference ${median(differences).toFixed(1)} ms`)
    }
  }
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup()
}
