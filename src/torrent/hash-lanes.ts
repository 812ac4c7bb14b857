import { statSync } from 'node:fs'
import { resolve } from 'node:path'
import { SeedcastError, fileError } from '../errors.js'
import { defaultWorkerCount, hashWorkers, stopIdleHashWorkers } from './hash-pool.js'
import { hashStats } from './hash-stats.js'
import { Lane, LaneError, STOPPED, laneBatch, type LaneJob } from './hash-worker.js'
import type { HashOptions, HashSource } from './hasher.js'
import { choosePieceLength } from './piece-length.js'

/**
 * SHA-1 of the pieces of `sources` by lanes: this thread (unless `mainLane` is false) and
 * `workers` worker threads each claim a batch of pieces, read those bytes themselves with
 * plain positioned reads and hash them. No chunk is read ahead and handed around, and no
 * lane waits for this thread's event loop, so every core hashes from its first moment.
 * (SHA-256 needs one sequential pass over the bytes: hasher.ts keeps a shared-chunk
 * pipeline for that.)
 */
export async function hashInLanes (sources: HashSource[], options: HashOptions, plan: { workers: number, mainLane: boolean }, early = takeEarlyHash(sources, options)): Promise<Buffer> {
  const { pieceLength, signal, onProgress } = options
  const job = early?.job ?? laneJob(sources, options)
  const { totalBytes } = job
  const pieceCount = Math.ceil(totalBytes / pieceLength)
  const state = new Int32Array(job.state)
  const stopAll = () => Atomics.store(state, 0, STOPPED)
  const hashedBytes = () => Math.min(Atomics.load(state, 1) * pieceLength, totalBytes)
  const workers = early?.workers ?? hashWorkers(plan.workers).map(worker => worker.lane(job).done)
  // A failed worker stops the others at once (awaited and reported below).
  for (const worker of workers) worker.catch(stopAll)
  // So does an abort: this thread sees it only after its current step and a turn of its event
  // loop, and a worker went on claiming pieces meanwhile (hundreds more, at load 8).
  signal?.addEventListener('abort', stopAll, { once: true })

  let reported = -1
  const report = () => {
    const done = hashedBytes()
    if (done > reported) onProgress?.(reported = done, totalBytes)
  }
  try {
    if (plan.mainLane || workers.length === 0) {
      const lane = new Lane(job)
      try {
        while (true) {
          signal?.throwIfAborted()
          if (lane.step() === 0) break
          report()
          // Let the event loop run (progress output, an abort) while workers hash too.
          if (workers.length > 0) await yieldToEventLoop()
        }
      } finally {
        lane.close()
      }
    }
    await Promise.all(workers)
    signal?.throwIfAborted()
  } catch (error) {
    stopAll()
    await Promise.allSettled(workers)
    throw laneError(error)
  } finally {
    signal?.removeEventListener('abort', stopAll)
    hashStats.piecesHashed += Math.min(Atomics.load(state, 1), pieceCount)
  }
  report()
  // An early job is a command's one hashing run (startEarlyHash): its workers are not needed again.
  if (early) stopIdleHashWorkers()
  return Buffer.from(job.digests)
}

function laneJob (sources: HashSource[], options: Pick<HashOptions, 'pieceLength' | 'tolerateShortFiles'>): LaneJob {
  const totalBytes = sources.reduce((sum, source) => sum + source.length, 0)
  return {
    sources: sources.map(source => ({
      path: source.absolutePath,
      start: source.start ?? 0,
      length: source.length,
      readable: Math.max(0, Math.min(source.readable ?? source.length, source.length))
    })),
    pieceLength: options.pieceLength,
    totalBytes,
    batch: laneBatch(options.pieceLength),
    state: new SharedArrayBuffer(8),
    digests: new SharedArrayBuffer(Math.ceil(totalBytes / options.pieceLength) * 20),
    tolerateShortFiles: options.tolerateShortFiles === true
  }
}

/** Below this, starting hashing early saves less than it may waste. */
const EARLY_MINIMUM = 8 * 1024 * 1024

interface EarlyHash {
  path: string
  identity: string
  pieceLength: number
  job: LaneJob
  workers: Promise<number>[]
  /** The file's SHA-256 (base64) when started with `sha256`; undefined if the job was stopped. */
  sha256?: Promise<string | undefined>
  /** Makes the workers keep the process alive until they are done. */
  hold: () => void
}
let early: EarlyHash | undefined

/** What tells a file's content changed (or it was replaced) between a stat and another. */
const identityOf = (path: string) => {
  const found = statSync(path, { throwIfNoEntry: false })
  return found?.isFile() ? { size: found.size, key: `${found.dev}:${found.ino}:${found.size}:${found.mtimeMs}:${found.ctimeMs}` } : undefined
}

/**
 * Starts hashing one file on the worker threads before anyone asked: `seedcast create`
 * calls it with its input while oclif loads (a few hundred ms with one core idle). The
 * next `hashFiles` of exactly that file with that piece length (and unchanged since)
 * takes over the running job and only joins in; anything else stops it. Until then the
 * workers do not keep the process alive, so a command that fails first just exits. Once
 * the job is done, the idle workers are stopped (stopIdleHashWorkers): it is the command's
 * only hashing.
 * `pieceLength` defaults to what createTorrent picks for the file's size.
 */
export function startEarlyHash (file: string, pieceLength?: number, options: { sha256?: boolean } = {}): void {
  const path = resolve(file)
  const found = identityOf(path)
  if (early || !found || found.size <= EARLY_MINIMUM) return
  const chosen = pieceLength ?? choosePieceLength(found.size)
  const job = laneJob([{ absolutePath: path, length: found.size }], { pieceLength: chosen })
  const [first, ...rest] = hashWorkers(defaultWorkerCount())
  // With SHA-256 (publish) the first worker reads the file in order for it, hashing the
  // SHA-1 of the pieces no one else has claimed yet; the others run plain lanes.
  const sequential = options.sha256 ? first!.sequentialLane(job, { held: false }) : undefined
  const lanes = [...(sequential ? [] : [first!]), ...rest].map(worker => worker.lane(job, { held: false }))
  const workers = [...(sequential ? [sequential.done.then(reply => reply.hashed)] : []), ...lanes.map(lane => lane.done)]
  for (const worker of workers) worker.catch(() => {}) // reported by whoever takes it over
  const sha256 = sequential?.done.then(reply => reply.sha256)
  sha256?.catch(() => {})
  const hold = () => { for (const lane of [...lanes, ...(sequential ? [sequential] : [])]) lane.hold() }
  early = { path, identity: found.key, pieceLength: chosen, job, workers, sha256, hold }
}

/**
 * SHA-1 pieces and SHA-256 of one file from an early hash started on it with `sha256`
 * (the publish command's), this thread joining the SHA-1 lanes; undefined when there is
 * no such job for exactly this file and piece length (any other is stopped), and the
 * caller hashes as usual.
 */
export async function hashEarlyWithSha256 (sources: HashSource[], options: HashOptions): Promise<{ pieces: Buffer, sha256: string[] } | undefined> {
  const found = takeEarlyHash(sources, options)
  if (!found) return undefined
  if (!found.sha256) {
    Atomics.store(new Int32Array(found.job.state), 0, STOPPED)
    return undefined
  }
  const pieces = await hashInLanes(sources, options, { workers: 0, mainLane: true }, found)
  const sha256 = await found.sha256
  if (sha256 === undefined) throw new Error('hasher: the early SHA-256 pass stopped before the end')
  return { pieces, sha256: [sha256] }
}

/** The early job if it hashes exactly these sources this way; else stops it (if any). */
function takeEarlyHash (sources: HashSource[], options: HashOptions): EarlyHash | undefined {
  const found = early
  early = undefined
  if (!found) return undefined
  const [only] = sources
  const same = sources.length === 1 && only!.absolutePath === found.path && (only!.start ?? 0) === 0 &&
    only!.length === found.job.totalBytes && (only!.readable ?? only!.length) >= only!.length &&
    options.pieceLength === found.pieceLength && !options.tolerateShortFiles && identityOf(found.path)?.key === found.identity
  if (!same) {
    Atomics.store(new Int32Array(found.job.state), 0, STOPPED)
    return undefined
  }
  found.hold()
  hashStats.earlyTakenOver++
  return found
}

const yieldToEventLoop = () => new Promise<void>(resolve => setImmediate(resolve))

/** A lane's failure in the library's words (the same as the chunk pipeline's). */
function laneError (error: unknown): unknown {
  if (!(error instanceof LaneError)) return error
  const { kind, path, code, message } = error.failure
  if (kind === 'shrank') return new SeedcastError(`${path}: file shrank while it was being hashed`, { code: 'ECHANGED', hint: 'run again once nothing is writing to it' })
  return fileError(Object.assign(new Error(message), { code }), path, 'read')
}
