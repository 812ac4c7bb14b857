import { availableParallelism } from 'node:os'
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { HASH_WORKER_ROLE, type ChunkJob } from './hash-worker.js'

// The worker sits next to this module: hash-worker.js when compiled, hash-worker.ts when
// run from source (vitest, type stripping).
const workerUrl = new URL(`./hash-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url)

interface Pending { resolve: (hashed: number) => void, reject: (error: Error) => void }

/**
 * One hash worker thread, kept for the life of the process: starting a V8 isolate costs
 * 30-60 ms, as much as hashing 100 MB. It is ref'd only while it has work, so an idle
 * worker never keeps the process alive.
 */
class HashWorker {
  readonly worker = new Worker(workerUrl, { workerData: { role: HASH_WORKER_ROLE } })
  private readonly pending = new Map<number, Pending>()
  private nextId = 0
  failed = false

  constructor () {
    this.worker.on('message', (message: { id: number, hashed: number }) => {
      const job = this.pending.get(message.id)
      if (!job) return
      this.pending.delete(message.id)
      if (this.pending.size === 0) this.worker.unref()
      job.resolve(message.hashed)
    })
    this.worker.on('error', error => this.fail(error))
    this.worker.on('exit', code => this.fail(new Error(`hash worker exited with code ${code}`)))
    // After the listeners: attaching a 'message' listener refs the worker again.
    this.worker.unref()
  }

  help (job: ChunkJob): Promise<number> {
    return new Promise((resolve, reject) => {
      if (this.failed) return reject(new Error('hash worker is gone'))
      const id = this.nextId++
      if (this.pending.size === 0) this.worker.ref()
      this.pending.set(id, { resolve, reject })
      this.worker.postMessage({ id, job })
    })
  }

  private fail (error: Error): void {
    this.failed = true
    for (const job of this.pending.values()) job.reject(error)
    this.pending.clear()
    this.worker.unref()
  }
}

const workers: HashWorker[] = []

/**
 * The first `count` shared workers, started on first use. Call it early (for example
 * when a command starts) so the workers boot while other work goes on.
 */
export function hashWorkers (count = defaultWorkerCount()): HashWorker[] {
  for (let i = 0; i < count; i++) {
    if (!workers[i] || workers[i]!.failed) workers[i] = new HashWorker()
  }
  return workers.slice(0, count)
}

/** One worker per core beyond the calling thread, which hashes too. */
export function defaultWorkerCount (): number {
  return Math.max(1, availableParallelism() - 1)
}

/** Sends a chunk to `count` workers; resolves with the pieces they hashed once all are done with it. */
export function helpWithChunk (count: number, job: ChunkJob): Promise<number> {
  return Promise.all(hashWorkers(count).map(worker => worker.help(job))).then(counts => counts.reduce((sum, hashed) => sum + hashed, 0))
}
