import { constants, writeSync } from 'node:fs'
import { mkdir, open, type FileHandle } from 'node:fs/promises'
import { dirname } from 'node:path'
import { parseInfoDictionary, type Metainfo } from '../../torrent/metainfo.js'
import { releasePieceBuffer } from '../wire-receive.js'
import { pathBelow } from '../../torrent/safe-path.js'

/** A stretch of the piece stream that lives in a file on disk. */
interface Span { index: number, safePath: string, offset: number, length: number }

/**
 * Where the data of each file goes, decided once the files are chosen (the store is made
 * before that): the files in `keep` below the download folder, the others below
 * `scratchDir`. Until it is filled in, everything goes below the download folder.
 */
export interface StorePlacement {
  keep?: ReadonlySet<number>
  scratchDir?: string
  /** Files that were in the download folder before it started and must not be written until they are known to be its own. */
  protect?: ReadonlySet<number>
}

type Callback<T = void> = (error: Error | null, value?: T) => void

export interface DownloadStoreOptions {
  /** The download folder: every file is written below it, at its safe path. */
  path: string
  /** The torrent as seedcast's reader sees it (safe paths, pad files)... */
  metainfo?: Metainfo
  /** ...or, for a magnet link, WebTorrent's torrent, whose info dictionary came from peers. */
  torrent?: { infoBuffer?: Uint8Array }
  placement?: StorePlacement
  /** Told of each piece write as it starts and ends (bytes), to hold requests while the disk is behind. */
  writes?: { started: (bytes: number) => void, finished: (bytes: number) => void }
}

/**
 * The chunk store `get` gives WebTorrent instead of fs-chunk-store, so that data goes
 * where seedcast's one torrent reader says and nowhere else:
 * - every file is written at its safe (sanitised, libtorrent-style) path below the
 *   download folder; fs-chunk-store would take WebTorrent's own names, which are not
 *   sanitised, and strip characters such as `?` and `:` from them;
 * - BEP 47 pad files are never written: their bytes are dropped on write and read as
 *   the zeros they are (a piece made only of padding then verifies with no download);
 * - symlinks and empty files hold no bytes, so they take no part here (torrent/layout.ts
 *   makes them once the data is in).
 * Files are opened once, read-write without truncating (a resumed download keeps its
 * data), on first use. Destroying the store closes it and deletes nothing.
 */
export class DownloadStore {
  readonly chunkLength: number
  private readonly spans: Span[]
  private readonly length: number
  private readonly root: string
  private readonly placement: StorePlacement
  private readonly writes?: DownloadStoreOptions['writes']
  private readonly handles = new Map<string, Promise<FileHandle>>()
  private readonly opened = new Set<string>()
  private closed = false

  constructor (chunkLength: number, options: DownloadStoreOptions) {
    this.chunkLength = Number(chunkLength)
    const metainfo = options.metainfo ?? parseInfoDictionary(options.torrent?.infoBuffer ?? new Uint8Array())
    this.length = metainfo.length
    this.root = options.path
    this.placement = options.placement ?? {}
    this.writes = options.writes
    this.spans = metainfo.files
      .map((file, index) => ({ file, index }))
      .filter(({ file }) => !file.pad && !file.symlink && file.length > 0)
      .map(({ file, index }) => ({ index, safePath: file.safePath, offset: file.offset, length: file.length }))
  }

  put (index: number, buffer: Uint8Array, callback: Callback = () => {}): void {
    const start = index * this.chunkLength
    const end = Math.min(start + this.chunkLength, this.length)
    if (buffer.length !== end - start) {
      queueMicrotask(() => callback(new Error(`chunk ${index} must be ${end - start} bytes, got ${buffer.length}`)))
      return
    }
    const spans = this.overlapping(start, end)
    const protectedSpan = spans.find(span => this.placement.protect?.has(span.index))
    if (protectedSpan) {
      queueMicrotask(() => callback(new Error(`${this.pathOf(protectedSpan)}: was there before the download; not overwritten`)))
      return
    }
    this.writes?.started(buffer.length)
    Promise.all(spans.map(span => this.handle(this.pathOf(span), true))).then(handles => {
      spans.forEach((span, at) => {
        const from = Math.max(start, span.offset)
        const to = Math.min(end, span.offset + span.length)
        writeInSlices(handles[at]!.fd, buffer.subarray(from - start, to - start), from - span.offset)
      })
    }).then(() => {
      this.writes?.finished(buffer.length)
      // Written: a downloaded piece's buffer serves the next piece (see wire-receive.ts).
      releasePieceBuffer(buffer)
      callback(null)
    }, (error: Error) => {
      this.writes?.finished(buffer.length)
      callback(error)
    })
  }

  get (index: number, options: { offset?: number, length?: number } | null | Callback<Uint8Array>, maybeCallback?: Callback<Uint8Array>): void {
    const callback = typeof options === 'function' ? options : maybeCallback!
    const range = typeof options === 'function' ? null : options
    const pieceStart = index * this.chunkLength
    const pieceLength = Math.min(this.chunkLength, this.length - pieceStart)
    const offset = range?.offset ?? 0
    const length = range?.length ?? pieceLength - offset
    if (offset < 0 || length < 0 || offset + length > pieceLength) {
      queueMicrotask(() => callback(new Error(`invalid range ${offset}+${length} of chunk ${index}`)))
      return
    }
    const start = pieceStart + offset
    const end = start + length
    const spans = this.overlapping(start, end)
    // Every file is opened before the buffer is made: checking a new download (no file yet)
    // asks for every piece, and a megabyte allocated for each only to fail was most of that
    // check's time and a burst of RSS.
    Promise.all(spans.map(span => this.handle(this.pathOf(span), false))).then(async handles => {
      // Zeros where no file is (the pad files); where files cover it all, every byte is read.
      const covered = spans.reduce((sum, span) => sum + Math.min(end, span.offset + span.length) - Math.max(start, span.offset), 0)
      const out = covered === length ? Buffer.allocUnsafe(length) : Buffer.alloc(length)
      await Promise.all(spans.map(async (span, at) => {
        const from = Math.max(start, span.offset)
        const to = Math.min(end, span.offset + span.length)
        const { bytesRead } = await handles[at]!.read(out, from - start, to - from, from - span.offset)
        // A short file is missing data, not zeros: WebTorrent then fetches the piece.
        if (bytesRead !== to - from) throw new Error(`${this.pathOf(span)}: ${bytesRead} of ${to - from} bytes at ${from - span.offset}`)
      }))
      return out
    }).then(out => callback(null, out), (error: Error) => callback(error))
  }

  close (callback: Callback = () => {}): void {
    if (this.closed) { queueMicrotask(() => callback(null)); return }
    this.closed = true
    const handles = [...this.handles.values()]
    this.handles.clear()
    Promise.allSettled(handles.map(async opening => (await opening).close()))
      .then(() => callback(null), (error: Error) => callback(error))
  }

  /** Closes the store; the downloaded data stays (it is the user's). */
  destroy (callback: Callback = () => {}): void {
    this.close(callback)
  }

  private pathOf (span: Span): string {
    const { keep, scratchDir } = this.placement
    const root = keep && scratchDir && !keep.has(span.index) ? scratchDir : this.root
    return pathBelow(root, span.safePath)
  }

  private overlapping (start: number, end: number): Span[] {
    return this.spans.filter(span => span.offset < end && span.offset + span.length > start)
  }

  /**
   * The file's one handle. Reading never creates a file (checking what a resumed
   * download has must not leave empty files behind, e.g. of unselected files).
   */
  private handle (path: string, create: boolean): Promise<FileHandle> {
    if (this.closed) return Promise.reject(new Error('the store is closed'))
    let opening = this.handles.get(path)
    // A read that found no file must not make a later write fail: retry creating it.
    if (opening && create && !this.opened.has(path)) opening = opening.catch(() => openCreating(path))
    opening ??= create ? openCreating(path) : open(path, constants.O_RDWR)
    const settled = opening
    this.handles.set(path, settled)
    settled.then(() => this.opened.add(path), () => { if (this.handles.get(path) === settled) this.handles.delete(path) })
    return settled
  }
}

function openCreating (path: string): Promise<FileHandle> {
  return mkdir(dirname(path), { recursive: true }).then(() => open(path, constants.O_RDWR | constants.O_CREAT, 0o666))
}

/**
 * Bytes a piece is written in: one write(2) each. On this project's machines (Linux 6.18
 * VMs) copying into the page cache cost about five times more kernel time in large writes
 * than in small ones: 1 GiB written by dd took 1.4-1.6 s of system time in 1 MiB writes,
 * 1.0 s in 256 KiB, 0.2-0.4 s in 64 KiB and 0.3 s in 16 KiB, all of it in the copy
 * (copy_folio_from_iter_atomic; the kernel takes a large write in large folios, likely
 * memory the VM's host has to hand back first). One 1 MiB write per piece was 2 s of
 * `get`'s CPU for 1 GiB, more than aria2c's whole CPU time; aria2c writes each 16 KiB
 * block on its own. Where large writes are cheap, 64 KiB ones cost about the same.
 */
const WRITE_SLICE = 64 * 1024

/**
 * Writes `bytes` at `position` in WRITE_SLICE writes, on this thread: sixteen trips through
 * the thread pool per megabyte cost more CPU than the copies themselves (user time doubled
 * in a trial), and a buffered write returns once its bytes are in the page cache, as
 * aria2c's do. Only a disk far behind (the kernel throttling dirty pages) makes one wait.
 */
function writeInSlices (fd: number, bytes: Uint8Array, position: number): void {
  for (let done = 0; done < bytes.length;) {
    done += writeSync(fd, bytes, done, Math.min(WRITE_SLICE, bytes.length - done), position + done)
  }
}
