// The floor of a player seek (issue 9), not part of `npm run bench` (it measures nothing
// against a goal): the seek to 80 % when the player already holds every piece, against a plain
// <audio> that holds the whole file too, beside the benchmark's seek right after the first audio
// for both. Where the held seek's time goes is printed from the player's trace (ms from the seek):
// the worker receiving the element's request, the reply, the first chunk, 'seeked', and the
// page's web-seed request as Resource Timing saw it.
// One episode (MB, default 3) on `seedcast serve`, a seeder (SEED=0: none), Chromium over
// loopback, RUNS rounds (default 7) alternating the four cases. Run it inside `unshare -n`
// after `npm run build`: node test/bench/player-seek-floor.ts
import type { BrowserContext, Page } from 'playwright-core'
import { launchChromium } from '../helpers/chromium.ts'
import type { Cleanups, PlayerShow } from '../e2e/player-site.ts'
import { openEpisodePage, openSeekScript, seekTo, startPlaying, type Seek, type TraceEvent } from './player-common.ts'
import { median } from './swarm-common.ts'

const RUNS = Number(process.env.RUNS ?? 7)
const MB = Number(process.env.MB ?? 3)
const SEED = process.env.SEED !== '0'

type Case = 'plain, right after first audio' | 'plain, whole file buffered' | 'player, right after first audio' | 'player, every piece held'
const CASES: Case[] = ['plain, right after first audio', 'plain, whole file buffered', 'player, right after first audio', 'player, every piece held']

/** In the page: until the element has buffered the whole duration (plain) or the player holds every piece. */
async function waitUntilHeld (page: Page, player: boolean): Promise<void> {
  if (player) {
    await page.waitForFunction(() => {
      const stats = (window as any).seedcast.players[0].debug().stats
      return stats && stats.held === stats.pieces
    }, undefined, { timeout: 30_000, polling: 20 })
  } else {
    await page.waitForFunction(() => {
      const audio = document.querySelector('audio')!
      return audio.buffered.length > 0 && audio.buffered.end(audio.buffered.length - 1) >= audio.duration - 0.1
    }, undefined, { timeout: 30_000, polling: 20 })
  }
}

/** What the element had buffered past the seek target when it seeked (s), from inside the page. */
async function bufferedAtTarget (page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const audio = document.querySelector('audio')!
    const target = audio.duration * 0.8
    for (let i = 0; i < audio.buffered.length; i++) if (audio.buffered.start(i) <= target && audio.buffered.end(i) > target + 0.5) return true
    return false
  })
}

function steps (seek: Seek, events: TraceEvent[]): string {
  const after = events.filter(e => e.t >= seek.at - 1)
  const at = (what: string): string => {
    const event = after.find(e => e.what === what)
    return event ? `+${(event.t - seek.at).toFixed(0)}` : '-'
  }
  const asks = after.find(e => e.what === 'worker-asks')?.detail as { receivedAt?: number } | undefined
  const received = asks?.receivedAt ? `+${(asks.receivedAt - seek.at).toFixed(0)}` : '-'
  return `worker got the request ${received}, page asked ${at('worker-asks')}, reply ${at('reply-sent')}, next chunk ${at('first-chunk')}, seeked ${seek.seeked ? `+${(seek.seeked - seek.at).toFixed(0)}` : '-'}`
}

/**
 * The page's first web-seed request after the seek, from Resource Timing (ms from the seek), and
 * the service worker's static routing verdict on it ('network': the worker was not woken).
 */
async function webSeedTiming (page: Page, seek: Seek): Promise<string> {
  const entry = await page.evaluate(at => {
    const start = at - performance.timeOrigin
    const found = performance.getEntriesByType('resource').find(e => (e as PerformanceResourceTiming).initiatorType === 'fetch' && e.startTime >= start - 1) as
      (PerformanceResourceTiming & { workerMatchedSourceType?: string }) | undefined
    return found && {
      routed: found.workerMatchedSourceType ?? (found.workerStart ? 'through the worker' : 'no worker'),
      fetch: found.startTime - start,
      request: found.requestStart - start,
      headers: found.responseStart - start,
      body: found.responseEnd - start
    }
  }, seek.at)
  if (!entry) return ''
  const ms = (value: number): string => `+${value.toFixed(0)}`
  return `; web seed (${entry.routed}): fetch ${ms(entry.fetch)}, request ${ms(entry.request)}, headers ${ms(entry.headers)}, body ${ms(entry.body)}`
}

async function run (context: BrowserContext, show: PlayerShow, which: Case): Promise<{ ms: number, note: string }> {
  const player = which.startsWith('player')
  const page = await openEpisodePage(context, show, player)
  try {
    await startPlaying(page)
    if (which.endsWith('held') || which.endsWith('buffered')) await waitUntilHeld(page, player)
    const cached = await bufferedAtTarget(page)
    const seek = await seekTo(page, 0.8)
    const note = `target buffered in the element before: ${cached ? 'yes' : 'no'}`
    if (!player) return { ms: seek.ms, note }
    const events = await page.evaluate(() => (window as any).seedcastTrace as TraceEvent[])
    return { ms: seek.ms, note: `${note}; ${steps(seek, events)}${await webSeedTiming(page, seek)}` }
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
  await run(context, show, 'player, right after first audio')
  await run(plainContext, show, 'plain, right after first audio')
  const times = new Map<Case, number[]>(CASES.map(which => [which, []]))
  for (let i = 0; i < RUNS; i++) {
    for (const which of CASES) {
      const result = await run(which.startsWith('player') ? context : plainContext, show, which)
      times.get(which)!.push(result.ms)
      console.log(`${which}: ${result.ms.toFixed(0)} ms (${result.note})`)
    }
  }
  console.log(`\nmedians of ${RUNS}:`)
  for (const [which, list] of times) console.log(`| ${which} | ${median(list).toFixed(0)} ms | ${list.map(ms => ms.toFixed(0)).join(' ')} |`)
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup()
}
