import { hash } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { extname } from 'node:path'
import { Worker } from 'node:worker_threads'

// The worker sits next to this module: hash-worker.js when compiled, hash-worker.ts when
// run from source (vitest, type stripping).
const workerUrl = new URL(`./hash-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url)

interface Pending { resolve: (digests: Buffer) => void, reject: (error: Error) => void }

/**
 * SHA-1 of pieces held in shared memory, spread over worker threads.
 */
export class HashPool {
  private readonly workers: Worker[] = []
  private readonly pending = new Map<number, Pending & { worker: Worker }>()
  private nextId = 0
  private closed = false

  constructor (readonly threads: number) {
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(workerUrl)
      worker.on('message', (message: { id: number, digests: Uint8Array }) => {
        const job = this.pending.get(message.id)
        if (!job) return
        this.pending.delete(message.id)
        job.resolve(Buffer.from(message.digests.buffer, message.digests.byteOffset, message.digests.byteLength))
      })
      worker.on('error', error => this.failAll(worker, error))
      worker.on('exit', code => { if (!this.closed) this.failAll(worker, new Error(`hash worker exited with code ${code}`)) })
      this.workers.push(worker)
    }
  }

  /**
   * Hashes consecutive pieces of `length` bytes at `offset` in `memory`. `lane` picks the
   * worker, so the caller can split one chunk evenly across threads.
   */
  hashPieces (memory: SharedArrayBuffer, offset: number, length: number, pieceLength: number, lane: number): Promise<Buffer> {
    const worker = this.workers[lane % this.threads]!
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker })
      worker.postMessage({ id, memory, offset, length, pieceLength })
    })
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

/** SHA-1 of consecutive pieces on the calling thread. */
export function hashPiecesHere (memory: SharedArrayBuffer, offset: number, length: number, pieceLength: number): Buffer {
  const count = Math.ceil(length / pieceLength)
  const digests = Buffer.allocUnsafe(count * 20)
  for (let i = 0; i < count; i++) {
    const start = offset + i * pieceLength
    const end = Math.min(start + pieceLength, offset + length)
    hash('sha1', new Uint8Array(memory, start, end - start), 'buffer').copy(digests, i * 20)
  }
  return digests
}
