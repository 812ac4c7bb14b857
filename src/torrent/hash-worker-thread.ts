// Starts hash-worker.ts's thread. Kept apart from hash-pool.ts and with nothing but Node's
// worker_threads and fs, so that bin/run.js can start the thread first thing for a command
// that hashes (startHashWorkerEarly): a V8 isolate takes about 25 ms of CPU to boot, and
// booted from the process's first millisecond it does so on the other core while this
// thread loads the command (importing hash-pool.ts with node:crypto and the CLI's start-up
// modules first took 10-15 ms, with that core idle). hash-pool.ts adopts the thread.
import { statSync } from 'node:fs'
import { Worker } from 'node:worker_threads'

/** Marks the hasher's own worker (hash-worker.ts has the same string: it imports nothing of ours). */
export const HASH_WORKER_ROLE = 'seedcast-hash-worker'

/** Inputs of at most this many bytes are hashed on the calling thread alone (hasher.ts). */
export const SMALL_INPUT = 8 * 1024 * 1024

// The worker sits next to this module: hash-worker.js when compiled, hash-worker.ts when
// run from source (vitest, type stripping).
const workerUrl = new URL(`./hash-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url)

/** A thread started ahead of need, and whether it has already stopped (it is then not adopted). */
let early: { worker: Worker, gone: boolean } | undefined

/** A new hash worker thread, or the one startHashWorkerEarly started if it still runs. */
export function startHashWorkerThread (): Worker {
  const found = early
  early = undefined
  if (found && !found.gone) {
    found.worker.removeAllListeners()
    return found.worker
  }
  return new Worker(workerUrl, { workerData: { role: HASH_WORKER_ROLE } })
}

/**
 * Starts a hash worker thread now if the command line (the CLI's argv) is one that will
 * want it: `verify`, and `create` or `publish` of a folder or of a file larger than
 * SMALL_INPUT (a smaller one is hashed without workers). A guess from the arguments alone
 * (the command later decides exactly); a wrong one costs the thread's boot, nothing else:
 * the thread is unref'd, so it never keeps the process alive, and the next
 * startHashWorkerThread takes it.
 */
export function startHashWorkerEarly (argv: string[]): void {
  const [command, ...rest] = argv
  if (early || rest.includes('--help')) return
  if (command !== 'verify' && !((command === 'create' || command === 'publish') && rest.some(isLargeInput))) return
  const worker = new Worker(workerUrl, { workerData: { role: HASH_WORKER_ROLE } })
  const started = { worker, gone: false }
  const gone = () => { started.gone = true }
  // Until adopted: an error or exit only marks the thread as not to be adopted.
  worker.on('error', gone).on('exit', gone)
  worker.unref()
  early = started
}

function isLargeInput (arg: string): boolean {
  if (arg.startsWith('-')) return false
  try {
    const found = statSync(arg, { throwIfNoEntry: false })
    return found !== undefined && (found.isDirectory() || (found.isFile() && found.size > SMALL_INPUT))
  } catch {
    return false
  }
}
