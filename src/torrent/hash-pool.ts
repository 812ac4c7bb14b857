import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { ChunkJob } from './hash-worker.js'

// The worker sits next to this module: hash-worker.js when compiled, hash-worker.ts when
// run from source (vitest, type stripping).
const workerUrl = new URL(`./hash-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url)

interface Pending { resolve: (hashed: number) => void, reject: (error: Error) => void, worker: Worker }

/** Worker threads that help hash chunks of pieces (see hash-worker.ts). */
export class HashPool {
  private readonly workers: Worker[] = []
  private readonly pending = new Map<number, Pending>()
  private nextId = 0
  private closed = false

  constructor (readonly threads: number) {
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(workerUrl)
      worker.on('message', (message: { id: number, hashed: number }) => {
        const job = this.pending.get(message.id)
        if (!job) return
        this.pending.delete(message.id)
        job.resolve(message.hashed)
      })
      worker.on('error', error => this.failAll(worker, error))
      worker.on('exit', code => { if (!this.closed) this.failAll(worker, new Error(`hash worker exited with code ${code}`)) })
      this.workers.push(worker)
    }
  }

  /** Sends the chunk to every worker; resolves with the pieces they hashed once all are done with it. */
  help (job: ChunkJob): Promise<number> {
    return Promise.all(this.workers.map(worker => new Promise<number>((resolve, reject) => {
      const id = this.nextId++
      this.pending.set(id, { resolve, reject, worker })
      worker.postMessage({ id, job })
    }))).then(counts => counts.reduce((sum, count) => sum + count, 0))
  }

  async close (): Promise<void> {
    this.closed = true
    await Promise.all(this.workers.map(worker => worker.terminate()))
    this.failAll(undefined, new Error('hash pool closed'))
  }

  private failAll (worker: Worker | undefined, error: Error): void {
    for (const [id, job] of this.pending) {
      if (worker && job.worker !== worker) continue
      this.pending.delete(id)
      job.reject(error)
    }
  }
}
