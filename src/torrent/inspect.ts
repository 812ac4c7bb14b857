import { SeedcastError, fileError } from '../errors.js'
import { magnetURI, parseMagnet } from './magnet.js'
import { parseMetainfo, type Metainfo, type SanitisedPath } from './metainfo.js'
import { readTorrentFileSync } from './read-torrent-file.js'
import { sanitiseComponent } from './safe-path.js'

/** One entry of a torrent as `seedcast info` shows it. */
export interface TorrentInfoFile {
  /** As written in the torrent, starting with the torrent name, `/`-separated. */
  path: string
  /** Where its data is written and read, relative to the download folder (the sanitised path). */
  safePath: string
  length: number
  /** The file's place in the piece stream. */
  offset: number
  /** `pad`: BEP 47 padding, never written to disk; `symlink`: a link holding no data. */
  type: 'file' | 'pad' | 'symlink'
  /** For a symlink: the safe path it points at, or null when it points outside the torrent (not made). */
  target?: string | null
}

/** What `seedcast info` shows: the fields of a .torrent or a magnet link. */
export interface TorrentInfo extends Pick<Metainfo, 'name' | 'infoHash' | 'length' | 'pieceLength' | 'pieceCount' | 'announce' | 'webSeeds' | 'private' | 'comment' | 'createdBy' | 'creationDate' | 'source'> {
  /** `magnet` when read from a magnet link: then only infoHash, name, length, trackers and web seeds are known. */
  kind: 'torrent' | 'magnet'
  /** The name the data is saved under (the sanitised name). */
  safeName: string
  files: TorrentInfoFile[]
  /** Names changed to be safe on disk, with the reasons (empty when none). */
  sanitised: SanitisedPath[]
  /** How many BEP 47 pad files the torrent has (never written to disk). */
  padFiles: number
  /** A hybrid v1 + v2 torrent, read through its v1 part. */
  hybrid: boolean
  /** Bytes after the end of the .torrent's dictionary, ignored. */
  trailingBytes: number
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
      safeName: (magnet.name === undefined ? undefined : sanitiseComponent(Buffer.from(magnet.name, 'utf8')).value) ?? magnet.infoHash,
      infoHash: magnet.infoHash,
      files: [],
      sanitised: [],
      padFiles: 0,
      hybrid: false,
      trailingBytes: 0,
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
    bytes = readTorrentFileSync(input)
  } catch (error) {
    if (error instanceof SeedcastError) throw error
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
    safeName: metainfo.safeName,
    infoHash: metainfo.infoHash,
    files: metainfo.files.map(({ path, safePath, length, offset, pad, symlink }): TorrentInfoFile => {
      if (symlink) return { path, safePath, length, offset, type: 'symlink', target: symlink.target ?? null }
      return { path, safePath, length, offset, type: pad ? 'pad' : 'file' }
    }),
    sanitised: metainfo.sanitised,
    padFiles: metainfo.files.filter(file => file.pad).length,
    hybrid: metainfo.hybrid,
    trailingBytes: metainfo.trailingBytes,
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

/** What each sanitising reason means, in words, for `seedcast info`. */
export const SANITISED_BECAUSE: Record<SanitisedPath['reasons'][number], string> = {
  separator: 'slashes removed',
  parent: '".." removed',
  dot: '"." removed',
  empty: 'empty name written as "_"',
  encoding: 'bytes that are not UTF-8 or control characters replaced',
  bidi: 'text-direction overrides removed',
  truncated: 'cut to 240 bytes',
  duplicate: 'renamed: another file or folder has this name',
  unnamed: 'nothing usable left: named after the infohash'
}
