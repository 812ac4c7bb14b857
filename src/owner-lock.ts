import { readFile, rm, writeFile } from 'node:fs/promises'
import lockfile from 'proper-lockfile'
import { fileError, type SeedcastError } from './errors.js'
import { processAlive } from './process-alive.js'

/** Refreshed this often while held; a lock older than STALE_MS with no live owner is taken over. */
const UPDATE_MS = 2_000
const STALE_MS = 10_000

export interface OwnerLock {
  /** proper-lockfile keys the locks a process holds by this path: one of its own per kind of lock. */
  key: string
  lockFile: string
  /** The owner's pid, written beside the lock once it is held. */
  pidFile: string
  /** The error when a live process holds it ('unknown, starting' when it has not written its pid yet). */
  busy: (pid: string) => SeedcastError
  /** The lock was taken over while held: proper-lockfile's default throws from a timer, which would kill a long-running owner. */
  onLost: (error: Error) => void
}

/**
 * One process at a time (serve of a show folder, follow run of a library): a proper-lockfile
 * lock with the owner's pid beside it. A lock whose owner is no longer running (kill -9, a
 * crash) is taken over at once: waiting for proper-lockfile's staleness would refuse a
 * restart for seconds after a SIGKILL. Returns the release.
 */
export async function lockForOwner ({ key, lockFile, pidFile, busy, onLost }: OwnerLock): Promise<() => Promise<void>> {
  const take = () => lockfile.lock(key, { lockfilePath: lockFile, realpath: false, stale: STALE_MS, update: UPDATE_MS, retries: 0, onCompromised: onLost })
  let unlock: () => Promise<void>
  try {
    unlock = await take()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw fileError(error, lockFile, 'lock')
    const owner = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim())
    if (owner && processAlive(owner)) throw busy(String(owner))
    // Locked a moment ago by a process that has not written its pid yet.
    if (!owner) throw busy('unknown, starting')
    // Its owner is gone: left by a killed process.
    await rm(lockFile, { recursive: true, force: true })
    try {
      unlock = await take()
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code === 'ELOCKED') throw busy('unknown, starting')
      throw fileError(again, lockFile, 'lock')
    }
  }
  await writeFile(pidFile, `${process.pid}\n`).catch(async error => {
    await unlock().catch(() => {})
    throw fileError(error, pidFile, 'write')
  })
  return async () => {
    await rm(pidFile, { force: true })
    await unlock().catch(() => { /* already released or taken over */ })
  }
}
