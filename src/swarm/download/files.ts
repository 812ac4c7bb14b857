import { statSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import { SeedcastError, fileError } from '../../errors.js'
import type { Metainfo } from '../../torrent/metainfo.js'
import { pieceRange } from '../../torrent/piece-range.js'
import { dataFiles } from '../resume-state.js'
import type { DownloadFile, DownloadTorrent } from './webtorrent.js'
import { pathBelow } from '../../torrent/safe-path.js'

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
 * The files of `indexes` already in the download folder with bytes in them, looked at
 * before anything is written (synchronously: the download's first write must not come
 * between the look and its result).
 */
export function filesAlreadyThere (outputDir: string, layout: Metainfo, indexes: ReadonlySet<number>): Set<number> {
  const there = new Set<number>()
  // Pad files, symlinks and empty files hold no bytes of the torrent: nothing is written to them.
  for (const { index, file } of dataFiles(layout)) {
    if (!indexes.has(index)) continue
    let size = 0
    try {
      size = statSync(pathBelow(outputDir, file.safePath), { throwIfNoEntry: false })?.size ?? 0
    } catch {
      // Unreadable (a symlink loop, no permission): the store's own open says what is wrong.
    }
    if (size > 0) there.add(index)
  }
  return there
}

/**
 * Of the files that were there before the download, those that hold none of its data
 * once what is on disk has been verified: no piece touching them matched. Such a file
 * only shares the name (another show's episode.mp3, a file edited since): downloading
 * would overwrite it piece by piece. A partial download of this torrent has its verified
 * pieces, so it is resumed, not refused.
 */
export function foreignFiles (torrent: DownloadTorrent, there: ReadonlySet<number>): number[] {
  return [...there].filter(index => verifiedBytesOf(torrent, torrent.files[index]!) === 0)
}

/**
 * The last check before "done": every piece was SHA-1 verified before it was written, so
 * what is left to catch is the file itself changing under us (truncated, replaced or
 * deleted by another program while we downloaded).
 */
export async function checkFilesOnDisk (outputDir: string, files: Array<{ safePath: string, length: number }>): Promise<void> {
  for (const file of files) {
    const path = pathBelow(outputDir, file.safePath)
    const info = await stat(path).catch(error => { throw fileError(error, path, 'read') })
    if (info.size !== file.length) {
      throw new SeedcastError(`${path}: ${info.size} bytes on disk, expected ${file.length}: it changed during the download`, { code: 'ECHANGED', hint: 'run the same command again to re-verify and repair it' })
    }
  }
}

