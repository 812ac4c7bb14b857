import { createHash, type Hash } from 'node:crypto'
import { open, type FileHandle } from 'node:fs/promises'
import { SeedcastError, fileError } from '../errors.js'
import { defaultWorkerCount, hashWorkers, helpWithChunk } from './hash-pool.js'
import { isSmallFile, smallInputLimit } from './small-input.js'
import { hashOneBatch, type ChunkJob } from './hash-worker.js'
import { hashStats } from './hash-stats.js'
import { hashEarlyWithSha256, hashInLanes } from './hash-lanes.js'

/** One file in the byte stream that is cut into pieces. */
export interface HashSource {
  absolutePath: string
  /** Bytes this file contributes to the stream. */
  length: number
  /** Where those bytes start in the file (default 0): a source may be a slice of a file. */
  start?: number
  /**
   * Bytes actually on disk (verify: a short or missing file). The rest of `length` is
   * hashed as zeros without reading; the caller marks those pieces bad itself.
   */
  readable?: number
}

export interface HashOptions {
  pieceLength: number
  /** Also compute each file's SHA-256 (base64, for SRI integrity) in the same pass. */
  sha256?: boolean
  onProgress?: (doneBytes: number, totalBytes: number) => void
  signal?: AbortSignal
  /** Worker threads for SHA-1; default: none for small inputs, else one per core beyond this thread (hash-pool.ts). */
  threads?: number
  /** Let the calling thread hash too (default true). */
  mainLane?: boolean
  /** Verify mode: a file that ends early is padded with zeros instead of failing. */
  tolerateShortFiles?: boolean
  /**
   * Hash only these pieces of the stream (indexes, any order): only their bytes are read.
   * The result's `pieces` then holds their digests in ascending piece order. Not with
   * `sha256`, which needs every byte.
   */
  pieces?: readonly number[]
}

export interface HashResult {
  /** Concatenated 20-byte SHA-1 digests, one per piece (per piece asked for, with the `pieces` option). */
  pieces: Buffer
  /** Per source, base64 SHA-256 of its `length` bytes (only with `sha256`). */
  sha256?: string[]
}

// 2 MiB reads into three reused chunks: measured as fast as larger ones here (1-8 MiB), and
// peak RSS of a 1 GiB create stays well under 100 MiB.
const CHUNK_TARGET = 2 * 1024 * 1024
const MEMORY_BUDGET = 6 * 1024 * 1024
/** Pieces are claimed about this many bytes at a time: small enough to balance, large enough to be cheap. */
const BATCH_BYTES = 512 * 1024

/**
 * Cuts the concatenation of `sources` into pieces and hashes them. Without SHA-256 every
 * thread reads and hashes pieces it claims (hash-lanes.ts). With it, the files are read
 * once, in order, with large reads into a few reused shared-memory chunks (so memory
 * stays bounded whatever the size); every chunk holds whole pieces, so pieces spanning
 * file boundaries need no special case, and worker threads hash a chunk's pieces while
 * the next chunk is read. The per-file SHA-256 is fed from the same chunks.
 */
export async function hashFiles (sources: HashSource[], options: HashOptions): Promise<HashResult> {
  if (options.pieces) {
    if (options.sha256) throw new Error('hasher: sha256 needs every byte; it cannot be had with a subset of the pieces')
    return hashFiles(slicePieces(sources, options.pieces, options.pieceLength), { ...options, pieces: undefined })
  }
  const { pieceLength, signal } = options
  signal?.throwIfAborted()
  if (!options.sha256) return { pieces: await hashInLanes(sources, options, planThreads(sources.reduce((sum, source) => sum + source.length, 0), options)) }
  const early = await hashEarlyWithSha256(sources, options)
  if (early) return early
  const totalBytes = sources.reduce((sum, source) => sum + source.length, 0)
  const pieceCount = Math.ceil(totalBytes / pieceLength)
  const digests = new SharedArrayBuffer(pieceCount * 20)
  // At least two pieces a chunk, so two threads can share every chunk; no larger than the
  // input (a small torrent's few pieces need no 2 MiB of shared memory).
  const chunkSize = pieceLength * Math.min(Math.max(2, Math.floor(CHUNK_TARGET / pieceLength)), Math.max(1, pieceCount))
  const slotCount = Math.min(3, Math.max(2, Math.floor(MEMORY_BUDGET / chunkSize)), Math.max(1, Math.ceil(totalBytes / chunkSize)))
  const slots = Array.from({ length: slotCount }, () => new SharedArrayBuffer(chunkSize))
  const cursors = new SharedArrayBuffer(4 * slotCount)
  const freeSlots = slots.map((_, index) => index)
  const batch = Math.max(1, Math.floor(BATCH_BYTES / pieceLength))
  const plan = planThreads(totalBytes, options)

  const reader = new SourceReader(sources, options)
  const fileDigests = options.sha256 ? new FileDigests(sources) : undefined
  const inFlight = new Set<Promise<void>>()
  let failure: unknown
  let doneBytes = 0

  const fillNext = async (chunkStart: number) => {
    while (freeSlots.length === 0 && failure === undefined) await Promise.race(inFlight)
    if (failure !== undefined) throw failure
    signal?.throwIfAborted()
    const slot = freeSlots.pop()!
    const target = new Uint8Array(slots[slot]!, 0, Math.min(chunkSize, totalBytes - chunkStart))
    const segments = await reader.fill(target)
    return { slot, chunkStart, filled: target.length, segments }
  }

  // Reads run ahead of hashing by up to READ_AHEAD chunks, one after the other (the
  // reader is sequential), each waiting for a free slot.
  const pending: Promise<{ slot: number, chunkStart: number, filled: number, segments: Segment[] }>[] = []
  let planned = 0
  let chain: Promise<unknown> = Promise.resolve()
  const scheduleReads = () => {
    while (pending.length < Math.max(1, slotCount - 1) && planned < totalBytes) {
      const start = planned
      planned += Math.min(chunkSize, totalBytes - start)
      const fill = chain.then(() => fillNext(start))
      fill.catch(() => {}) // awaited in order below; this only keeps an early exit from leaving it unhandled
      chain = fill
      pending.push(fill)
    }
  }

  scheduleReads()
  try {
    while (pending.length > 0) {
      const { slot, chunkStart, filled, segments } = await pending.shift()!
      signal?.throwIfAborted()
      const job: ChunkJob = { memory: slots[slot]!, length: filled, pieceLength, cursors, slot, batch, digests, firstPiece: chunkStart / pieceLength }
      Atomics.store(new Int32Array(cursors), slot, 0)
      const helped = helpWithChunk(plan.workers, job)
      scheduleReads()
      // SHA-256 first, while the workers start on the SHA-1 of this chunk; this thread
      // then claims whatever SHA-1 is left, which keeps both cores busy.
      fileDigests?.update(new Uint8Array(slots[slot]!, 0, filled), segments)
      if (plan.mainLane) {
        // Hash a batch at a time and let the event loop run in between, so finished reads
        // are followed by the next ones at once and the workers are never kept waiting.
        while (hashOneBatch(job) > 0) if (plan.workers > 0) await yieldToEventLoop()
      }
      const done: Promise<void> = helped.then(() => {
        hashStats.piecesHashed += Math.ceil(filled / pieceLength)
        doneBytes += filled
        freeSlots.push(slot)
        options.onProgress?.(doneBytes, totalBytes)
      }, (error: unknown) => { failure ??= error }).finally(() => inFlight.delete(done))
      inFlight.add(done)
    }
    await Promise.all(inFlight)
    if (failure !== undefined) throw failure
    signal?.throwIfAborted()
    return { pieces: Buffer.from(digests), sha256: fileDigests?.digests() }
  } finally {
    await reader.close()
  }
}

/**
 * The stream made only of the asked pieces, in ascending order: each run of consecutive
 * pieces becomes slices of the files it covers. Every run but the last is whole pieces,
 * and only the stream's last piece can be short, so the new stream cuts into exactly the
 * asked pieces.
 */
function slicePieces (sources: HashSource[], pieces: readonly number[], pieceLength: number): HashSource[] {
  const totalBytes = sources.reduce((sum, source) => sum + source.length, 0)
  const pieceCount = Math.ceil(totalBytes / pieceLength)
  const sorted = [...new Set(pieces)].sort((a, b) => a - b)
  const wrong = sorted.find(piece => !Number.isInteger(piece) || piece < 0 || piece >= pieceCount)
  if (wrong !== undefined) throw new Error(`hasher: piece ${wrong} is not one of the ${pieceCount} pieces`)
  const slices: HashSource[] = []
  for (let at = 0; at < sorted.length;) {
    let end = at
    while (end + 1 < sorted.length && sorted[end + 1] === sorted[end]! + 1) end++
    const from = sorted[at]! * pieceLength
    const to = Math.min((sorted[end]! + 1) * pieceLength, totalBytes)
    let offset = 0
    for (const source of sources) {
      const sliceFrom = Math.max(from, offset)
      const sliceTo = Math.min(to, offset + source.length)
      if (sliceFrom < sliceTo) {
        const skip = sliceFrom - offset
        const readable = Math.min(source.readable ?? source.length, source.length)
        slices.push({
          absolutePath: source.absolutePath,
          start: (source.start ?? 0) + skip,
          length: sliceTo - sliceFrom,
          readable: Math.max(0, Math.min(readable - skip, sliceTo - sliceFrom))
        })
      }
      offset += source.length
    }
    at = end + 1
  }
  return slices
}

const yieldToEventLoop = () => new Promise<void>(resolve => setImmediate(resolve))

/**
 * Who hashes. Small inputs: this thread alone (starting a worker costs more than it
 * saves; in a one-shot command on a busy machine, inputs up to BUSY_SMALL_INPUT:
 * small-input.ts). Otherwise one worker per spare core and this thread too, all claiming
 * pieces from the same chunk; one worker plus this thread was as fast as two workers on two
 * cores and saves a V8 isolate's memory.
 */
function planThreads (totalBytes: number, options: HashOptions): { workers: number, mainLane: boolean } {
  if (options.threads !== undefined) return { workers: options.threads, mainLane: options.threads === 0 || options.mainLane !== false }
  if (totalBytes <= smallInputLimit()) return { workers: 0, mainLane: true }
  return { workers: defaultWorkerCount(), mainLane: options.mainLane !== false }
}

/** Reads the sources as one continuous stream, feeding the optional per-file SHA-256. */
class SourceReader {
  private index = 0
  private offset = 0
  private handle?: FileHandle
  private closed = false

  constructor (private readonly sources: HashSource[], private readonly options: HashOptions) {}

  /**
   * Fills `target` completely (the caller never asks past the end of the stream) and
   * says which bytes of it belong to which source.
   */
  async fill (target: Uint8Array): Promise<Segment[]> {
    const segments: Segment[] = []
    let filled = 0
    while (filled < target.length) {
      this.skipEmptySources()
      const source = this.sources[this.index]
      if (!source) throw new Error('hasher: read past the end of the sources')
      const want = Math.min(source.length - this.offset, target.length - filled)
      await this.readInto(source, target.subarray(filled, filled + want))
      segments.push({ source: this.index, start: filled, end: filled + want })
      filled += want
      this.offset += want
      if (this.offset === source.length) {
        await this.handle?.close()
        this.handle = undefined
        this.index++
        this.offset = 0
      }
    }
    return segments
  }

  private skipEmptySources (): void {
    while (this.sources[this.index]?.length === 0) this.index++
  }

  private async readInto (source: HashSource, segment: Uint8Array): Promise<void> {
    const readable = Math.max(0, Math.min(source.readable ?? source.length, source.length) - this.offset)
    let done = 0
    if (readable > 0) {
      if (!this.handle) {
        const handle = await open(source.absolutePath, 'r').catch((error: unknown) => { throw fileError(error, source.absolutePath, 'read') })
        // A read queued before hashing stopped must not leave a file open.
        if (this.closed) { await handle.close(); throw new Error('hasher: reader closed') }
        this.handle = handle
      }
      const limit = Math.min(readable, segment.length)
      while (done < limit) {
        const { bytesRead } = await this.handle.read(segment, done, limit - done, (source.start ?? 0) + this.offset + done)
          .catch((error: unknown) => { throw fileError(error, source.absolutePath, 'read') })
        if (bytesRead === 0) {
          if (this.options.tolerateShortFiles) break
          throw new SeedcastError(`${source.absolutePath}: file shrank while it was being hashed`, { code: 'ECHANGED', hint: 'run again once nothing is writing to it' })
        }
        done += bytesRead
      }
    }
    segment.fill(0, done)
  }

  async close (): Promise<void> {
    this.closed = true
    await this.handle?.close().catch(() => {})
    this.handle = undefined
  }
}

/** Bytes [start, end) of a chunk that belong to source number `source`. */
interface Segment { source: number, start: number, end: number }

/** Per-file SHA-256, fed chunk by chunk in stream order. */
class FileDigests {
  private readonly hashes: (Hash | undefined)[] = []

  constructor (private readonly sources: HashSource[]) {}

  update (chunk: Uint8Array, segments: Segment[]): void {
    for (const { source, start, end } of segments) {
      const hash = this.hashes[source] ??= createHash('sha256')
      hash.update(chunk.subarray(start, end))
    }
  }

  /** Base64 digests, one per source (empty files get the digest of no bytes). */
  digests (): string[] {
    return this.sources.map((_, index) => (this.hashes[index] ?? createHash('sha256')).digest('base64'))
  }
}

/**
 * Starts the hash workers now, so their 30-60 ms boot overlaps whatever comes before
 * hashing (argument parsing, listing files). Harmless to call more than once. Given the
 * `input` about to be hashed, none for a file small enough to be hashed without them.
 */
export function warmUpHasher (input?: string): void {
  if (input !== undefined && isSmallFile(input)) return
  hashWorkers()
}
