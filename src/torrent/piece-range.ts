/**
 * Which pieces hold which bytes: the one place the piece arithmetic is written (verify,
 * the seeder's fast resume and the download's progress all ask it). A torrent's files
 * are one stream cut into pieces of `pieceLength` bytes, the last one possibly shorter.
 */

/** The first and last piece holding bytes [start, end) of the stream; undefined for an empty range. */
export function pieceRange (start: number, end: number, pieceLength: number): { first: number, last: number } | undefined {
  if (end <= start) return undefined
  return { first: Math.floor(start / pieceLength), last: Math.floor((end - 1) / pieceLength) }
}

/** Indexes of the pieces holding bytes of any of `files`, ascending, each once. */
export function piecesOfFiles (files: Iterable<{ offset: number, length: number }>, pieceLength: number): number[] {
  const pieces = new Set<number>()
  for (const file of files) {
    const range = pieceRange(file.offset, file.offset + file.length, pieceLength)
    if (!range) continue
    for (let piece = range.first; piece <= range.last; piece++) pieces.add(piece)
  }
  return [...pieces].sort((a, b) => a - b)
}
