import { createHash } from 'node:crypto'
import { open, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import type { TorrentMeta } from './torrent-meta.js'

/**
 * Every SHA-1 piece check seedcast's seeder performs is counted here, so tests and the
 * status output can prove that a restart with unchanged data hashed nothing.
 */
export const hashCounter = { pieces: 0, bytes: 0 }

/** Indexes of the pieces that overlap the given files (by index in meta.files). */
export function piecesOfFiles (meta: TorrentMeta, fileIndexes: number[]): number[] {
  const pieces = new Set<number>()
  for (const index of fileIndexes) {
    const file = meta.files[index]
    if (!file || file.length === 0) continue
    const first = Math.floor(file.offset / meta.pieceLength)
    const last = Math.floor((file.offset + file.length - 1) / meta.pieceLength)
    for (let piece = first; piece <= last; piece++) pieces.add(piece)
  }
  return [...pieces].sort((a, b) => a - b)
}

/**
 * Hashes the given pieces of the torrent's data under `dataPath` and returns the
 * indexes that do NOT match. Reads are positioned, so only the asked pieces are read.
 */
export async function findBadPieces (meta: TorrentMeta, dataPath: string, pieces: number[]): Promise<number[]> {
  const handles = new Map<number, FileHandle>()
  const bad: number[] = []
  const buffer = Buffer.allocUnsafe(meta.pieceLength)
  try {
    for (const piece of pieces) {
      const start = piece * meta.pieceLength
      const length = piece === meta.pieces.length - 1 ? meta.lastPieceLength : meta.pieceLength
      let filled = 0
      for (let index = 0; index < meta.files.length && filled < length; index++) {
        const file = meta.files[index]!
        const fileEnd = file.offset + file.length
        const position = start + filled
        if (fileEnd <= position || file.offset > position) continue
        let handle = handles.get(index)
        if (!handle) {
          handle = await open(join(dataPath, file.path), 'r')
          handles.set(index, handle)
        }
        const want = Math.min(length - filled, fileEnd - position)
        const { bytesRead } = await handle.read(buffer, filled, want, position - file.offset)
        filled += bytesRead
        if (bytesRead < want) break
      }
      hashCounter.pieces++
      hashCounter.bytes += filled
      const digest = filled === length ? createHash('sha1').update(buffer.subarray(0, length)).digest('hex') : ''
      if (digest !== meta.pieces[piece]) bad.push(piece)
    }
  } finally {
    await Promise.all([...handles.values()].map(handle => handle.close()))
  }
  return bad
}
