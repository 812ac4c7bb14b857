import { readFile } from 'node:fs/promises'
import { SeedcastError, fileError } from '../errors.js'

/** What seeding needs to know about a .torrent, read once from disk. */
export interface TorrentMeta {
  /** The .torrent bytes, handed to webtorrent unchanged. */
  torrentFile: Buffer
  infoHash: string
  name: string
  length: number
  pieceLength: number
  lastPieceLength: number
  /** SHA-1 of every piece, hex. */
  pieces: string[]
  /** Files in torrent order; `path` is relative to the data folder (it starts with the torrent name). */
  files: Array<{ path: string, length: number, offset: number }>
  announce: string[]
}

// parse-torrent ships no types, and another part of seedcast may declare them; a
// computed specifier keeps this file independent of whichever declaration exists.
const parseTorrentModule = 'parse-torrent'
type ParseTorrent = (input: Uint8Array) => Promise<Record<string, unknown>>
let parseTorrent: ParseTorrent | undefined

async function parse (bytes: Uint8Array): Promise<Record<string, unknown>> {
  parseTorrent ??= ((await import(parseTorrentModule)) as { default: ParseTorrent }).default
  return parseTorrent(bytes)
}

/** Reads and parses a .torrent file; a missing or malformed file is a SeedcastError. */
export async function readTorrentMeta (path: string): Promise<TorrentMeta> {
  let torrentFile: Buffer
  try {
    torrentFile = await readFile(path)
  } catch (err) {
    throw fileError(err, path)
  }
  let parsed: Record<string, unknown>
  try {
    parsed = await parse(torrentFile)
  } catch (err) {
    throw new SeedcastError(`${path}: not a torrent file (${(err as Error).message})`, { code: 'ETORRENT', hint: 'give a .torrent file or a show folder', cause: err })
  }
  if (!parsed.info || !Array.isArray(parsed.pieces) || !Array.isArray(parsed.files)) {
    throw new SeedcastError(`${path}: not a torrent file (no info dictionary)`, { code: 'ETORRENT', hint: 'give a .torrent file or a show folder' })
  }
  const files = (parsed.files as Array<{ path: string, length: number, offset: number }>)
    .map(file => ({ path: file.path, length: file.length, offset: file.offset }))
  return {
    torrentFile,
    infoHash: parsed.infoHash as string,
    name: parsed.name as string,
    length: parsed.length as number,
    pieceLength: parsed.pieceLength as number,
    lastPieceLength: parsed.lastPieceLength as number,
    pieces: parsed.pieces as string[],
    files,
    announce: (parsed.announce as string[] | undefined) ?? []
  }
}
