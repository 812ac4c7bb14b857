import { statSync, type Stats } from 'node:fs'
import { promisify } from 'node:util'
import { brotliCompress, constants as zlib, gzip } from 'node:zlib'
import { statEtag } from './conditional.js'
import type { Coding } from './encoding.js'
import type { OpenFile } from './public-file.js'

const gzipAsync = promisify(gzip)
const brotliAsync = promisify(brotliCompress)

/** Files up to this size are kept in memory (feeds, pages, torrents, chapters, art). */
export const SNAPSHOT_MAX_BYTES = 4 * 1024 * 1024
/** Memory all snapshots may take together, encoded variants included; the oldest go first. */
const CACHE_BUDGET_BYTES = 64 * 1024 * 1024

/** A small file as it was when read through one descriptor, with its encoded variants. */
export interface Snapshot {
  body: Buffer
  etag: string
  mtimeMs: number
  compressible: boolean
  encoded: Partial<Record<Coding, Promise<Buffer>>>
  /** Bytes of encoded variants counted in the cache's budget. */
  encodedBytes: number
  path: string
  /** Identity of the inode read, to tell whether the path still names it. */
  dev: number
  ino: number
}

function sameFile (snapshot: Snapshot, stats: Stats): boolean {
  return snapshot.dev === stats.dev && snapshot.ino === stats.ino && snapshot.body.length === stats.size && snapshot.mtimeMs === stats.mtimeMs
}

/**
 * In-memory copies of small files keyed by path and checked against one stat per request:
 * a file rewritten by rename (every publish rewrites the feeds) gets a new inode and a new
 * snapshot, read whole from one descriptor, so a body never mixes two versions and always
 * matches its ETag and Content-Length. Compressed variants (brotli, gzip) are made once
 * per version, on first demand: podcast apps poll feeds all day.
 */
export class SnapshotCache {
  private readonly entries = new Map<string, Snapshot>()
  private readonly loading = new Map<string, Promise<Snapshot | undefined>>()
  private bytes = 0

  /**
   * The snapshot of `path` if the one held is still what the path names. The stat is
   * synchronous on purpose, as nginx's are: a stat of a file in the page cache takes a
   * microsecond or two, while a promise stat's trip through libuv's thread pool cost about
   * 40 µs of the event loop's time per request (a third of the CPU of serving rss.xml, in a
   * profile of 7,000 requests/s).
   */
  current (path: string): Snapshot | undefined {
    const held = this.entries.get(path)
    if (!held) return undefined
    let stats: Stats | undefined
    try {
      stats = statSync(path, { throwIfNoEntry: false })
    } catch {
      stats = undefined // unreadable now: read again through the normal path, which reports it
    }
    if (stats && sameFile(held, stats)) return held
    this.drop(path)
    return undefined
  }

  /** Reads an opened file whole into a new snapshot (the caller closes the file). */
  async take (path: string, file: OpenFile, compressible: boolean): Promise<Snapshot> {
    const pending = this.loading.get(path)
    if (pending) {
      const loaded = await pending
      if (loaded && sameFile(loaded, file.stats)) return loaded
    }
    const load = readWhole(file).then(body => {
      const snapshot: Snapshot = { body, etag: statEtag(file.stats.size, file.stats.mtimeMs), mtimeMs: file.stats.mtimeMs, compressible, encoded: {}, encodedBytes: 0, path, dev: file.stats.dev, ino: file.stats.ino }
      this.store(path, snapshot)
      return snapshot
    })
    this.loading.set(path, load.catch(() => undefined))
    try {
      return await load
    } finally {
      this.loading.delete(path)
    }
  }

  /** The body in `coding`, made once per snapshot. */
  encoded (snapshot: Snapshot, coding: Coding): Promise<Buffer> {
    let variant = snapshot.encoded[coding]
    if (!variant) {
      variant = coding === 'br'
        ? brotliAsync(snapshot.body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 6, [zlib.BROTLI_PARAM_SIZE_HINT]: snapshot.body.length, [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT } })
        : gzipAsync(snapshot.body, { level: 6 })
      snapshot.encoded[coding] = variant
      void variant.then(buffer => {
        if (this.entries.get(snapshot.path) !== snapshot) return
        snapshot.encodedBytes += buffer.length
        this.bytes += buffer.length
        this.trim()
      }, () => { delete snapshot.encoded[coding] })
    }
    return variant
  }

  private store (path: string, snapshot: Snapshot): void {
    this.drop(path)
    this.entries.set(path, snapshot)
    this.bytes += snapshot.body.length
    this.trim()
  }

  private drop (path: string): void {
    const old = this.entries.get(path)
    if (!old) return
    this.entries.delete(path)
    this.bytes -= old.body.length + old.encodedBytes
  }

  private trim (): void {
    for (const path of this.entries.keys()) {
      if (this.bytes <= CACHE_BUDGET_BYTES || this.entries.size <= 1) break
      this.drop(path)
    }
  }
}

async function readWhole (file: OpenFile): Promise<Buffer> {
  const body = Buffer.allocUnsafe(file.stats.size)
  let offset = 0
  while (offset < body.length) {
    const { bytesRead } = await file.handle.read(body, offset, body.length - offset, offset)
    if (bytesRead === 0) break
    offset += bytesRead
  }
  // A file cut short under us (only by an in-place writer, which seedcast never is) is
  // served as what was read, with a matching length.
  return offset === body.length ? body : body.subarray(0, offset)
}
