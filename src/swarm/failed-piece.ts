// WebTorrent drops a piece whose SHA-1 does not match and asks for it again; its only word
// for it is a torrent 'warning' (lib/torrent.js). The downloader's peer guard, its warning
// filter and the browser player's counter all read that warning, with this one pattern.
const FAILED_PIECE = /^Piece (\d+) failed verification$/

/** The index of the piece a webtorrent warning says failed its SHA-1 check, else undefined. */
export function failedPieceIndex (warning: unknown): number | undefined {
  const match = FAILED_PIECE.exec(warning instanceof Error ? warning.message : String(warning))
  return match ? Number(match[1]) : undefined
}
