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
  // A file whose size says nothing (0, as in /proc) is read until its end, growing the buffer.
  let buffer = Buffer.allocUnsafeSlow(expected > 0 ? expected : 65_536)
  let length = 0
  for (;;) {
    if (length === buffer.length) {
      if (expected > 0) break
      const bigger = Buffer.allocUnsafeSlow(buffer.length * 2)
      buffer.copy(bigger, 0, 0, length)
      buffer = bigger
    }
    const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length)
    if (bytesRead === 0) break
    length += bytesRead
  }
  return length === buffer.length ? buffer : buffer.subarray(0, length)
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
