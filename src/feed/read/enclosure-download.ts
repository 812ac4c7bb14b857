import { createWriteStream } from 'node:fs'
import { rm, stat, statfs, truncate } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { IncomingMessage } from 'node:http'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { SeedcastError, fileError } from '../../errors.js'
import { formatBytes } from '../../torrent/format.js'
import { networkReason } from './fetch-feed.js'
import { httpGet } from './http-get.js'
import { holdReceived } from './received-chunks.js'
import { changedSince, ifRange, readDownloadSource, removeDownloadSource, sourceOf, writeDownloadSource } from './download-source.js'

/** Write errors that mean the disk (or the user's quota) is full. */
const DISK_FULL = new Set(['ENOSPC', 'EDQUOT'])

export interface HttpDownloadOptions {
  /** Largest file accepted (a hostile enclosure must not fill the disk). */
  maxBytes: number
  /** Give up after this long without a byte. */
  idleTimeoutMs?: number
  signal?: AbortSignal
  userAgent?: string
  /** Said after a failure: how it will be tried again (follow: at the next poll; import: the next run). */
  retryHint?: string
  /** The caller's option that sets maxBytes, named in the too-big message as `option`. */
  maxBytesOption?: string
  /** Bytes in the file so far and the whole file's size (0 when the server does not say). */
  onProgress?: (done: number, total: number) => void
}

export interface HttpDownloadResult {
  /** Bytes now in the file. */
  length: number
  /** Bytes already there from an interrupted run (not fetched again). */
  resumed: number
  received: number
}

/**
 * Downloads `url` into `path`, continuing a partial file left by an interrupted run with
 * a Range request (a server that ignores Range sends it all again, and the partial file
 * is started over). Every failure is one SeedcastError line; the partial file stays for
 * the next attempt, unless the disk filled up (then it is removed, see below), and a file
 * the disk has no room for (by its Content-Length) is not started. Shared by follow, mirror and import (an enclosure of any feed).
 */
export async function downloadHttp (url: string, path: string, options: HttpDownloadOptions): Promise<HttpDownloadResult> {
  let have = 0
  try {
    have = (await stat(path)).size
  } catch {
    // nothing yet
  }
  // The partial file's source (download-source.ts): another URL's bytes are not continued.
  // Checked before the idle timer is set: a timer left armed kept the process alive a minute.
  const from = have > 0 ? await readDownloadSource(path) : undefined
  if (from && from.url !== url) {
    await truncate(path, 0)
    await removeDownloadSource(path)
    return downloadHttp(url, path, options)
  }
  const idle = new AbortController()
  const signal = options.signal ? AbortSignal.any([options.signal, idle.signal]) : idle.signal
  const idleMs = options.idleTimeoutMs ?? 60_000
  let timer = setTimeout(() => idle.abort(), idleMs)
  const touch = () => { clearTimeout(timer); timer = setTimeout(() => idle.abort(), idleMs) }
  const fail = (why: string, cause?: unknown) => new SeedcastError(`${url}: cannot download the episode: ${why}`, { code: 'EDOWNLOAD', cause, hint: options.retryHint ?? 'run again to continue where it stopped' })
  const tooBig = (size: string) => fail(`${size} more than the ${options.maxBytes} bytes allowed${options.maxBytesOption ? ` (\`${options.maxBytesOption}\`)` : ''}`)
  let response: IncomingMessage | undefined
  try {
    try {
      ({ response } = await httpGet(url, { headers: { 'user-agent': options.userAgent ?? 'seedcast', ...(have > 0 ? { range: `bytes=${have}-`, ...(ifRange(from) ? { 'if-range': ifRange(from)! } : {}) } : {}) }, signal }))
    } catch (err) {
      throw fail(idle.signal.aborted ? `no answer within ${Math.round(idleMs / 1000)} s` : networkReason(err), err)
    }
    const status = response.statusCode ?? 0
    if (status === 416 && have > 0) {
      response.resume()
      // Already whole (a run stopped after the download, before the file was used, e.g. an
      // import cut while publish hashed it): the server's size is the file's; nothing to fetch.
      if (response.headers['content-range'] === `bytes */${have}`) {
        await removeDownloadSource(path)
        options.onProgress?.(have, have)
        return { length: have, resumed: have, received: 0 }
      }
      // Longer than the file now is (or a server that does not say its size): start over.
      await truncate(path, 0)
      return downloadHttp(url, path, options)
    }
    if (status < 200 || status > 299) {
      response.resume()
      throw fail(`HTTP ${status} ${response.statusMessage ?? ''}`.trimEnd())
    }
    const resuming = status === 206 && have > 0 && new RegExp(`^bytes ${have}-`).test(response.headers['content-range'] ?? '')
    const source = sourceOf(url, response)
    if (resuming && from && changedSince(from, source)) {
      // The host replaced the file since (and ignored If-Range): its bytes do not continue ours.
      response.destroy()
      await truncate(path, 0)
      await removeDownloadSource(path)
      return downloadHttp(url, path, options)
    }
    const start = resuming ? have : 0
    const declared = Number(response.headers['content-length'])
    if (declared && start + declared > options.maxBytes) {
      response.destroy()
      throw tooBig(`the file is ${start + declared} bytes,`)
    }
    // The body's chunks are taken from here on, so that a cut during the awaits below (or
    // while the disk is slow) loses none of them (received-chunks.ts).
    const received = holdReceived(response)
    // Recorded before a byte of this answer is written, so a cut at any moment leaves it.
    await writeDownloadSource(path, resuming && from ? { ...source, ...(from.total && !source.total ? { total: from.total } : {}) } : source)
    // A file the disk cannot hold is refused before a byte is written: fetched until the
    // disk is full, it failed anyway and left the disk full for everything else.
    const disk = declared ? await statfs(dirname(path)).catch(() => undefined) : undefined
    if (disk && declared > disk.bavail * disk.bsize) {
      response.destroy()
      throw new SeedcastError(`${path}: not enough disk space: the episode needs ${formatBytes(declared)}${start ? ' more' : ''}, ${formatBytes(disk.bavail * disk.bsize)} free`, { code: 'ENOSPC', hint: 'free some space; it is tried again then' })
    }
    let receivedBytes = 0
    const total = declared ? start + declared : 0
    options.onProgress?.(start, total)
    const limit = new Transform({
      transform (chunk: Buffer, _encoding, done) {
        receivedBytes += chunk.length
        touch()
        options.onProgress?.(start + receivedBytes, total)
        if (start + receivedBytes > options.maxBytes) done(tooBig('the file is'))
        else done(null, chunk)
      }
    })
    // A network failure ends the body gracefully, so every byte received is on disk before
    // the error is thrown: the next run's Range request starts after all of them.
    let cut: unknown
    try {
      await pipeline(received.chunks, limit, createWriteStream(path, { flags: resuming ? 'a' : 'w' }))
    } catch (err) {
      if (err instanceof SeedcastError) throw err
      if ((err as NodeJS.ErrnoException).syscall) {
        // A disk that filled up (no size given, or other writers): the partial file cannot
        // be finished there, and kept it would keep the disk full (a seed box could then
        // save neither its state nor any other episode). The rest of the failures keep it.
        if (DISK_FULL.has(String((err as NodeJS.ErrnoException).code))) await rm(path, { force: true })
        throw fileError(err, path, 'write')
      }
      cut = err
    }
    cut ??= received.cut()
    if (cut !== undefined) throw fail(idle.signal.aborted ? `stalled for ${Math.round(idleMs / 1000)} s` : networkReason(cut), cut)
    if (declared && receivedBytes !== declared) throw fail(`the connection ended after ${receivedBytes} of ${declared} bytes`)
    if (start + receivedBytes === 0) throw fail('the file is empty')
    await removeDownloadSource(path)
    return { length: start + receivedBytes, resumed: start, received: receivedBytes }
  } finally {
    clearTimeout(timer)
    // An answer left unread (refused, too big) must not hold its connection open.
    if (response && !response.complete) response.destroy()
  }
}
