import { constants, existsSync, rmSync, statSync } from 'node:fs'
import { copyFile, open, rename, rm } from 'node:fs/promises'
import { resolve } from 'node:path'
import { showPaths } from '../model/paths.js'
import { tempPath } from './reservations.js'

// `seedcast publish MEDIA` spends a few hundred ms loading its modules before publish()
// copies MEDIA into the show; the copy and its fsync (as long as the hashing, on this
// machine kind) can run meanwhile. bin/run.js starts it as soon as it has read the command
// line: into the show's .seedcast/tmp/, under this process's pid like every temp file of a
// publish, so a killed run's copy is swept by the next publish (reservations.ts). publish
// adopts it only if it is of the very file it publishes, unchanged since (device, inode,
// size, mtime, ctime), and finished; any other early copy is removed. A wrong guess costs
// some disk writes, never a wrong episode.

/** Below this, copying early saves less than it may waste. */
const EARLY_MINIMUM = 8 * 1024 * 1024

interface EarlyCopy { source: string, identity: string, temp: string, done: Promise<boolean> }
let early: EarlyCopy | undefined

const identityOf = (path: string) => {
  const found = statSync(path, { throwIfNoEntry: false })
  return found?.isFile() ? { size: found.size, key: `${found.dev}:${found.ino}:${found.size}:${found.mtimeMs}:${found.ctimeMs}` } : undefined
}

/**
 * Starts copying `mediaPath` into the show folder `showDir` (then fsync), if that folder is
 * a show with its .seedcast/tmp/ already there: nothing is created anywhere else.
 */
export function startEarlyCopy (showDir: string, mediaPath: string): void {
  const paths = showPaths(resolve(showDir))
  const source = resolve(mediaPath)
  const found = identityOf(source)
  if (early || !found || found.size <= EARLY_MINIMUM || !existsSync(paths.showFile) || !existsSync(paths.tmpDir)) return
  const temp = tempPath(paths, 'early')
  // Ctrl-C or a SIGTERM while the command loads ends the process without 'exit', and the
  // copy (as large as MEDIA) would stay until the next publish swept it. So it is removed,
  // then the signal goes on to the default action (or to the listeners installed since):
  // the exit status is the signal's, as before. Listening before the copy starts: a thread
  // of libuv creates the file, maybe before this thread would get to the next line.
  const onSignal = (signal: NodeJS.Signals) => {
    stopListening()
    if (early?.temp === temp) rmSync(temp, { force: true })
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal)
  }
  const stopListening = () => { for (const signal of STOP_SIGNALS) process.off(signal, onSignal) }
  for (const signal of STOP_SIGNALS) process.once(signal, onSignal)
  releaseSignals = stopListening
  // Not adopted by the time the process ends (publish failed before its copy): removed.
  process.once('exit', () => { if (early?.temp === temp) rmSync(temp, { force: true }) })
  early = { source, identity: found.key, temp, done: Promise.resolve(false) }
  early.done = copyFile(source, temp, constants.COPYFILE_FICLONE)
    .then(async () => {
      const file = await open(temp, 'r+')
      try { await file.sync() } finally { await file.close() }
      return true
    })
    .catch(async () => { await rm(temp, { force: true }); return false })
}

/** Signals that end a publish by default: each would leave the early copy behind. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const
let releaseSignals: (() => void) | undefined

/** The early copy is adopted or gone: signals take their usual course again. */
function settle (): void {
  early = undefined
  releaseSignals?.()
  releaseSignals = undefined
}

/**
 * Moves the early copy of `mediaPath` to `destination` (a temp path of the same show) and
 * says so, once it is finished, if it is of that file as it is now; otherwise removes it
 * (if any) and returns false, and the caller copies as usual.
 */
export async function takeEarlyCopy (mediaPath: string, destination: string): Promise<boolean> {
  const found = early
  if (!found) return false
  const source = resolve(mediaPath)
  const sameFolder = resolve(destination, '..') === resolve(found.temp, '..')
  // Awaited whatever the answer: removing the temp file while the copy may still be about
  // to create it would leave a whole copy of the wrong file behind.
  const finished = await found.done
  const copied = source === found.source && sameFolder && finished
  try {
    if (copied && identityOf(source)?.key === found.identity) {
      await rename(found.temp, destination)
      return true
    }
    await rm(found.temp, { force: true })
    return false
  } finally {
    if (early === found) settle()
  }
}

/** Removes the early copy, if any (publish is not copying the file as it is). */
export async function dropEarlyCopy (): Promise<void> {
  const found = early
  settle()
  if (!found) return
  await found.done
  await rm(found.temp, { force: true })
}
