import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { SeedcastError, fileError } from '../errors.js'
import { hashFiles, type HashSource } from './hasher.js'
import { readMetainfo } from './inspect.js'
import type { Metainfo, MetainfoFile } from './metainfo.js'
import { pieceRange } from './piece-range.js'

export type VerifiedFileStatus = 'ok' | 'bad' | 'missing' | 'wrong-size'

export interface VerifiedFile {
  /** As written in the torrent. */
  path: string
  /** Where the data was looked for, relative to the download folder (the sanitised path). */
  safePath: string
  length: number
  status: VerifiedFileStatus
  /** Indexes of the bad pieces that hold bytes of this file. */
  badPieces: number[]
}

export interface VerifyResult {
  totalPieces: number
  /** Pieces read and hashed: all of them, or those asked for with the `pieces` option. */
  checkedPieces: number
  /** Checked pieces that match. */
  goodPieces: number
  badPieces: number[]
  /** The files holding data; BEP 47 pad files (zeros, never on disk) and symlinks are not listed. */
  files: VerifiedFile[]
  /** Every checked piece matches and every file has the right size. */
  ok: boolean
}

export interface VerifyOptions {
  onProgress?: (doneBytes: number, totalBytes: number) => void
  signal?: AbortSignal
  /**
   * Check only these pieces (e.g. those of the files that changed since the last check);
   * the others are neither read nor judged. Default: every piece.
   */
  pieces?: readonly number[]
}

/**
 * Hashes the data of a torrent and compares every piece. `dataPath` is the file itself or
 * the folder holding it for a single-file torrent, and the torrent's top folder (the one
 * given to `create`) for a multi-file torrent. Missing or short files do not stop the
 * check: their pieces count as bad and the file is reported as missing or wrong-size.
 * Files are looked for at their safe (sanitised) paths, where `get` writes them; pad
 * files are taken as the zeros they are, without reading the disk.
 */
export async function verifyTorrent (torrent: Uint8Array | string, dataPath: string, options: VerifyOptions = {}): Promise<VerifyResult> {
  const metainfo = readMetainfo(torrent)
  const dataStat = await stat(dataPath).catch((error: unknown) => { throw fileError(error, dataPath, 'read') })
  let locate: (file: MetainfoFile) => string
  if (metainfo.singleFile) {
    locate = () => dataStat.isDirectory() ? join(dataPath, metainfo.safeName) : dataPath
  } else if (dataStat.isDirectory()) {
    // Safe paths start with the torrent's folder name; dataPath is that folder.
    locate = file => join(dataPath, file.safePath.slice(file.safePath.indexOf('/') + 1))
  } else {
    const first = metainfo.files.find(file => !file.pad)
    throw new SeedcastError(`${dataPath} is a file, but the torrent holds a folder`, { code: 'EINPUT', hint: `give the folder that holds ${first?.safePath.slice(first.safePath.indexOf('/') + 1)}` })
  }

  return verifyData(metainfo, locate, options)
}

/**
 * Checks the data of a torrent already read, each file's data being at `locate(file)`
 * (an absolute path): the one piece checker of seedcast (`verify`, and the seeder before
 * it serves anything). Hashing runs on the worker-thread hasher; missing or short files
 * do not stop it: their pieces count as bad. Pad files are taken as the zeros they are
 * and symlinks as nothing, without reading the disk.
 */
export async function verifyData (metainfo: Metainfo, locate: (file: MetainfoFile) => string, options: VerifyOptions = {}): Promise<VerifyResult> {
  const statuses: VerifiedFileStatus[] = []
  const sources: HashSource[] = []
  for (const file of metainfo.files) {
    if (file.pad || file.symlink) {
      // Zeros (pad) or nothing (symlink): hashed as zeros, never read from disk.
      statuses.push('ok')
      sources.push({ absolutePath: '', length: file.length, readable: 0 })
      continue
    }
    const absolutePath = locate(file)
    const found = await stat(absolutePath).catch(() => undefined)
    const size = found?.isFile() ? found.size : undefined
    statuses.push(size === undefined ? 'missing' : size === file.length ? 'ok' : 'wrong-size')
    sources.push({ absolutePath, length: file.length, readable: Math.min(size ?? 0, file.length) })
  }

  const checked = options.pieces ? [...new Set(options.pieces)].sort((a, b) => a - b) : undefined
  const { pieces } = await hashFiles(sources, {
    pieceLength: metainfo.pieceLength, tolerateShortFiles: true, onProgress: options.onProgress, signal: options.signal, pieces: checked
  })

  const bad = new Set<number>()
  const isChecked = checked ? new Set(checked) : undefined
  const order = checked ?? Array.from({ length: metainfo.pieceCount }, (_, piece) => piece)
  order.forEach((piece, at) => {
    if (!pieces.subarray(at * 20, at * 20 + 20).equals(metainfo.pieces.subarray(piece * 20, piece * 20 + 20))) bad.add(piece)
  })
  // Bytes that were not on disk were hashed as zeros; never let zeros pass for data.
  metainfo.files.forEach((file, index) => {
    if (file.pad || file.symlink) return
    const readable = sources[index]!.readable ?? file.length
    if (readable < file.length) forPiecesOf(file.offset + readable, file.offset + file.length, metainfo.pieceLength, piece => { if (!isChecked || isChecked.has(piece)) bad.add(piece) })
  })

  const badPieces = [...bad].sort((a, b) => a - b)
  const files = metainfo.files.flatMap((file, index): VerifiedFile[] => {
    if (file.pad || file.symlink) return []
    const fileBad: number[] = []
    forPiecesOf(file.offset, file.offset + file.length, metainfo.pieceLength, piece => { if (bad.has(piece)) fileBad.push(piece) })
    const status = statuses[index] === 'ok' && fileBad.length > 0 ? 'bad' : statuses[index]!
    return [{ path: file.path, safePath: file.safePath, length: file.length, status, badPieces: fileBad }]
  })
  return {
    totalPieces: metainfo.pieceCount,
    checkedPieces: order.length,
    goodPieces: order.length - badPieces.length,
    badPieces,
    files,
    ok: badPieces.length === 0 && files.every(file => file.status === 'ok')
  }
}

/** Calls `visit` with every piece index overlapping the byte range [start, end). */
function forPiecesOf (start: number, end: number, pieceLength: number, visit: (piece: number) => void): void {
  const range = pieceRange(start, end, pieceLength)
  if (!range) return
  for (let piece = range.first; piece <= range.last; piece++) visit(piece)
}
