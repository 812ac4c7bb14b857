// Where hashing stops being worth a worker thread. Apart from hash-pool.ts, with nothing but
// node:fs, so that the CLI's start-up (cli/hashing-command.ts, loaded by bin/run.js first
// thing) can ask before it loads the pool, its worker module and node:crypto.
import { statSync } from 'node:fs'

/** Inputs of at most this many bytes are hashed on the calling thread alone (hasher.ts). */
export const SMALL_INPUT = 8 * 1024 * 1024

/**
 * Whether `path` is a file small enough to be hashed without workers: then starting one
 * ahead of time (30-60 ms of CPU for its isolate) is work for nothing.
 */
export function isSmallFile (path: string): boolean {
  const found = statSync(path, { throwIfNoEntry: false })
  return found !== undefined && found.isFile() && found.size <= SMALL_INPUT
}
