import { chmod, open, rename, rm, stat } from 'node:fs/promises'
import writeFileAtomic from 'write-file-atomic'
import { fileError } from './errors.js'

/**
 * Writes a file so that readers (and a crash at any moment) see either the old or the
 * new content, never a part: temp file in the same folder, fsync, rename.
 */
export async function writeAtomic (path: string, data: string | Buffer): Promise<void> {
  try {
    await writeFileAtomic(path, data)
  } catch (error) {
    throw fileError(error, path, 'write')
  }
}

/** JSON as people read and diff it: two-space indent and a final newline. */
export function writeJsonAtomic (path: string, value: unknown): Promise<void> {
  return writeAtomic(path, JSON.stringify(value, null, 2) + '\n')
}

let tempCounter = 0
/** Parts a writev call takes at most (IOV_MAX on Linux); more are written in turns. */
const WRITEV_PARTS = 1024

/**
 * writeAtomic for a file given as consecutive parts, written with writev so that they are
 * never joined in memory (a feed of a long show is 10 MiB, most of it one part copied from
 * the previous file). Same guarantees: temp file beside the target (named "<name>.<digits>"
 * like write-file-atomic's, so the lock holder's sweep finds a killed writer's leftover),
 * fsync, rename; the target's mode is kept.
 */
export async function writeAtomicParts (path: string, parts: Buffer[]): Promise<void> {
  const temp = `${path}.${process.pid}${String(tempCounter++).padStart(6, '0')}`
  try {
    const mode = await stat(path).then(info => info.mode & 0o7777, () => 0o666)
    const handle = await open(temp, 'w', mode)
    try {
      let next = 0
      let offset = 0 // into parts[next]
      while (next < parts.length) {
        const batch = parts.slice(next, next + WRITEV_PARTS)
        batch[0] = batch[0]!.subarray(offset)
        const { bytesWritten } = await handle.writev(batch)
        if (bytesWritten === 0 && batch.some(part => part.length > 0)) throw new Error(`${temp}: nothing written`)
        // A short write ends inside some part: go on from there.
        let left = bytesWritten + offset
        while (next < parts.length && left >= parts[next]!.length) { left -= parts[next]!.length; next++ }
        offset = left
      }
      await handle.sync()
    } finally {
      await handle.close()
    }
    if (mode !== 0o666) await chmod(temp, mode)
    await rename(temp, path)
  } catch (error) {
    await rm(temp, { force: true })
    throw fileError(error, path, 'write')
  }
}
