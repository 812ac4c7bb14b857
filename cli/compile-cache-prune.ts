import { readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Bounds the compile cache bin/run.js keeps in ~/.cache/seedcast/compile-cache. Node writes
 * it into one folder per Node version and V8 flags (v24.21.0-x64-964aae3f-0) and one file
 * per compiled script path, and never deletes anything: every Node upgrade leaves a folder
 * behind, and every seedcast upgrade (a new npx or global install path) new files beside
 * the old ones. A day of test runs from several clones had left 304 MiB in 49,000 files.
 * A cache entry deleted costs one slower start, when it is compiled again.
 */
export interface PruneLimits {
  /** Another Node's (or flags') folder untouched this long is removed. */
  otherFolderDays: number
  /** Past this many bytes in the current folder, the least recently written files go... */
  maxBytes: number
  /** ...down to this many. */
  targetBytes: number
}

export const DEFAULT_LIMITS: PruneLimits = { otherFolderDays: 30, maxBytes: 64 * 1024 * 1024, targetBytes: 32 * 1024 * 1024 }

const DAY_MS = 24 * 60 * 60 * 1000

/** Prunes `base` (the folder given to enableCompileCache), keeping `current` (Node's versioned folder in it). */
export function pruneCompileCache (base: string, current: string, limits: PruneLimits = DEFAULT_LIMITS, now = Date.now()): { removedFolders: string[], removedFiles: number, bytesLeft: number } {
  const removedFolders: string[] = []
  for (const entry of readdirSync(base, { withFileTypes: true })) {
    const path = join(base, entry.name)
    if (!entry.isDirectory() || path === current) continue
    if (now - statSync(path).mtimeMs < limits.otherFolderDays * DAY_MS) continue
    rmSync(path, { recursive: true, force: true })
    removedFolders.push(entry.name)
  }
  let files: Array<{ path: string, size: number, mtimeMs: number }> = []
  try {
    files = readdirSync(current).map(name => {
      const path = join(current, name)
      const { size, mtimeMs } = statSync(path)
      return { path, size, mtimeMs }
    })
  } catch { /* no current folder yet */ }
  let bytes = files.reduce((sum, file) => sum + file.size, 0)
  let removedFiles = 0
  if (bytes > limits.maxBytes) {
    for (const file of files.sort((a, b) => a.mtimeMs - b.mtimeMs)) {
      if (bytes <= limits.targetBytes) break
      rmSync(file.path, { force: true })
      bytes -= file.size
      removedFiles++
    }
  }
  return { removedFolders, removedFiles, bytesLeft: bytes }
}

/**
 * Called by bin/run.js at most once a day (the marker's time says when it last was): marks
 * the day first, so that starts meanwhile do not prune too, then prunes in a detached
 * process of its own, which the command neither waits for nor hears from.
 */
export function markPruned (marker: string): void {
  const now = new Date()
  try {
    utimesSync(marker, now, now)
  } catch {
    writeFileSync(marker, '')
  }
}

// `node compile-cache-prune.js <base> <current>`: the detached pruner.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    pruneCompileCache(process.argv[2]!, process.argv[3]!)
  } catch { /* a cache: nothing to report to anyone */ }
}
