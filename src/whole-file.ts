import { open, stat, type FileHandle } from 'node:fs/promises'

/**
 * A whole file in one read call where fs.promises.readFile makes one per 512 KiB, each a
 * round trip through the thread pool, and decodes text chunk by chunk into pieces that are
 * joined again. For a build of a 5,000-episode show (a 4 MiB catalog, 25 MiB of feeds, 1 MiB
 * of page records) those turns cost the main thread more than the reads themselves.
 * Decode text with toString(): one pass, as readFile(path, 'utf8') would give it.
 */
export async function readWholeFile (path: string): Promise<Buffer> {
  const handle = await open(path, 'r')
  try {
    return await readWhole(handle)
  } finally {
    await handle.close()
  }
}

/** readWholeFile on an open file, from its start; `size` when the caller stat'ed it already. */
export async function readWhole (handle: FileHandle, size?: number): Promise<Buffer> {
  const expected = size ?? (await handle.stat()).size
  if (expected > 0) {
    const buffer = Buffer.allocUnsafeSlow(expected)
    const length = await readInto(handle, buffer, expected)
    return length === buffer.length ? buffer : buffer.subarray(0, length)
  }
  // A file whose size says nothing (0, as in /proc) is read until its end, growing the buffer.
  let buffer = Buffer.allocUnsafeSlow(65_536)
  let length = 0
  for (;;) {
    if (length === buffer.length) {
      const bigger = Buffer.allocUnsafeSlow(buffer.length * 2)
      buffer.copy(bigger, 0, 0, length)
      buffer = bigger
    }
    const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length)
    if (bytesRead === 0) break
    length += bytesRead
  }
  return buffer.subarray(0, length)
}

/** Reads the file's first `size` bytes (fewer if it ends first) into `buffer`; how many were read. */
async function readInto (handle: FileHandle, buffer: Buffer, size: number): Promise<number> {
  let length = 0
  while (length < size) {
    const { bytesRead } = await handle.read(buffer, length, size - length, length)
    if (bytesRead === 0) break
    length += bytesRead
  }
  return length
}

/**
 * Read buffers kept between withWholeFile calls. Fresh memory is expensive where pages are
 * faulted in one by one (a virtual machine: ~4 ms per MiB), and a build reads the same files
 * every time (a 5,000-episode show: the 4.4 MB catalog, 1 MB of page records, 0.6 MB of
 * other records), each into a buffer malloc maps afresh for its size.
 */
const spareReads: Buffer[] = []
/** Buffers kept at most: the files a build reads at the same time. */
const SPARE_READS = 4
/** A larger file is read into a buffer of its own, not kept. */
const SPARE_READ_MAX = 32 << 20
/** Room a new buffer leaves past the file's size, so a file that grows by an entry still fits next time. */
const READ_ROOM = 1 << 16

/**
 * readWholeFile for a reader that only looks at the bytes and keeps nothing of them (decodes
 * them, parses them): `use` is given them in a buffer kept for later reads, which it must not
 * hold on to (nor to any slice of it) once it has returned or its promise has settled.
 */
export async function withWholeFile<T> (path: string, use: (bytes: Buffer) => T | Promise<T>): Promise<T> {
  const handle = await open(path, 'r')
  let lent: Buffer | undefined
  let bytes: Buffer
  try {
    const { size } = await handle.stat()
    if (size > 0 && size <= SPARE_READ_MAX) {
      lent = takeRead(size)
      bytes = lent.subarray(0, await readInto(handle, lent, size))
    } else {
      bytes = await readWhole(handle, size)
    }
  } catch (error) {
    if (lent) giveRead(lent)
    throw error
  } finally {
    await handle.close()
  }
  try {
    return await use(bytes)
  } finally {
    if (lent) giveRead(lent)
  }
}

/** The smallest kept buffer that holds `size` bytes, or a new one with some room. */
function takeRead (size: number): Buffer {
  let best = -1
  for (let at = 0; at < spareReads.length; at++) {
    const length = spareReads[at]!.length
    if (length >= size && (best < 0 || length < spareReads[best]!.length)) best = at
  }
  if (best >= 0) return spareReads.splice(best, 1)[0]!
  return Buffer.allocUnsafeSlow(Math.min(SPARE_READ_MAX, size + READ_ROOM))
}

/** Keeps a buffer for later reads; past SPARE_READS, the smallest is let go. */
function giveRead (buffer: Buffer): void {
  spareReads.push(buffer)
  if (spareReads.length > SPARE_READS) {
    let smallest = 0
    for (let at = 1; at < spareReads.length; at++) if (spareReads[at]!.length < spareReads[smallest]!.length) smallest = at
    spareReads.splice(smallest, 1)
  }
}

/**
 * True when the file at `path` holds exactly `bytes`; false when it differs or cannot be read.
 * A stat first: a file whose size differs (the show page at every publish, 850 kB for a
 * 5,000-episode show) is not even opened, which saves round trips through a thread pool busy
 * with the feeds' copies and fsyncs.
 */
export async function holdsBytes (path: string, bytes: Buffer): Promise<boolean> {
  const present = await stat(path).catch(() => undefined)
  if (present?.size !== bytes.length) return false
  const handle = await open(path, 'r').catch(() => undefined)
  if (!handle) return false
  try {
    return (await readWhole(handle, present.size)).equals(bytes)
  } catch {
    return false
  } finally {
    await handle.close()
  }
}
