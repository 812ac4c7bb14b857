import { mkdir } from 'node:fs/promises'
import lockfile from 'proper-lockfile'
import { SeedcastError, fileError } from '../errors.js'
import { showPaths } from '../model/paths.js'

/** A lock not refreshed for this long belongs to a killed process and is taken over. */
const STALE_MS = 5_000
/** proper-lockfile touches the lock this often while it is held (at most STALE_MS / 2). */
const UPDATE_MS = 1_000

/**
 * Runs `fn` while holding the show folder's lock (.seedcast/lock, a directory made with
 * mkdir, which is atomic). Waiting is bounded (about 30 s of retries, enough for a queue of
 * publishers that only hold it to write the catalog and feeds); a lock left by a SIGKILLed
 * process goes stale after 5 s and is taken over.
 */
export async function withShowLock<T> (dir: string, fn: () => Promise<T>): Promise<T> {
  const paths = showPaths(dir)
  await mkdir(paths.stateDir, { recursive: true }).catch(error => { throw fileError(error, paths.stateDir, 'create') })
  let compromised: Error | undefined
  let release: () => Promise<void>
  try {
    release = await lockfile.lock(dir, {
      lockfilePath: paths.lockFile,
      realpath: false,
      stale: STALE_MS,
      update: UPDATE_MS,
      retries: { retries: 80, factor: 1.3, minTimeout: 10, maxTimeout: 400, randomize: true },
      onCompromised: (error) => { compromised = error }
    })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') {
      throw new SeedcastError(`${dir}: the show folder is busy (locked by another seedcast process)`, {
        code: 'ELOCKED',
        hint: 'wait for it to finish and try again'
      })
    }
    throw fileError(error, paths.lockFile, 'lock')
  }
  try {
    const result = await fn()
    if (compromised) throw new SeedcastError(`${dir}: lost the show folder's lock while writing (${compromised.message})`, { code: 'ELOCKED', hint: 'run `seedcast feed build` to check the feeds' })
    return result
  } finally {
    await release().catch(() => { /* already released or taken over as stale */ })
  }
}
