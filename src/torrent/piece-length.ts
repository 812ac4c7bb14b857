import { SeedcastError } from '../errors.js'

export const MIN_PIECE_LENGTH = 16 * 1024
/** Largest automatic choice: past this, pieces get slow to re-download and verify. */
export const MAX_AUTO_PIECE_LENGTH = 16 * 1024 * 1024
/** Largest accepted explicit piece length; the hasher keeps a few chunks of at least this size in memory. */
export const MAX_PIECE_LENGTH = 64 * 1024 * 1024
const MAX_PIECES = 2000

/**
 * Picks a piece length for `totalBytes` the way mktorrent and imdl users tune it by hand:
 * the smallest power of two from 16 KiB up to 16 MiB that keeps the torrent at or below
 * 2000 pieces, so mid-sized torrents get 1000–2000 pieces (a small .torrent and fast
 * browser verification, yet pieces small enough to share early).
 */
export function choosePieceLength (totalBytes: number): number {
  let pieceLength = MIN_PIECE_LENGTH
  while (pieceLength < MAX_AUTO_PIECE_LENGTH && Math.ceil(totalBytes / pieceLength) > MAX_PIECES) pieceLength *= 2
  return pieceLength
}

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2 }

/**
 * Reads a piece length as people write it: bytes (`262144`), with a binary unit
 * (`256K`, `256KiB`, `1M`) or as a power of two (`2^18`). It must be a power of two
 * between 16 KiB and 64 MiB.
 */
export function parsePieceLength (text: string): number {
  const trimmed = text.trim().toLowerCase()
  let bytes: number | undefined
  const power = /^2\s*\^\s*(\d{1,2})$/.exec(trimmed)
  const sized = /^(\d+)\s*([a-z]*)$/.exec(trimmed)
  if (power) bytes = 2 ** Number(power[1])
  else if (sized && UNITS[sized[2]!] !== undefined) bytes = Number(sized[1]) * UNITS[sized[2]!]!
  if (bytes === undefined) {
    throw new SeedcastError(`invalid piece length "${text}"`, { code: 'EPIECELENGTH', hint: 'use bytes or a power of two such as 256K, 1M or 2^18' })
  }
  validatePieceLength(bytes, text)
  return bytes
}

/** Throws a SeedcastError unless `bytes` is a power of two in the accepted range. */
export function validatePieceLength (bytes: number, shown: string | number = bytes): void {
  const isPowerOfTwo = Number.isSafeInteger(bytes) && bytes > 0 && (bytes & (bytes - 1)) === 0
  if (!isPowerOfTwo) {
    throw new SeedcastError(`piece length ${shown} is not a power of two`, { code: 'EPIECELENGTH', hint: 'use a power of two such as 256K, 1M or 2^18' })
  }
  if (bytes < MIN_PIECE_LENGTH || bytes > MAX_PIECE_LENGTH) {
    throw new SeedcastError(`piece length ${shown} is out of range`, { code: 'EPIECELENGTH', hint: 'use 16K to 64M' })
  }
}
