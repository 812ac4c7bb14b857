import { close, open, read, readSync } from 'node:fs'
import { join } from 'node:path'
import type { Metainfo } from '../../torrent/metainfo.js'

/**
 * A read-only piece store for data seedcast has verified, used instead of webtorrent's
 * fs-chunk-store when seeding. Why: a seeder's hot path is "peer asks for a 16 KiB
 * block → read it → send it", and fs-chunk-store goes through random-access-file
 * queues, allocates per read and concatenates; here one positioned read fills a buffer
 * (inline from the page cache, see readFully) that already has room for the 13-byte
 * BitTorrent "piece" header in front, so
 * ../wire-framing.ts sends header and block as ONE chunk (half the stream and socket
 * operations, no copy). Files are opened once, read-only, on first use. (A 256 KiB
 * read-ahead window copied into blocks was tried: fewer reads, but more garbage and no
 * CPU gain, so blocks are read directly; the page cache does the read-ahead.)
 * Given the torrent as seedcast's reader sees it (`metainfo`, as the seeder does), each
 * file is read at its safe path, and BEP 47 pad files, which are never on disk, are
 * served as the zeros they are.
 */

/** Bytes kept free in front of every block for the "piece" message header. */
export const PIECE_HEADER_LENGTH = 13

/** ArrayBuffers whose first PIECE_HEADER_LENGTH bytes are free for the header. */
export const framedBlocks = new WeakSet<ArrayBufferLike>()

/** The block size every BitTorrent client requests; only these buffers are pooled. */
const BLOCK_LENGTH = 16 * 1024
const POOLED_LENGTH = PIECE_HEADER_LENGTH + BLOCK_LENGTH
/** At most this many free buffers are kept (4 MiB). */
const POOL_MAX = 256
const pool: ArrayBuffer[] = []

/**
 * Returns a block's buffer for reuse once it has been written to a socket (called by
 * socket-batching.ts from the write callback, the moment nothing else holds it). Why:
 * a fresh 16 KiB buffer per block is garbage the moment it is sent, and the garbage
 * piled up to 40-50 MiB of RSS between collections during a fast upload. Anything that
 * is not a whole framed block of the usual size is ignored (left to the GC).
 */
export function releaseFramedBlock (chunk: Uint8Array): void {
  const buffer = chunk.buffer
  if (chunk.byteOffset !== 0 || chunk.byteLength !== POOLED_LENGTH || buffer.byteLength !== POOLED_LENGTH) return
  if (pool.length >= POOL_MAX || !framedBlocks.has(buffer)) return
  pool.push(buffer as ArrayBuffer)
}

const UNEXPECTED_END = 'unexpected end of file'

const SLOW_READ_MS = 2
/** Slow reads within SLOW_WINDOW_MS that mean "the disk is involved" (see readFully). */
const SLOW_READS = 3
const SLOW_WINDOW_MS = 1_000
const ASYNC_FOR_MS = 10_000

interface StoreFile { path: string, length: number, offset: number }
type Callback<T = void> = (err: Error | null, value?: T) => void

export interface SeedStoreOptions {
  /** The data folder. */
  path: string
  /** The torrent read by seedcast (the seeder passes it through webtorrent's storeOpts)... */
  metainfo?: Metainfo
  /** ...else the files as webtorrent lists them (paths relative to `path`), all on disk. */
  files?: StoreFile[]
  length: number
  /**
   * Told each time verified data cannot be read any more (a file truncated, deleted before
   * it was first opened, or a disk error): the block is not sent, and a peer would only
   * wait for it, so the seeder stops seeding the torrent and says why.
   */
  onDataLost?: (err: Error) => void
}

export class SeedStore {
  readonly chunkLength: number
  private readonly files: Array<StoreFile & { fd?: Promise<number>, openFd?: number }>
  private readonly length: number
  private closed = false
  /** Until when reads go through the thread pool (see readFully). */
  private asyncUntil = 0
  private slowReads = 0
  private slowSince = 0
  private readonly onDataLost?: (err: Error) => void

  constructor (chunkLength: number, opts: SeedStoreOptions) {
    this.chunkLength = chunkLength
    this.length = opts.length
    this.onDataLost = opts.onDataLost
    // Only what is on disk; pad files and symlinks leave holes that read as zeros.
    const onDisk = opts.metainfo
      ? opts.metainfo.files.filter(file => !file.pad && !file.symlink).map(file => ({ path: file.safePath, length: file.length, offset: file.offset }))
      : opts.files ?? []
    this.files = onDisk
      .filter(file => file.length > 0)
      .map(file => ({ path: join(opts.path, file.path), length: file.length, offset: file.offset }))
      .sort((a, b) => a.offset - b.offset)
  }

  get (index: number, opts: { offset?: number, length?: number } | null | Callback<Uint8Array>, cb?: Callback<Uint8Array>): void {
    if (typeof opts === 'function') return this.get(index, null, opts)
    const done = cb ?? (() => {})
    if (this.closed) return process.nextTick(done, new Error('Storage is closed'))
    const chunkStart = index * this.chunkLength
    const chunkLength = Math.min(this.chunkLength, this.length - chunkStart)
    const from = opts?.offset ?? 0
    const length = opts?.length ?? chunkLength - from
    if (from < 0 || length < 0 || from + length > chunkLength) return process.nextTick(done, new Error('Invalid offset and/or length'))
    const pooled = length === BLOCK_LENGTH ? pool.pop() : undefined
    const buffer = pooled ? Buffer.from(pooled) : Buffer.allocUnsafeSlow(PIECE_HEADER_LENGTH + length)
    const block = buffer.subarray(PIECE_HEADER_LENGTH)
    if (length === 0) return process.nextTick(done, null, block)
    framedBlocks.add(buffer.buffer)
    const start = chunkStart + from
    if (this.readInline(block, start)) return queueMicrotask(() => done(null, block))
    this.readRange(block, start, err => {
      if (!err) return done(null, block)
      if (!this.closed) this.onDataLost?.(err)
      done(err)
    })
  }

  /**
   * The usual block: inside one file already open, read from the page cache. Read here
   * at once, with none of readRange's bookkeeping (its closures, promise and callbacks
   * were a third of the seeder's garbage: about 100 MiB per GiB sent, each of it work
   * for V8's young-generation collector). False, nothing read, for any other block.
   */
  private readInline (target: Uint8Array, start: number): boolean {
    if (Date.now() < this.asyncUntil) return false
    const end = start + target.length
    const file = this.files.find(candidate => candidate.offset <= start && end <= candidate.offset + candidate.length)
    if (file?.openFd === undefined) return false
    const started = performance.now()
    let bytesRead: number
    try {
      bytesRead = readSync(file.openFd, target, 0, target.length, start - file.offset)
    } catch {
      return false
    }
    if (performance.now() - started > SLOW_READ_MS) this.noteSlowRead()
    // A short read (a file that shrank): readRange's path says what is wrong.
    return bytesRead === target.length
  }

  /**
   * Fills target with the torrent's bytes from `start`, across file boundaries; where no
   * file is (a pad file), with zeros (the buffer may be a reused one).
   */
  private readRange (target: Uint8Array, start: number, done: (err: Error | null) => void): void {
    const end = start + target.length
    let pending = 1
    let failed = false
    const finish = (err: Error | null) => {
      if (failed) return
      if (err) { failed = true; return done(err) }
      if (--pending === 0) done(null)
    }
    let covered = start
    for (const file of this.files) {
      const fileEnd = file.offset + file.length
      if (fileEnd <= start || file.offset >= end) continue
      const readFrom = Math.max(start, file.offset)
      const readTo = Math.min(end, fileEnd)
      if (readFrom > covered) target.fill(0, covered - start, readFrom - start)
      covered = readTo
      pending++
      const lost = (err: NodeJS.ErrnoException) => finish(new Error(`${file.path}: ${dataLostReason(err)}`))
      this.fd(file).then(fd => {
        this.readFully(fd, target, readFrom - start, readTo - readFrom, readFrom - file.offset, err => err ? lost(err) : finish(null))
      }, lost)
    }
    if (covered < end) target.fill(0, covered - start)
    // Released once every read was started; never synchronously (callers expect a callback later).
    queueMicrotask(() => finish(null))
  }

  put (_index: number, _buf: Uint8Array, cb?: Callback): void {
    process.nextTick(cb ?? (() => {}), new Error('seedcast seeds verified data read-only'))
  }

  close (cb?: Callback): void {
    if (this.closed) return process.nextTick(cb ?? (() => {}), null)
    this.closed = true
    for (const file of this.files) file.openFd = undefined
    const fds = this.files.flatMap(file => file.fd ? [file.fd] : [])
    Promise.allSettled(fds.map(fd => fd.then(value => new Promise<void>(resolve => close(value, () => resolve())))))
      .then(() => cb?.(null), () => cb?.(null))
  }

  destroy (cb?: Callback): void {
    // Never deletes the data: it is the user's media.
    this.close(cb)
  }

  /**
   * Reads inline while the data comes from the page cache (a seeder's usual case: a
   * 16 KiB copy costs microseconds, far less than a thread-pool round trip; it cut the
   * seeder's CPU by about 30% in the bench). Reads slower than SLOW_READ_MS, a few within
   * a second (see noteSlowRead), mean the disk is involved: the store then uses thread-pool reads for ASYNC_FOR_MS, so a cold
   * disk never holds up the event loop (and every other peer) for long.
   */
  private readFully (fd: number, target: Uint8Array, at: number, length: number, position: number, cb: (err: Error | null) => void): void {
    if (Date.now() >= this.asyncUntil) {
      const started = performance.now()
      let bytesRead: number
      try {
        bytesRead = readSync(fd, target, at, length, position)
      } catch (err) {
        return queueMicrotask(() => cb(err as Error))
      }
      if (performance.now() - started > SLOW_READ_MS) this.noteSlowRead()
      if (bytesRead === length) return queueMicrotask(() => cb(null))
      if (bytesRead === 0) return queueMicrotask(() => cb(new Error(UNEXPECTED_END)))
      return this.readFully(fd, target, at + bytesRead, length - bytesRead, position + bytesRead, cb)
    }
    read(fd, target, at, length, position, (err, bytesRead) => {
      if (err) return cb(err)
      if (bytesRead === length) return cb(null)
      if (bytesRead === 0) return cb(new Error(UNEXPECTED_END))
      this.readFully(fd, target, at + bytesRead, length - bytesRead, position + bytesRead, cb)
    })
  }

  /**
   * One slow read is not enough to leave the inline path: on a busy machine the thread is
   * often preempted in the middle of a page-cache read (with the bench's leecher on the
   * same two cores, single slow reads switched the store to thread-pool reads for most of
   * a 1 GiB upload, which cost about 0.4 s of CPU per GiB). A cold disk makes reads slow
   * one after another, so a few within a second are needed.
   */
  private noteSlowRead (): void {
    const now = Date.now()
    if (now - this.slowSince > SLOW_WINDOW_MS) { this.slowSince = now; this.slowReads = 0 }
    if (++this.slowReads < SLOW_READS) return
    this.slowReads = 0
    this.asyncUntil = now + ASYNC_FOR_MS
  }

  private fd (file: StoreFile & { fd?: Promise<number>, openFd?: number }): Promise<number> {
    file.fd ??= new Promise((resolve, reject) => open(file.path, 'r', (err, fd) => {
      if (err) return reject(err)
      if (!this.closed) file.openFd = fd
      resolve(fd)
    }))
    return file.fd
  }
}

/** Why verified data cannot be read, for the seeder's warning. */
function dataLostReason (err: NodeJS.ErrnoException): string {
  if (err.code === 'ENOENT') return 'no such file any more'
  if (err.message === UNEXPECTED_END) return 'shorter than the torrent says (the file was cut or replaced)'
  return `cannot read it: ${err.message}`
}
