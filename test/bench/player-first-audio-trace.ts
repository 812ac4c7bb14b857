// Where the player's time to first audio goes (issue 9), printed as a timeline per run: not part
// of `npm run bench` (it measures nothing against a goal). Like the player bench: one episode (MB,
// default 3) on `seedcast serve`, a seeder when SEED=1 (default none), Chromium over loopback; each
// run opens the episode page (player ready: worker in control, .torrent read), calls play() and
// waits for currentTime > 0, for a plain <audio> (service workers blocked) and for the player,
// whose events (web/player/trace.ts), the element's events and the page's resource timings are
// printed in ms from play(). Run it inside `unshare -n` after `npm run build`:
// node test/bench/player-first-audio-trace.ts
// BASELINE=<another built checkout> (e.g. main's) adds its player, run alternately with this one's:
// a copy of the episode page at baseline/<slug>/ loads that checkout's player JS and CSS and
// registers that checkout's service worker (see baselinePage).
import type { BrowserContext } from 'playwright-core'
import { launchChromium, listenerContext } from '../helpers/chromium.ts'
import type { Cleanups, PlayerShow } from '../e2e/player-site.ts'
import { baselinePage, openEpisodePage, openSeekScript, type TraceEvent } from './player-common.ts'

const RUNS = Number(process.env.RUNS ?? 5)
const MB = Number(process.env.MB ?? 3)
const SEED = process.env.SEED === '1'
/** VERBOSE=1: every event of every run; otherwise one line of milestones per run, and their medians. */
const VERBOSE = process.env.VERBOSE === '1'
/**
 * STOP_WORKER=1: the service worker is stopped before play, as Chromium does after 30 s idle (not
 * here: a worker DevTools is attached to, as Playwright's are, is never stopped as idle).
 */
const STOP_WORKER = process.env.STOP_WORKER === '1'

interface FirstAudio { ms: number, at: number, events: TraceEvent[], resources: Array<{ name: string, start: number, headers: number, end: number, size: number }> }

/** Milestones of a run, ms from play(): the first event of each name (for the resource: the first media fetch). */
const MILESTONES = ['element:play', 'worker-received', 'worker-fetch', 'worker-headers', 'worker-read', 'worker-asks', 'web-seed-fetch', 'fetch-headers', 'web-seed-headers', 'web-seed-verified', 'first-chunk', 'element:progress', 'element:loadedmetadata', 'element:playing', 'first audio'] as const
const table: Record<string, Map<string, number[]>> = { plain: new Map(), player: new Map(), baseline: new Map() }

function milestones (result: FirstAudio, variant: string): string {
  const times = new Map<string, number>()
  for (const e of result.events) if (!times.has(e.what)) times.set(e.what, e.t - result.at)
  const asks = result.events.find(e => e.what === 'worker-asks')?.detail as { receivedAt?: number } | undefined
  if (asks?.receivedAt) times.set('worker-received', asks.receivedAt - result.at)
  // The worker's own first read (web/player/sw-protocol.ts FirstRead): when it began and had its headers.
  const read = result.events.find(e => e.what === 'worker-read')?.detail as { startedAt?: number, headersAt?: number } | undefined
  if (read?.startedAt) times.set('worker-fetch', read.startedAt - result.at)
  if (read?.headersAt) times.set('worker-headers', read.headersAt - result.at)
  const media = result.resources.find(r => r.name.includes('/media/'))
  if (media?.headers) times.set('fetch-headers', media.headers - result.at)
  times.set('first audio', result.ms)
  const row = table[variant]!
  const cells: string[] = []
  for (const name of MILESTONES) {
    const t = times.get(name)
    if (t === undefined) continue
    row.set(name, [...row.get(name) ?? [], t])
    cells.push(`${name.replace('element:', '')} ${t.toFixed(1)}`)
  }
  return `  ${variant.padEnd(8)}: ${cells.join(', ')}`
}

async function run (context: BrowserContext, show: PlayerShow, variant: string, record = true): Promise<string> {
  const player = variant !== 'plain'
  const page = await openEpisodePage(context, show, player)
  try {
    if (STOP_WORKER && player) {
      const cdp = await context.newCDPSession(page)
      await cdp.send('ServiceWorker.enable')
      await cdp.send('ServiceWorker.stopAllWorkers')
      await cdp.detach()
    }
    const result = await page.evaluate(async (): Promise<FirstAudio> => {
      const audio = document.querySelector('audio')!
      const sink = ((window as any).seedcastTrace ??= []) as TraceEvent[]
      const now = (): number => performance.timeOrigin + performance.now()
      for (const name of ['loadstart', 'play', 'loadedmetadata', 'loadeddata', 'canplay', 'playing', 'timeupdate', 'progress']) {
        audio.addEventListener(name, () => sink.push({ t: now(), what: `element:${name}`, detail: audio.currentTime }), { once: true })
      }
      performance.clearResourceTimings()
      const at = now()
      const start = performance.now()
      await audio.play()
      while (audio.currentTime === 0) await new Promise(resolve => setTimeout(resolve, 1))
      const ms = performance.now() - start
      const resources = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map(r => ({
        name: `${r.initiatorType} ${r.name.replace(location.origin, '')}`,
        start: performance.timeOrigin + r.startTime,
        headers: r.responseStart ? performance.timeOrigin + r.responseStart : 0,
        end: performance.timeOrigin + r.responseEnd,
        size: r.transferSize
      }))
      return { ms, at, events: sink.filter(e => e.t >= at - 1), resources }
    })
    if (!VERBOSE) return record ? milestones(result, variant) : ''
    const rel = (t: number): string => `+${(t - result.at).toFixed(1)}`
    const lines = [
      ...result.events.map(e => ({ t: e.t, line: `${rel(e.t)} ${e.what} ${JSON.stringify(e.detail, (key, value: unknown) =>
        (key === 'receivedAt' || key === 'askedAt' || key === 'startedAt' || key === 'headersAt') && typeof value === 'number' ? rel(value) : value) ?? ''}` })),
      ...result.resources.map(r => ({ t: r.start, line: `${rel(r.start)} resource ${r.name}: headers ${r.headers ? rel(r.headers) : '-'}, end ${rel(r.end)}, ${r.size} B` }))
    ].sort((a, b) => a.t - b.t).map(l => `    ${l.line}`)
    return [`  ${variant}: ${result.ms.toFixed(1)} ms`, ...lines].join('\n')
  } finally {
    await page.close()
  }
}

const cleanups: Cleanups = []
const browser = await launchChromium()
cleanups.push(() => browser.close())
try {
  const { show, context, plainContext } = await openSeekScript(browser, MB, SEED, cleanups)
  // Warm-up: Chromium opens its audio output once per context.
  const baseline = process.env.BASELINE ? baselinePage(show, process.env.BASELINE) : undefined
  const baseContext = baseline ? await listenerContext(browser, show.origin) : undefined
  await baseContext?.addInitScript(() => { localStorage.clear(); (window as any).seedcastTrace = [] })
  await run(context, show, 'player', false)
  await run(plainContext, show, 'plain', false)
  if (baseline && baseContext) await run(baseContext, baseline, 'baseline', false)
  for (let i = 0; i < RUNS; i++) {
    console.log(await run(plainContext, show, 'plain'))
    // Which of the two players goes first alternates.
    if (baseline && baseContext && i % 2) console.log(await run(baseContext, baseline, 'baseline'))
    console.log(await run(context, show, 'player'))
    if (baseline && baseContext && !(i % 2)) console.log(await run(baseContext, baseline, 'baseline'))
  }
  const median = (values: number[]): number => { const s = [...values].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2 }
  if (!VERBOSE) {
    for (const [name, row] of Object.entries(table)) {
      if (!row.size) continue
      console.log(`median ${name}: ${[...row].map(([what, values]) => `${what.replace('element:', '')} ${median(values).toFixed(1)}`).join(', ')}`)
    }
  }
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup()
}
