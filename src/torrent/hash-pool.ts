import { availableParallelism } from 'node:os'
import { LaneError, type ChunkJob, type LaneJob, type WorkerReply, type WorkerRequest } from './hash-worker.js'
import { startHashWorkerThread } from './hash-worker-thread.js'

interface Pending {
  resolve: (reply: { hashed: number, sha256?: string }) => void
  reject: (error: Error) => void
  /** Whether waiting for this keeps the process alive (not for work started on speculation). */
  held: boolean
}

/**
 * How long a hash worker stays without work before it is stopped. Kept between the jobs of
 * one command (starting a V8 isolate costs 30-60 ms, as much as hashing 100 MB), but not for
 * the life of a seeder or a server: an idle worker holds about 15 MiB of RSS (measured on a
 * seeder after its first data check: RssAnon 44 MiB with the worker, 29 without).
 */
let idleLifetimeMs = 5_000

/** Sets how long an idle hash worker is kept (for long-running processes and tests). */
export function setHashWorkerIdleLifetime (ms: number): void {
  idleLifetimeMs = ms
}

/**
 * One hash worker thread, kept while it has work and for idleLifetimeMs after. It is ref'd
 * only while it has work, so an idle worker never keeps the process alive.
 */
class HashWorker {
  readonly worker = startHashWorkerThread()
  private readonly pending = new Map<number, Pending>()
  private nextId = 0
  private holds = 0
  private idleTimer: NodeJS.Timeout | undefined
  failed = false
  /** Stopped after being idle: hashWorkers() starts a new one in its place. */
  retired = false

  constructor () {
    this.worker.on('message', (message: WorkerReply) => {
      const job = this.pending.get(message.id)
      if (!job) return
      this.pending.delete(message.id)
      if (job.held) this.release()
      if (this.pending.size === 0) this.retireWhenIdle()
      if ('hashed' in message) job.resolve(message)
      else if ('failure' in message) job.reject(new LaneError(message.failure))
      else job.reject(new Error(`hash worker: ${message.error}`))
    })
    this.worker.on('error', error => this.fail(error))
    this.worker.on('exit', code => this.fail(new Error(`hash worker exited with code ${code}`)))
    // After the listeners: attaching a 'message' listener refs the worker again.
    this.worker.unref()
  }

  /** Hashes what it can claim of a chunk in shared memory; resolves with the pieces it hashed. */
  help (job: ChunkJob): Promise<number> {
    return this.send(id => ({ id, kind: 'chunk', job })).then(reply => reply.hashed)
  }

  /**
   * Runs a lane of a lane job to its end; resolves with the pieces it hashed. With
   * `held: false` (work started on speculation) the worker does not keep the process
   * alive until `hold` is called for it.
   */
  lane (job: LaneJob, options: { held?: boolean } = {}): { done: Promise<number>, hold: () => void } {
    const { done, hold } = this.laneOf('lanes', job, options)
    return { done: done.then(reply => reply.hashed), hold }
  }

  /** The same for a sequential lane (hash-worker.ts runSequentialLane), which also gives SHA-256. */
  sequentialLane (job: LaneJob, options: { held?: boolean } = {}): { done: Promise<{ hashed: number, sha256?: string }>, hold: () => void } {
    return this.laneOf('sequential', job, options)
  }

  private laneOf (kind: 'lanes' | 'sequential', job: LaneJob, options: { held?: boolean }) {
    let id = -1
    const done = this.send(sent => ({ id: id = sent, kind, job }), options.held !== false)
    const hold = () => {
      const entry = this.pending.get(id)
      if (entry && !entry.held) { entry.held = true; this.retain() }
    }
    return { done, hold }
  }

  private send (request: (id: number) => WorkerRequest, held = true): Promise<{ hashed: number, sha256?: string }> {
    return new Promise((resolve, reject) => {
      if (this.failed || this.retired) return reject(new Error('hash worker is gone'))
      clearTimeout(this.idleTimer)
      const id = this.nextId++
      this.pending.set(id, { resolve, reject, held })
      if (held) this.retain()
      this.worker.postMessage(request(id))
    })
  }

  /** Refs the worker while any held request is pending. */
  private retain (): void {
    if (this.holds++ === 0) this.worker.ref()
  }

  private release (): void {
    if (--this.holds === 0) this.worker.unref()
  }

  /** Stops the worker now if it has no work (hashWorkers() then starts a new one). */
  retireIfIdle (): void {
    if (this.pending.size > 0 || this.failed || this.retired) return
    clearTimeout(this.idleTimer)
    this.retired = true
    void this.worker.terminate()
  }

  /** Stops the worker once it has had no work for idleLifetimeMs (the timer never keeps the process alive). */
  private retireWhenIdle (): void {
    clearTimeout(this.idleTimer)
    this.idleTimer = setTimeout(() => {
      if (this.pending.size > 0) return
      this.retired = true
      void this.worker.terminate()
    }, idleLifetimeMs).unref()
  }

  private fail (error: Error): void {
    this.failed = true
    for (const job of this.pending.values()) job.reject(error)
    this.pending.clear()
    this.holds = 0
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
    if (!workers[i] || workers[i]!.failed || workers[i]!.retired) workers[i] = new HashWorker()
  }
  return workers.slice(0, count)
}

/**
 * Stops the workers that have no work now, rather than after idleLifetimeMs: for a process
 * that will not hash again, so their isolates are torn down on their own threads while it
 * goes on, not at its exit, which waits for them (`seedcast publish` of 100 MiB at load 7:
 * 8 ms less from the 'exit' event to the process reaped).
 */
export function stopIdleHashWorkers (): void {
  for (const worker of workers) worker?.retireIfIdle()
}

/** One worker per core beyond the calling thread, which hashes too. */
export function defaultWorkerCount (): number {
  return Math.max(1, availableParallelism() - 1)
}

/** Sends a chunk to `count` workers; resolves with the pieces they hashed once all are done with it. */
export function helpWithChunk (count: number, job: ChunkJob): Promise<number> {
  return Promise.all(hashWorkers(count).map(worker => worker.help(job))).then(counts => counts.reduce((sum, hashed) => sum + hashed, 0))
}
