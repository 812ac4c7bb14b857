import { sep } from 'node:path'
import { bdecode } from '../torrent/bencode.js'
import type { Metainfo } from '../torrent/metainfo.js'
import { interceptPeerMetadata } from './peer-metadata.js'

/**
 * The torrent as WebTorrent takes it (the shape parse-torrent gives), built from
 * seedcast's one reader rather than parse-torrent, which refuses what libtorrent opens
 * (pad files with no path, symlinks with no length), recomputes the infohash from a
 * re-encoding (wrong for a dictionary whose keys are not in order) and keeps unsafe
 * names. Each file's `path` is its safe path, so what WebTorrent shows, selects and
 * checks is what is on disk; the data itself goes through DownloadStore (get) or
 * SeedStore (seed), which read and write each file at its safe path and never a pad file.
 */
export function webTorrentInput (metainfo: Metainfo): Record<string, unknown> {
  return {
    info: bdecode(metainfo.infoBytes).value,
    infoBuffer: metainfo.infoBytes,
    infoHash: metainfo.infoHash,
    infoHashBuffer: Buffer.from(metainfo.infoHash, 'hex'),
    name: metainfo.name,
    announce: [...new Set(metainfo.announce.flat())],
    urlList: metainfo.webSeeds,
    private: metainfo.private,
    created: metainfo.creationDate,
    createdBy: metainfo.createdBy,
    comment: metainfo.comment,
    files: metainfo.files.map(file => ({
      path: file.safePath.split('/').join(sep),
      name: file.safePath.slice(file.safePath.lastIndexOf('/') + 1),
      length: file.length,
      offset: file.offset
    })),
    length: metainfo.length,
    pieceLength: metainfo.pieceLength,
    lastPieceLength: metainfo.length % metainfo.pieceLength || metainfo.pieceLength,
    pieces: Array.from({ length: metainfo.pieceCount }, (_, index) => metainfo.pieces.toString('hex', index * 20, index * 20 + 20))
  }
}

/**
 * Makes a WebTorrent torrent added from a magnet link read the info dictionary its peers
 * send (ut_metadata) with seedcast's reader too: WebTorrent would give it to
 * parse-torrent, which refuses pad files without a path and symlinks without a length,
 * and names files unsafely. Returns false when WebTorrent's internals do not allow it
 * (see interceptPeerMetadata): WebTorrent then reads the metadata itself, which works for
 * every torrent parse-torrent takes.
 */
export function readPeerMetadataWithSeedcast (torrent: object, read: (bytes: Uint8Array) => Metainfo): boolean {
  return interceptPeerMetadata(torrent, bytes => webTorrentInput(read(bytes)))
}
