import { SeedcastError } from '../errors.js'
import type { SeedEvent } from '../swarm/seed/events.js'
import type { SeedOptions } from '../swarm/seed/seeder.js'
import type { FollowEvent } from './events.js'
import { followPass, seedableTorrents, type PassOptions } from './pass.js'
import { LibrarySeeding } from './seeding.js'
import { loadLibrary } from './state.js'

export interface FollowRunOptions extends Omit<PassOptions, 'all'> {
  /** One pass, then return (cron, tests): nothing is seeded. */
  once?: boolean
  /** Seeding options (port, limits, WebRTC, state folder…), as `seed` takes them. */
  seed?: Omit<SeedOptions, 'onEvent'>
  onSeedEvent?: (event: SeedEvent) => void
  /** Longest sleep between two looks at the state file (a feed added meanwhile is polled within this). */
  idleCheckMs?: number
}

/**
 * `follow run`: a pass over every feed, then (unless `once`) seeding everything the
 * library holds and may share, polling each feed again when it is due, until `signal`
 * aborts. Seeding failures of single torrents are warnings (SeedEvent); a pass never
 * throws for one bad feed or episode, only for a broken library.
 */
export async function runFollow (options: FollowRunOptions): Promise<void> {
  const state = await loadLibrary(options.dir)
  if (state.feeds.length === 0) throw new SeedcastError(`${options.dir}: no feed is followed yet`, { code: 'ENOFEEDS', hint: 'add one with `seedcast follow add <feed-url>`' })
  await followPass({ ...options, all: true })
  if (options.once || options.signal?.aborted) return

  const seeding = new LibrarySeeding({ ...options.seed, onEvent: options.onSeedEvent })
  const reseed = async () => {
    const torrents = new Map((await seedableTorrents(options.dir)).map(t => [t.infoHash, t.torrentPath]))
    try {
      await seeding.update(torrents)
    } catch (err) {
      if (!(err instanceof SeedcastError)) throw err
      options.onSeedEvent?.({ event: 'warning', code: err.code, message: err.message })
    }
  }
  try {
    await reseed()
    while (!options.signal?.aborted) {
      await sleepUntilDue(options)
      if (options.signal?.aborted) break

      await followPass({ ...options, all: false })
      await reseed()
    }
  } finally {
    await seeding.stop(options.signal?.reason instanceof Error ? 'stopped' : String(options.signal?.reason ?? 'stopped'))
  }
}

/** Sleeps until the earliest feed is due (bounded by idleCheckMs), waking early on abort. */
async function sleepUntilDue (options: FollowRunOptions): Promise<void> {
  const state = await loadLibrary(options.dir)
  const next = Math.min(...state.feeds.map(feed => feed.nextCheckAt ? Date.parse(feed.nextCheckAt) : 0))
  const wait = Math.max(0, Math.min(options.idleCheckMs ?? 60_000, (Number.isFinite(next) ? next : Date.now() + 60_000) - Date.now()))
  if (wait === 0) return
  await new Promise<void>(resolve => {
    const timer = setTimeout(done, wait)
    function done () { clearTimeout(timer); options.signal?.removeEventListener('abort', done); resolve() }
    options.signal?.addEventListener('abort', done, { once: true })
  })
}

export type { FollowEvent }
