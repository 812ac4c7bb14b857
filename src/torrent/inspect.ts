import { readFileSync } from 'node:fs'
import { SeedcastError, fileError } from '../errors.js'
import { magnetURI, parseMagnet } from './magnet.js'
import { parseMetainfo, type Metainfo } from './metainfo.js'

/** What `seedcast info` shows: the fields of a .torrent or a magnet link. */
export interface TorrentInfo extends Pick<Metainfo, 'name' | 'infoHash' | 'length' | 'pieceLength' | 'pieceCount' | 'announce' | 'webSeeds' | 'private' | 'comment' | 'createdBy' | 'creationDate' | 'source'> {
  /** `magnet` when read from a magnet link: then only infoHash, name, length, trackers and web seeds are known. */
  kind: 'torrent' | 'magnet'
  /** Paths start with the torrent name and use `/`; offset is the file's place in the piece stream. */
  files: { path: string, length: number, offset: number }[]
  /** Where the .torrent can be fetched (magnet `xs`), when known. */
  torrentUrl?: string
  magnet: string
}

/**
 * Reads a .torrent (bytes or a path) or a magnet link and returns its fields. Synchronous
 * on purpose: a .torrent is small, and callers can use it anywhere. Malformed input is a
 * SeedcastError naming the problem.
 */
export function inspectTorrent (input: Uint8Array | string): TorrentInfo {
  if (typeof input === 'string' && /^magnet:/i.test(input)) {
    const magnet = parseMagnet(input)
    return {
      kind: 'magnet',
      name: magnet.name ?? magnet.infoHash,
      infoHash: magnet.infoHash,
      files: [],
      length: magnet.length ?? 0,
      pieceLength: 0,
      pieceCount: 0,
      announce: magnet.trackers.map(url => [url]),
      webSeeds: magnet.webSeeds,
      private: false,
      torrentUrl: magnet.torrentUrl,
      magnet: magnetURI(magnet)
    }
  }
  return describeMetainfo(readMetainfo(input))
}

/** Parses a .torrent given as bytes or a path; errors name the file. */
export function readMetainfo (input: Uint8Array | string): Metainfo {
  if (typeof input !== 'string') return parseMetainfo(input)
  let bytes: Buffer
  try {
    bytes = readFileSync(input)
  } catch (error) {
    throw fileError(error, input, 'read')
  }
  try {
    return parseMetainfo(bytes)
  } catch (error) {
    if (error instanceof SeedcastError) throw new SeedcastError(`${input}: ${error.message}`, { code: error.code, hint: error.hint, cause: error })
    throw error
  }
}

function describeMetainfo (metainfo: Metainfo): TorrentInfo {
  return {
    kind: 'torrent',
    name: metainfo.name,
    infoHash: metainfo.infoHash,
    files: metainfo.files.map(({ path, length, offset }) => ({ path, length, offset })),
    length: metainfo.length,
    pieceLength: metainfo.pieceLength,
    pieceCount: metainfo.pieceCount,
    announce: metainfo.announce,
    webSeeds: metainfo.webSeeds,
    private: metainfo.private,
    comment: metainfo.comment,
    createdBy: metainfo.createdBy,
    creationDate: metainfo.creationDate,
    source: metainfo.source,
    magnet: magnetURI({ infoHash: metainfo.infoHash, name: metainfo.name, length: metainfo.length, trackers: metainfo.announce.flat(), webSeeds: metainfo.webSeeds })
  }
}
