import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { SeedcastError } from '../errors.js'

/**
 * Largest .torrent read from a file or a pipe. A podcast episode's is a few KiB and a
 * 100 GiB season's a few MiB; anything past this is a wrong argument (the episode itself).
 */
export const MAX_TORRENT_FILE_BYTES = 64 * 1024 * 1024

const READ_CHUNK = 1024 * 1024

/**
 * Reads a .torrent from `path` (a file, a named pipe, a device) with a size bound. Reading the
 * whole file first, as readFileSync does, turned a wrong argument into a process that read
 * 1 GiB of episode before saying "not a torrent", and `/dev/zero` into one that read until
 * the kernel killed it (24 GiB). A regular file is judged by its size before any read; a
 * pipe or a device by what it gives, up to `maxBytes`. fs errors are thrown as they are
 * (the caller names the path its way).
 */
export function readTorrentFileSync (path: string, maxBytes = MAX_TORRENT_FILE_BYTES): Buffer {
  const fd = openSync(path, 'r')
  try {
    const info = fstatSync(fd)
    if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' })
    if (info.isFile() && info.size > maxBytes) throw tooLargeForATorrent(path, maxBytes)
    const chunks: Buffer[] = []
    let total = 0
    while (true) {
      const chunk = Buffer.allocUnsafe(READ_CHUNK)
      const read = readSync(fd, chunk, 0, chunk.length, null)
      if (read === 0) break
      total += read
      if (total > maxBytes) throw tooLargeForATorrent(path, maxBytes)
      chunks.push(read === chunk.length ? chunk : chunk.subarray(0, read))
    }
    return Buffer.concat(chunks, total)
  } finally {
    closeSync(fd)
  }
}

export function tooLargeForATorrent (where: string, maxBytes: number): SeedcastError {
  return new SeedcastError(`${where}: larger than ${Math.round(maxBytes / 1048576)} MiB, not a .torrent`, { code: 'ETORRENT', hint: 'give a .torrent file, not the data it describes' })
}
