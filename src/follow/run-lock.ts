import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import lockfile from 'proper-lockfile'
import { SeedcastError, fileError } from '../errors.js'
import { processAlive } from '../process-alive.js'
import { libraryPaths } from './library.js'

/** Refreshed this often while held; a lock older than STALE_MS with no live owner is taken over. */
const UPDATE_MS = 2_000
const STALE_MS = 10_000

/**
 * Claims a library for one `follow run` (a --once one included): `.follow-run.lock`
 * (proper-lockfile) with the owner's pid beside it in `.follow-run.pid`. Two runs at once
 * (a cron `--once` beside the service) downloaded the same episodes into the same
 * `.partial` files: one crashed on a file the other had moved ("this is a bug", exit 70),
 * and the library kept an empty media file under a .torrent of the full one, marked
 * downloaded. A lock whose owner is no longer running (kill -9) is taken over at once.
 * The state lock (`updateLibrary`) stays as it is: `follow add` and the others may run
 * beside a `follow run`; only a second run is refused.
 */
export async function lockLibraryForRun (dir: string, onLost: (error: Error) => void = () => {}): Promise<() => Promise<void>> {
  const paths = libraryPaths(dir)
  await mkdir(dir, { recursive: true }).catch(error => { throw fileError(error, dir, 'create') })
  // Keyed by its own path: proper-lockfile keys held locks by the path given, and the
  // state lock (updateLibrary) locks `dir` itself.
  const take = () => lockfile.lock(join(dir, '.follow-run'), {
    lockfilePath: paths.runLockFile,
    realpath: false,
    stale: STALE_MS,
    update: UPDATE_MS,
    retries: 0,
    // proper-lockfile's default throws from a timer, which would kill the running follower.
    onCompromised: onLost
  })
  const busy = (pid: string) => new SeedcastError(`${dir}: another \`seedcast follow run\` is using it (pid ${pid})`, { code: 'EFOLLOWING', hint: 'one follow run per library: stop it first, or let it fetch (it polls every feed when due)' })
  let unlock: () => Promise<void>
  try {
    unlock = await take()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw fileError(error, paths.runLockFile, 'lock')
    const owner = Number((await readFile(paths.runPidFile, 'utf8').catch(() => '')).trim())
    if (owner && processAlive(owner)) throw busy(String(owner))
    // Locked a moment ago by a run that has not written its pid yet.
    if (!owner) throw busy('unknown, starting')
    // Its owner is gone: left by a killed run.
    await rm(paths.runLockFile, { recursive: true, force: true })
    try {
      unlock = await take()
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code === 'ELOCKED') throw busy('unknown, starting')
      throw fileError(again, paths.runLockFile, 'lock')
    }
  }
  await writeFile(paths.runPidFile, `${process.pid}\n`).catch(async error => {
    await unlock().catch(() => {})
    throw fileError(error, paths.runPidFile, 'write')
  })
  return async () => {
    await rm(paths.runPidFile, { force: true })
    await unlock().catch(() => { /* already released or taken over */ })
  }
}
