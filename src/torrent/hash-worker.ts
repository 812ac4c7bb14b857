// SHA-1 of pieces claimed from a shared cursor. Runs as the hasher's worker thread and is
// also imported by the calling thread, which claims from the same cursor: whichever thread
// gets the CPU does the work, so a thread descheduled on a busy machine does not stall
// the other. Two kinds of job: a chunk already read into shared memory (the pass that
// also feeds SHA-256), and lanes that read their own pieces (SHA-1 only).
// Self-contained (only node: imports) so it runs compiled and from source.
import { createHash, hash, type Hash } from 'node:crypto'
import { closeSync, openSync, readSync } from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'

/** One chunk of whole pieces in shared memory, and where its digests go. */
export interface ChunkJob {
  /** The chunk's bytes. */
  memory: SharedArrayBuffer
  /** Bytes in the chunk (the last piece may be short). */
  length: number
  pieceLength: number
  /** Shared Int32Array of claim cursors, one per chunk slot; `slot` is this chunk's. */
  cursors: SharedArrayBuffer
  slot: number
  /** Pieces claimed per step. */
  batch: number
  /** 20 bytes per piece of the whole torrent; this chunk starts at `firstPiece`. */
  digests: SharedArrayBuffer
  firstPiece: number
}

/** Claims batches of the chunk's pieces until none are left; returns how many it hashed. */
export function hashClaimedPieces (job: ChunkJob): number {
  let hashed = 0
  for (let count = hashOneBatch(job); count > 0; count = hashOneBatch(job)) hashed += count
  return hashed
}

/** Claims and hashes one batch of the chunk's pieces; 0 when none are left. */
export function hashOneBatch (job: ChunkJob): number {
  const pieceCount = Math.ceil(job.length / job.pieceLength)
  const first = Atomics.add(new Int32Array(job.cursors), job.slot, job.batch)
  if (first >= pieceCount) return 0
  const last = Math.min(first + job.batch, pieceCount)
  const digests = new Uint8Array(job.digests)
  for (let piece = first; piece < last; piece++) {
    const start = piece * job.pieceLength
    const end = Math.min(start + job.pieceLength, job.length)
    digests.set(hash('sha1', new Uint8Array(job.memory, start, end - start), 'buffer'), (job.firstPiece + piece) * 20)
  }
  return last - first
}

/** One file's part of the byte stream a lane job cuts into pieces. */
export interface LaneSource {
  path: string
  /** Where its bytes start in the file. */
  start: number
  /** Bytes it contributes to the stream. */
  length: number
  /** Bytes actually there; the rest of `length` is hashed as zeros without reading. */
  readable: number
}

/**
 * Pieces of a stream of files hashed by lanes (this thread and workers), each claiming a
 * batch of pieces from a shared cursor, reading those bytes itself and hashing them. No
 * thread orchestrates the others, so a lane keeps going while another thread is busy
 * (the main thread loading modules, say) and no chunk is handed around.
 */
export interface LaneJob {
  sources: LaneSource[]
  pieceLength: number
  totalBytes: number
  /** Pieces claimed per step. */
  batch: number
  /** Shared Int32Array: [0] next piece to claim, [1] pieces hashed so far. */
  state: SharedArrayBuffer
  /** 20 bytes per piece. */
  digests: SharedArrayBuffer
  /** A file that ends early is hashed as if padded with zeros instead of failing. */
  tolerateShortFiles: boolean
}

/** Why a lane stopped: turned into the library's errors by the calling thread. */
export interface LaneFailure { kind: 'open' | 'read' | 'shrank', path: string, code?: string, message: string }

// Fields are declared, not parameter properties: Node runs this file from source with
// type stripping only (a worker under vitest), which refuses parameter properties.
export class LaneError extends Error {
  readonly failure: LaneFailure
  constructor (failure: LaneFailure) { super(failure.message); this.failure = failure }
}

/** Most bytes a lane reads at once: 2 MiB was as fast as larger reads here. */
const LANE_WINDOW = 2 * 1024 * 1024

/** Pieces a lane claims at a time: about one window's worth, at least one piece. */
export function laneBatch (pieceLength: number): number {
  return Math.max(1, Math.floor(LANE_WINDOW / pieceLength))
}

/**
 * One thread's lane: a read buffer and the file it has open. Call `step` until it
 * returns 0, then `close`.
 */
export class Lane {
  private readonly buffer: Buffer
  private readonly ends: number[] = []
  private open?: { index: number, fd: number }
  private partial?: Hash
  private readonly job: LaneJob

  constructor (job: LaneJob) {
    this.job = job
    const window = job.pieceLength >= LANE_WINDOW ? LANE_WINDOW : Math.floor(LANE_WINDOW / job.pieceLength) * job.pieceLength
    this.buffer = Buffer.allocUnsafe(Math.min(window, Math.max(1, job.totalBytes)))
    let end = 0
    for (const source of job.sources) this.ends.push(end += source.length)
  }

  /** Claims and hashes one batch of pieces; returns how many (0 when none are left). */
  step (): number {
    const { job } = this
    const state = new Int32Array(job.state)
    const pieceCount = Math.ceil(job.totalBytes / job.pieceLength)
    const first = Atomics.add(state, 0, job.batch)
    // A stopped job's cursor is STOPPED (2^31 - 1); each later claim wraps it past the Int32
    // range to a negative number, which must read as stopped too, not as piece -2^31.
    if (first < 0 || first >= pieceCount) return 0
    const last = Math.min(first + job.batch, pieceCount)
    const digests = new Uint8Array(job.digests)
    const end = Math.min(last * job.pieceLength, job.totalBytes)
    for (let at = first * job.pieceLength; at < end;) {
      const length = Math.min(this.buffer.length, end - at)
      this.read(at, length)
      // Whole pieces in the window are hashed in one call; a piece longer than the window
      // is fed to an incremental hash window by window.
      for (let offset = 0; offset < length;) {
        const position = at + offset
        const piece = Math.floor(position / job.pieceLength)
        const pieceEnd = Math.min((piece + 1) * job.pieceLength, job.totalBytes)
        const take = Math.min(pieceEnd - position, length - offset)
        const bytes = this.buffer.subarray(offset, offset + take)
        if (this.partial === undefined && position === piece * job.pieceLength && take === pieceEnd - position) {
          digests.set(hash('sha1', bytes, 'buffer'), piece * 20)
        } else {
          (this.partial ??= createHash('sha1')).update(bytes)
          if (position + take === pieceEnd) { digests.set(this.partial.digest(), piece * 20); this.partial = undefined }
        }
        offset += take
      }
      at += length
    }
    Atomics.add(state, 1, last - first)
    return last - first
  }

  /** Makes every other lane stop after its current batch. */
  stopAll (): void {
    Atomics.store(new Int32Array(this.job.state), 0, STOPPED)
  }

  close (): void {
    if (this.open) closeSync(this.open.fd)
    this.open = undefined
  }

  /** Fills the buffer's first `length` bytes with the stream's bytes from `position`. */
  private read (position: number, length: number): void {
    let filled = 0
    let index = firstAtOrAfter(this.ends, position)
    while (filled < length) {
      const source = this.job.sources[index]!
      const sourceStart = this.ends[index]! - source.length
      const from = position + filled - sourceStart
      const want = Math.min(source.length - from, length - filled)
      let done = 0
      const readable = Math.min(Math.max(0, source.readable - from), want)
      if (readable > 0) {
        const fd = this.fdOf(index)
        while (done < readable) {
          let bytesRead: number
          try {
            bytesRead = readSync(fd, this.buffer, filled + done, readable - done, source.start + from + done)
          } catch (error) {
            throw new LaneError({ kind: 'read', path: source.path, code: (error as NodeJS.ErrnoException).code, message: (error as Error).message })
          }
          if (bytesRead === 0) {
            if (this.job.tolerateShortFiles) break
            throw new LaneError({ kind: 'shrank', path: source.path, message: `${source.path}: file shrank while it was being hashed` })
          }
          done += bytesRead
        }
      }
      this.buffer.fill(0, filled + done, filled + want)
      filled += want
      index++
    }
  }

  private fdOf (index: number): number {
    if (this.open?.index === index) return this.open.fd
    this.close()
    const { path } = this.job.sources[index]!
    try {
      this.open = { index, fd: openSync(path, 'r') }
    } catch (error) {
      throw new LaneError({ kind: 'open', path, code: (error as NodeJS.ErrnoException).code, message: (error as Error).message })
    }
    return this.open.fd
  }
}

/** Index of the first source whose end is past `position` (sources of length 0 are skipped). */
function firstAtOrAfter (ends: number[], position: number): number {
  let low = 0
  let high = ends.length - 1
  while (low < high) {
    const middle = (low + high) >> 1
    if (ends[middle]! > position) high = middle
    else low = middle + 1
  }
  return low
}

/** Runs a lane to the end of the job; returns how many pieces it hashed. */
export function runLane (job: LaneJob): number {
  const lane = new Lane(job)
  let hashed = 0
  try {
    for (let count = lane.step(); count > 0; count = lane.step()) hashed += count
  } catch (error) {
    lane.stopAll()
    throw error
  } finally {
    lane.close()
  }
  return hashed
}

/**
 * The lane of an early hash that also gives SHA-256 (a publish started before its command
 * has loaded): it reads a one-file job from start to end, in order, feeding every byte to
 * SHA-256, and hashes the SHA-1 of each batch it can claim in order (the shared cursor
 * still at that batch). Once other lanes join, they claim the batches ahead and this lane
 * only reads for SHA-256. Stops without a digest when the job is stopped.
 */
export function runSequentialLane (job: LaneJob): { hashed: number, sha256?: string } {
  const [source, ...others] = job.sources
  if (!source || others.length > 0 || source.readable < source.length) throw new Error('hash worker: a sequential lane reads one whole file')
  const state = new Int32Array(job.state)
  const digests = new Uint8Array(job.digests)
  const pieceCount = Math.ceil(job.totalBytes / job.pieceLength)
  const buffer = Buffer.allocUnsafe(Math.min(job.batch * job.pieceLength, job.totalBytes))
  const sha256 = createHash('sha256')
  let fd: number
  try {
    fd = openSync(source.path, 'r')
  } catch (error) {
    throw new LaneError({ kind: 'open', path: source.path, code: (error as NodeJS.ErrnoException).code, message: (error as Error).message })
  }
  let hashed = 0
  try {
    for (let piece = 0; piece < pieceCount;) {
      // Stopped (other lanes' claims past STOPPED wrap it negative).
      const cursor = Atomics.load(state, 0)
      if (cursor === STOPPED || cursor < 0) return { hashed }
      const last = Math.min(piece + job.batch, pieceCount)
      const mine = Atomics.compareExchange(state, 0, piece, last) === piece
      const start = piece * job.pieceLength
      const length = Math.min(last * job.pieceLength, job.totalBytes) - start
      for (let done = 0; done < length;) {
        let bytesRead: number
        try {
          bytesRead = readSync(fd, buffer, done, length - done, source.start + start + done)
        } catch (error) {
          throw new LaneError({ kind: 'read', path: source.path, code: (error as NodeJS.ErrnoException).code, message: (error as Error).message })
        }
        if (bytesRead === 0) throw new LaneError({ kind: 'shrank', path: source.path, message: `${source.path}: file shrank while it was being hashed` })
        done += bytesRead
      }
      sha256.update(buffer.subarray(0, length))
      if (mine) {
        for (let at = piece; at < last; at++) {
          const from = (at - piece) * job.pieceLength
          digests.set(hash('sha1', buffer.subarray(from, Math.min(from + job.pieceLength, length)), 'buffer'), at * 20)
        }
        Atomics.add(state, 1, last - piece)
        hashed += last - piece
      }
      piece = last
    }
  } catch (error) {
    Atomics.store(state, 0, STOPPED)
    throw error
  } finally {
    closeSync(fd)
  }
  return { hashed, sha256: sha256.digest('base64') }
}

/** What the cursor of a stopped lane job is set to (no lane claims past it). */
export const STOPPED = 0x7fffffff

export type WorkerRequest = { id: number, kind: 'chunk', job: ChunkJob } | { id: number, kind: 'lanes' | 'sequential', job: LaneJob }
export type WorkerReply = { id: number, hashed: number, sha256?: string } | { id: number, failure: LaneFailure } | { id: number, error: string }

/** Marks the hasher's own worker; the main thread (or someone else's worker) imports this module too. */
export const HASH_WORKER_ROLE = 'seedcast-hash-worker'

if (parentPort && (workerData as { role?: string } | undefined)?.role === HASH_WORKER_ROLE) {
  const port = parentPort
  port.on('message', (message: WorkerRequest) => {
    try {
      const reply: WorkerReply = message.kind === 'chunk'
        ? { id: message.id, hashed: hashClaimedPieces(message.job) }
        : message.kind === 'lanes' ? { id: message.id, hashed: runLane(message.job) } : { id: message.id, ...runSequentialLane(message.job) }
      port.postMessage(reply)
    } catch (error) {
      const reply: WorkerReply = error instanceof LaneError
        ? { id: message.id, failure: error.failure }
        : { id: message.id, error: (error as Error)?.message ?? String(error) }
      port.postMessage(reply)
    }
  })
}
