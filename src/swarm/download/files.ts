import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { SeedcastError, fileError } from '../../errors.js'
import { pieceRange } from '../../torrent/piece-range.js'
import type { DownloadFile, DownloadTorrent } from './webtorrent.js'

/**
 * Bytes of `file` covered by verified pieces. Webtorrent's own `file.downloaded` drops
 * the whole last piece of a file that ends exactly on a piece boundary, which would
 * make a resumed download look one piece short.
 */
export function verifiedBytesOf (torrent: DownloadTorrent, file: DownloadFile): number {
  const pieceLength = torrent.pieceLength
  const fileEnd = file.offset + file.length
  const range = pieceRange(file.offset, fileEnd, pieceLength)
  if (!torrent.bitfield || !range) return 0
  let bytes = 0
  for (let index = range.first; index <= range.last; index++) {
    if (!torrent.bitfield.get(index)) continue
    const start = Math.max(index * pieceLength, file.offset)
    const end = Math.min((index + 1) * pieceLength, fileEnd, torrent.length)
    bytes += end - start
  }
  return bytes
}

/**
 * The last check before "done": every piece was SHA-1 verified before it was written, so
 * what is left to catch is the file itself changing under us (truncated, replaced or
 * deleted by another program while we downloaded).
 */
export async function checkFilesOnDisk (outputDir: string, files: Array<{ safePath: string, length: number }>): Promise<void> {
  for (const file of files) {
    const path = join(outputDir, ...file.safePath.split('/'))
    const info = await stat(path).catch(error => { throw fileError(error, path, 'read') })
    if (info.size !== file.length) {
      throw new SeedcastError(`${path}: ${info.size} bytes on disk, expected ${file.length}: it changed during the download`, { code: 'ECHANGED', hint: 'run the same command again to re-verify and repair it' })
    }
  }
}

