import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { SeedcastError, fileError } from '../errors.js'
import { lockForOwner } from '../owner-lock.js'
import { libraryPaths } from './library.js'

/**
 * Claims a library for one `follow run` (a --once one included): `.follow-run.lock`
 * (proper-lockfile) with the owner's pid beside it in `.follow-run.pid`. Two runs at once
 * (a cron `--once` beside the service) downloaded the same episodes into the same
 * `.partial` files: one crashed on a file the other had moved ("this is a bug", exit 70),
 * and the library kept an empty media file under a .torrent of the full one, marked
 * downloaded. A lock whose owner is no longer running (kill -9) is taken over at once
 * (src/owner-lock.ts).
 * The state lock (`updateLibrary`) stays as it is: `follow add` and the others may run
 * beside a `follow run`; only a second run is refused.
 */
export async function lockLibraryForRun (dir: string, onLost: (error: Error) => void = () => {}): Promise<() => Promise<void>> {
  const paths = libraryPaths(dir)
  await mkdir(dir, { recursive: true }).catch(error => { throw fileError(error, dir, 'create') })
  // Keyed by its own path: proper-lockfile keys held locks by the path given, and the
  // state lock (updateLibrary) locks `dir` itself.
  return lockForOwner({
    key: join(dir, '.follow-run'),
    lockFile: paths.runLockFile,
    pidFile: paths.runPidFile,
    busy: pid => new SeedcastError(`${dir}: another \`seedcast follow run\` is using it (pid ${pid})`, { code: 'EFOLLOWING', hint: 'one follow run per library: stop it first, or let it fetch (it polls every feed when due)' }),
    onLost
  })
}
