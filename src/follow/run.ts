import { SeedcastError } from '../errors.js'
import type { SeedEvent } from '../swarm/seed/events.js'
import type { SeedOptions } from '../swarm/seed/seeder.js'
import type { FollowEvent } from './events.js'
import { followPass, seedableTorrents, type PassOptions, type PassResult } from './pass.js'
import { lockLibraryForRun } from './run-lock.js'
import { LibrarySeeding } from './seeding.js'
import { loadLibrary } from './state.js'

export interface FollowRunOptions extends Omit<PassOptions, 'all'> {
  /** One pass, then return (cron, tests): nothing is seeded. */
  once?: boolean
  /** Poll every feed at start, whatever its next poll time (as `once` does). */
  pollNow?: boolean
  /** Seeding options (port, limits, WebRTC, state folder…), as `seed` takes them. */
  seed?: Omit<SeedOptions, 'onEvent'>
  onSeedEvent?: (event: SeedEvent) => void
  /** Longest sleep between two looks at the state file (a feed added meanwhile is polled within this). */
  idleCheckMs?: number
}

/**
 * `follow run`: seeds everything the library holds and may share (from its state file,
 * before any feed is polled: fast resume makes that quick), then a pass over the feeds due
 * (every feed with `pollNow`), then polls each feed again when it is due, until `signal` aborts. Each episode is
 * seeded as soon as it is downloaded, and what retention or `follow remove` takes out is
 * dropped after each pass, all in the one running Seeder. With `once`: one pass, nothing
 * seeded. Seeding failures of single torrents are warnings (SeedEvent); a pass never
 * throws for one bad feed or episode, only for a broken library. With `once` it returns the
 * pass's result, whose `failures` and `feedErrors` a script or cron job acts on.
 */
export async function runFollow (options: FollowRunOptions): Promise<PassResult | undefined> {
  const state = await loadLibrary(options.dir)
  if (state.feeds.length === 0) throw new SeedcastError(`${options.dir}: no feed is followed yet`, { code: 'ENOFEEDS', hint: 'add one with `seedcast follow add <feed-url>`' })
  // One run per library at a time (run-lock.ts): a second is refused before it touches anything.
  const release = await lockLibraryForRun(options.dir)
  try {
    return await runLocked(options)
  } finally {
    await release()
  }
}

async function runLocked (options: FollowRunOptions): Promise<PassResult | undefined> {
  if (options.once) {
    return await followPass({ ...options, all: true })
  }
  if (options.signal?.aborted) return undefined

  const seeding = new LibrarySeeding({ ...options.seed, onEvent: options.onSeedEvent })
  try {
    await seeding.start(await seedableTorrents(options.dir))
    // A restart polls only the feeds due, as the run before would have (feeds never polled
    // are due): polling all at every start made a crash loop (systemd Restart=always) ask
    // every host again at each restart, whatever their intervals and backoff said.
    let all = options.pollNow === true
    while (!options.signal?.aborted) {
      await followPass({ ...options, all, onSeedable: torrent => seeding.add(torrent) })
      all = false
      await seeding.sync(await seedableTorrents(options.dir))
      await sleepUntilDue(options)
    }
    return undefined
  } finally {
    await seeding.stop(options.signal?.reason instanceof Error ? 'stopped' : String(options.signal?.reason ?? 'stopped'))
  }
}

/** Sleeps until the earliest feed is due (bounded by idleCheckMs), waking early on abort. */
async function sleepUntilDue (options: FollowRunOptions): Promise<void> {
  const state = await loadLibrary(options.dir)
  // Gone feeds (410) are never due: they must not wake the loop at their last backoff time.
  const next = Math.min(...state.feeds.filter(feed => !feed.goneAt).map(feed => feed.nextCheckAt ? Date.parse(feed.nextCheckAt) : 0))
  const wait = Math.max(0, Math.min(options.idleCheckMs ?? 60_000, (Number.isFinite(next) ? next : Date.now() + 60_000) - Date.now()))
  // A stop asked for during the pass has already fired 'abort': waiting for it again slept
  // the whole wait (a minute) before `follow run` stopped.
  if (wait === 0 || options.signal?.aborted) return
  await new Promise<void>(resolve => {
    const timer = setTimeout(done, wait)
    function done () { clearTimeout(timer); options.signal?.removeEventListener('abort', done); resolve() }
    options.signal?.addEventListener('abort', done, { once: true })
  })
}

export type { FollowEvent }
