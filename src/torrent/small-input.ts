// Where hashing stops being worth a worker thread. Apart from hash-pool.ts, with nothing but
// node:fs and node:os, so that the CLI's start-up (cli/hashing-command.ts, loaded by bin/run.js
// first thing) can ask before it loads the pool, its worker module and node:crypto.
import { statSync } from 'node:fs'
import { machineIsBusy } from './busy-machine.js'

/** Inputs of at most this many bytes are hashed on the calling thread alone (hasher.ts). */
export const SMALL_INPUT = 8 * 1024 * 1024

/**
 * What a one-shot command hashes on its own thread when the machine is busy (busy-machine.ts).
 * `seedcast publish` of 100 MiB at load 3-7 on 2 cores, without the worker against with it
 * (9-11 alternated rounds, three series): CPU 500-540 ms against 640-700, wall 587-847 ms
 * against 670-1072. `seedcast create` of 100 MiB: even (CPU 460 against 480); of 1 GiB at
 * load 2.6-3.1 the worker still gained (median 950 ms against 1120), hence the bound.
 */
export const BUSY_SMALL_INPUT = 128 * 1024 * 1024

let aloneWhenBusy = false
let busy: boolean | undefined

/**
 * Makes this process hash inputs up to BUSY_SMALL_INPUT on the calling thread alone when the
 * machine is busy: for a one-shot command (the CLI's create and publish), which has
 * nothing else to do meanwhile. Not for a seeder or a server, whose event loop must stay free
 * while it hashes. Whether the machine is busy is read once, at the first question after
 * this, so every part of the command (bin/run.js's guess, the early hash, the hasher)
 * answers alike.
 */
export function hashAloneWhenBusy (): void {
  aloneWhenBusy = true
}

/** Inputs of at most this many bytes are hashed without workers in this process. */
export function smallInputLimit (): number {
  if (!aloneWhenBusy) return SMALL_INPUT
  busy ??= machineIsBusy()
  return busy ? BUSY_SMALL_INPUT : SMALL_INPUT
}

/**
 * Whether `path` is a file small enough to be hashed without workers: then starting one
 * ahead of time (30-100 ms of CPU for its isolate) is work for nothing.
 */
export function isSmallFile (path: string): boolean {
  const found = statSync(path, { throwIfNoEntry: false })
  return found !== undefined && found.isFile() && found.size <= smallInputLimit()
}
