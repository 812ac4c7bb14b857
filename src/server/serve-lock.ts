import { mkdir, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises'
import { resolve, join } from 'node:path'
import lockfile from 'proper-lockfile'
import { SeedcastError, fileError } from '../errors.js'
import { showPaths } from '../model/paths.js'
import { processAlive } from '../process-alive.js'

/** Refreshed this often while held; a lock older than STALE_MS with no live owner is taken over. */
const UPDATE_MS = 2_000
const STALE_MS = 10_000

export interface ServeLock {
  release: () => Promise<void>
}

/**
 * Claims each show folder for this `serve` process: `.seedcast/serve.lock` (proper-lockfile,
 * as the show lock) with the owner's pid beside it in `serve.pid`. Two servers on one folder
 * would both rebuild its feeds at a scheduled episode's date, both seed it from one
 * fast-resume state, and take each other's uploads' temporary files for a dead process's.
 * A lock whose owner is no longer running (kill -9, a crash) is taken over at once: waiting
 * for proper-lockfile's staleness would refuse a restart for seconds after a SIGKILL.
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
  const lockPath = join(stateDir, 'serve.lock')
  const pidPath = join(stateDir, 'serve.pid')
  // proper-lockfile keeps its held locks by the path given, not by lockfilePath: locking
  // `dir` here too would share one entry with the show lock (withShowLock) this process takes
  // to publish a scheduled episode, whose release then crashed this lock's refresh timer.
  const take = () => lockfile.lock(join(stateDir, 'serve'), {
    lockfilePath: lockPath,
    realpath: false,
    stale: STALE_MS,
    update: UPDATE_MS,
    retries: 0,
    // Lost (another process took it over while this one was stopped, or .seedcast/ was
    // deleted): proper-lockfile's default throws from a timer, which would kill a running
    // server; it keeps serving, and says so.
    onCompromised: error => onLost(dir, error)
  })
  let unlock: () => Promise<void>
  try {
    unlock = await take()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw fileError(error, lockPath, 'lock')
    const owner = Number((await readFile(pidPath, 'utf8').catch(() => '')).trim())
    if (owner && processAlive(owner)) {
      throw new SeedcastError(`${dir}: already served by another \`seedcast serve\` (pid ${owner})`, { code: 'ESERVED', hint: 'stop it first; one server can serve several show folders' })
    }
    if (!owner) {
      // Locked a moment ago by a server that has not written its pid yet (or by one killed
      // in that moment, then stale within STALE_MS).
      throw new SeedcastError(`${dir}: already served by another \`seedcast serve\` (pid unknown, starting)`, { code: 'ESERVED', hint: 'stop it first; one server can serve several show folders' })
    }
    // Its owner is gone: left by a killed server.
    await rm(lockPath, { recursive: true, force: true })
    try {
      unlock = await take()
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code === 'ELOCKED') throw new SeedcastError(`${dir}: already served by another \`seedcast serve\` (pid unknown, starting)`, { code: 'ESERVED', hint: 'stop it first; one server can serve several show folders' })
      throw fileError(again, lockPath, 'lock')
    }
  }
  await writeFile(pidPath, `${process.pid}\n`).catch(async error => {
    await unlock().catch(() => {})
    throw fileError(error, pidPath, 'write')
  })
  return async () => {
    await rm(pidPath, { force: true })
    await unlock().catch(() => { /* already released or taken over */ })
  }
}
