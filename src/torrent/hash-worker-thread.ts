// Starts hash-worker.ts's thread. Kept apart from hash-pool.ts and with nothing but Node's
// worker_threads, so that the CLI can start the thread first thing for a command that will
// hash (startHashWorkerEarly; which commands is the CLI's guess, cli/hashing-command.ts): a
// V8 isolate takes about 25 ms of CPU to boot, and booted from the process's first
// millisecond it does so on the other core while this thread loads the command (importing
// hash-pool.ts with node:crypto and the CLI's start-up modules first took 10-15 ms, with
// that core idle). hash-pool.ts adopts the thread.
import { Worker } from 'node:worker_threads'

/** Marks the hasher's own worker (hash-worker.ts has the same string: it imports nothing of ours). */
export const HASH_WORKER_ROLE = 'seedcast-hash-worker'

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
 * Starts a hash worker thread now, ahead of need, unless one is already waiting; the next
 * startHashWorkerThread takes it. Never needed, it costs the thread's boot, nothing else:
 * it is unref'd, so it never keeps the process alive.
 */
export function startHashWorkerEarly (): void {
  if (early) return
  const worker = new Worker(workerUrl, { workerData: { role: HASH_WORKER_ROLE } })
  const started = { worker, gone: false }
  const gone = () => { started.gone = true }
  // Until adopted: an error or exit only marks the thread as not to be adopted.
  worker.on('error', gone).on('exit', gone)
  worker.unref()
  early = started
}
