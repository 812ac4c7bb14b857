import type { EpisodeTorrent } from './metainfo.js'

/** True when `data` is piece `index` of the torrent (SHA-1, WebCrypto). */
export async function pieceMatches (torrent: EpisodeTorrent, index: number, data: Uint8Array): Promise<boolean> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-1', data as Uint8Array<ArrayBuffer>))
  const expected = torrent.hashes.subarray(index * 20, index * 20 + 20)
  for (let i = 0; i < 20; i++) if (digest[i] !== expected[i]) return false
  return true
}
