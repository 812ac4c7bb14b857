import bencode from 'bencode'

/** What the player needs of an episode's .torrent: piece geometry and SHA-1s. */
export interface EpisodeTorrent {
  /** The .torrent as fetched, minus its web seeds (the player fetches from the web seed itself). */
  torrentFile: Uint8Array
  pieceLength: number
  length: number
  pieceCount: number
  /** SHA-1 of piece i at bytes [20 i, 20 i + 20). */
  hashes: Uint8Array
}

type Dict = Record<string, unknown>

/**
 * Fetches and reads a single-file .torrent. The `url-list` is removed from the copy handed to
 * WebTorrent: its own web-seed connection would read ahead without bound (webtorrent#1570),
 * while the player's web-seed reads are bounded by the play position. The infohash is
 * computed over `info` only, so it is unchanged.
 */
export async function loadTorrent (url: string, expectedLength: number, signal?: AbortSignal): Promise<EpisodeTorrent> {
  const response = await fetch(url, { signal })
  if (!response.ok) throw new Error(`torrent ${url}: HTTP ${response.status}`)
  const raw = new Uint8Array(await response.arrayBuffer())
  const root = bencode.decode(raw) as Dict
  const info = root.info as Dict | undefined
  if (!info || typeof info['piece length'] !== 'number' || !(info.pieces instanceof Uint8Array)) {
    throw new Error(`torrent ${url}: no info dictionary`)
  }
  if (typeof info.length !== 'number') throw new Error(`torrent ${url}: not a single-file torrent`)
  const pieceLength = info['piece length']
  const length = info.length
  const hashes = info.pieces
  const pieceCount = Math.ceil(length / pieceLength)
  if (hashes.length !== pieceCount * 20) throw new Error(`torrent ${url}: ${hashes.length / 20} hashes for ${pieceCount} pieces`)
  if (Number.isFinite(expectedLength) && expectedLength > 0 && expectedLength !== length) {
    throw new Error(`torrent ${url}: ${length} bytes, the page says ${expectedLength}`)
  }
  delete root['url-list']
  return { torrentFile: bencode.encode(root), pieceLength, length, pieceCount, hashes }
}

export function pieceSize (torrent: EpisodeTorrent, index: number): number {
  return index === torrent.pieceCount - 1 ? torrent.length - index * torrent.pieceLength : torrent.pieceLength
}
