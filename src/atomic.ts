import { chmod, open, rename, rm, stat, type FileHandle } from 'node:fs/promises'
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
/** The buffer a FileSpan is copied through: large enough for few system calls, small enough to touch little fresh memory. */
const COPY_CHUNK = 1 << 20

/**
 * Bytes [start, end) of a file open for reading, to be copied into the file being written.
 * A feed after a publish is mostly the previous feed's bytes: copied through one small buffer,
 * they are never read whole into fresh memory (25 MiB for the four feeds of a 5,000-episode
 * show, whose first touch cost more than everything else a build does).
 */
export interface FileSpan {
  readonly file: FileHandle
  readonly start: number
  readonly end: number
}

/** The size and mtime of a file written (writeAtomicParts with `stat`). */
export interface WrittenFile { size: number, mtimeMs: number }

/** A part of a file to write: bytes, or a span of another file. */
export type FilePart = Buffer | FileSpan

/**
 * writeAtomic for a file given as consecutive parts, written with writev so that they are
 * never joined in memory (a feed of a long show is 10 MiB, most of it one part copied from
 * the previous file); a FileSpan part is copied from its file in chunks. Same guarantees:
 * temp file beside the target (named "<name>.<digits>" like write-file-atomic's, so the lock
 * holder's sweep finds a killed writer's leftover), fsync, rename; the target's mode is kept.
 */
export async function writeAtomicParts (path: string, parts: readonly FilePart[], options: { fsync?: boolean, stat?: boolean } = {}): Promise<WrittenFile | undefined> {
  const temp = `${path}.${process.pid}${String(tempCounter++).padStart(6, '0')}`
  try {
    const mode = await stat(path).then(info => info.mode & 0o7777, () => 0o666)
    const handle = await open(temp, 'w', mode)
    let written: WrittenFile | undefined
    try {
      await writeParts(handle, parts, temp, path)
      if (options.fsync !== false) await handle.sync()
      // Before the rename, which changes neither: the caller need not stat the file in its new place.
      if (options.stat) {
        const info = await handle.stat()
        written = { size: info.size, mtimeMs: info.mtimeMs }
      }
    } finally {
      await handle.close()
    }
    if (mode !== 0o666) await chmod(temp, mode)
    await rename(temp, path)
    return written
  } catch (error) {
    await rm(temp, { force: true })
    throw fileError(error, path, 'write')
  }
}

/**
 * Copy buffers kept between writes. Fresh memory is expensive where pages are faulted in one by
 * one (a virtual machine: ~4 ms per MiB measured here, against ~0.2 ms to fill a buffer touched
 * before), and a build after one publish copies four feeds, each through a buffer of its own.
 */
const spareScratch: Buffer[] = []
/** Copy buffers kept at most: the four feeds copied at the same time. */
const SPARE_SCRATCH = 4

function takeScratch (): Buffer {
  return spareScratch.pop() ?? Buffer.allocUnsafeSlow(COPY_CHUNK)
}

function giveScratch (scratch: Buffer): void {
  if (spareScratch.length < SPARE_SCRATCH) spareScratch.push(scratch)
}

/** Writes the parts in order from the file's position: runs of buffers with writev, spans copied through a kept buffer. */
async function writeParts (handle: FileHandle, parts: readonly FilePart[], temp: string, path: string): Promise<void> {
  let scratch: Buffer | undefined
  try {
    for (let next = 0; next < parts.length;) {
      const part = parts[next]!
      if (Buffer.isBuffer(part)) {
        let end = next + 1
        while (end < parts.length && Buffer.isBuffer(parts[end])) end++
        await writeBuffers(handle, parts.slice(next, end) as Buffer[], temp)
        next = end
      } else {
        scratch ??= takeScratch()
        await copySpan(handle, part, scratch, path)
        next++
      }
    }
  } finally {
    if (scratch) giveScratch(scratch)
  }
}

/** Writes the buffers in order at the file's position, with as few writev calls as IOV_MAX allows. */
async function writeBuffers (handle: FileHandle, parts: Buffer[], temp: string): Promise<void> {
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
}

/** Copies a span of another file to the file's position, through `scratch`. */
async function copySpan (handle: FileHandle, span: FileSpan, scratch: Buffer, path: string): Promise<void> {
  for (let at = span.start; at < span.end;) {
    const { bytesRead } = await span.file.read(scratch, 0, Math.min(scratch.length, span.end - at), at)
    // The source is shorter than the span: it changed since it was measured (the lock holder is the only writer).
    if (bytesRead === 0) throw new Error(`the file copied into ${path} ended early (changed while it was copied)`)
    await writeBuffers(handle, [scratch.subarray(0, bytesRead)], path)
    at += bytesRead
  }
}
