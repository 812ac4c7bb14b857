import { mkdir, realpath, stat } from 'node:fs/promises'
import { resolve, join } from 'node:path'
import { SeedcastError, fileError } from '../errors.js'
import { showPaths } from '../model/paths.js'
import { lockForOwner } from '../owner-lock.js'

export interface ServeLock {
  release: () => Promise<void>
}

/**
 * Claims each show folder for this `serve` process: `.seedcast/serve.lock` (proper-lockfile,
 * as the show lock) with the owner's pid beside it in `serve.pid`. Two servers on one folder
 * would both rebuild its feeds at a scheduled episode's date, both seed it from one
 * fast-resume state, and take each other's uploads' temporary files for a dead process's.
 * A lock whose owner is no longer running is taken over at once (src/owner-lock.ts).
 * A folder that is not a show folder is left to serveShows to refuse, never written to here.
 */
export async function lockShowsForServing (dirs: string[], onLost: (dir: string, error: Error) => void): Promise<ServeLock> {
  const releases: Array<() => Promise<void>> = []
  const release = async () => { for (const done of releases.splice(0).reverse()) await done() }
  const seen = new Set<string>()
  try {
    for (const dir of dirs) {
      const real = await realpath(dir).catch(() => resolve(dir))
      // The same folder twice is serveShows' EMOUNT, not a second server.
      if (seen.has(real)) continue
      seen.add(real)
      const held = await lockOne(dir, onLost)
      if (held) releases.push(held)
    }
  } catch (error) {
    await release()
    throw error
  }
  return { release }
}

async function lockOne (dir: string, onLost: (dir: string, error: Error) => void): Promise<(() => Promise<void>) | undefined> {
  const { stateDir, showFile } = showPaths(dir)
  // Not a show folder (no show.json): serveShows says so; nothing is written into it.
  if (!await stat(showFile).then(file => file.isFile(), () => false)) return undefined
  try {
    await mkdir(stateDir)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined
    if (code !== 'EEXIST') throw fileError(error, stateDir, 'create')
  }
  // Its own key: locking `dir` would share proper-lockfile's entry with the show lock
  // (withShowLock) this process takes to publish a scheduled episode, whose release then
  // crashed this lock's refresh timer. Lost (taken over while this process was stopped, or
  // .seedcast/ deleted): it keeps serving, and says so.
  return lockForOwner({
    key: join(stateDir, 'serve'),
    lockFile: join(stateDir, 'serve.lock'),
    pidFile: join(stateDir, 'serve.pid'),
    busy: pid => new SeedcastError(`${dir}: already served by another \`seedcast serve\` (pid ${pid})`, { code: 'ESERVED', hint: 'stop it first; one server can serve several show folders' }),
    onLost: error => onLost(dir, error)
  })
}
