import { createHash } from 'node:crypto'
import { SeedcastError } from '../errors.js'
import { bencode, type Encodable } from './bencode.js'
import { defaultCreatedBy } from './created-by.js'
import { listInputFiles, type InputFiles } from './file-list.js'
import { hashFiles } from './hasher.js'
import { magnetURI } from './magnet.js'
import { choosePieceLength, validatePieceLength } from './piece-length.js'
import { validateTrackers, validateWebSeeds } from './urls.js'

export interface CreateTorrentOptions {
  /** Torrent name; default the base name of the input. */
  name?: string
  /** Bytes, a power of two; default choosePieceLength(total). */
  pieceLength?: number
  /** Tracker tiers (BEP 12): `[[primary, backup], [next tier]]`. */
  announce?: string[][]
  /** BEP 19 web seeds (url-list). */
  webSeeds?: string[]
  private?: boolean
  comment?: string
  /** `source` in the info dict: makes the infohash unique to one tracker or site. */
  source?: string
  /** Default `seedcast/<version>`; empty string leaves it out. */
  createdBy?: string
  /** Default now; `null` leaves it out for reproducible bytes. */
  creationDate?: Date | null
  /** Keep hidden and junk files when the input is a folder. */
  includeJunk?: boolean
  /** Also compute each file's SHA-256 (base64) in the same read pass. */
  sha256?: boolean
  onProgress?: (doneBytes: number, totalBytes: number) => void
  signal?: AbortSignal
}

export interface CreatedTorrentFile {
  /** Path inside the torrent joined with `/`, starting with the torrent name (as parse-torrent and webtorrent show it). */
  path: string
  length: number
  /** Base64 SHA-256 of the file (with `sha256: true`), ready for SRI `sha256-…`. */
  sha256?: string
}

export interface CreatedTorrent {
  /** The bencoded .torrent file. */
  torrent: Buffer
  infoHash: string
  name: string
  pieceLength: number
  pieceCount: number
  length: number
  files: CreatedTorrentFile[]
  magnet: string
}

/** What hashing a torrent's input yields; assembleTorrent makes the .torrent from it. */
export interface HashedTorrentInput {
  files: InputFiles
  length: number
  pieceLength: number
  /** The SHA-1 of every piece, concatenated. */
  pieces: Buffer
  /** Each file's base64 SHA-256, with `sha256: true`. */
  sha256?: string[]
}

/** The options that decide what is hashed, as opposed to what is written around it. */
export type HashInputOptions = Pick<CreateTorrentOptions, 'pieceLength' | 'includeJunk' | 'sha256' | 'onProgress' | 'signal'>
/** The options that only shape the .torrent around the hashes. */
export type AssembleOptions = Omit<CreateTorrentOptions, keyof HashInputOptions>

/**
 * Makes a BitTorrent v1 torrent of a file or folder. The info dict is byte-identical to
 * create-torrent's for the same files and options (same file order, same junk filter,
 * same keys) and to mktorrent's with `includeJunk` where both order files alike; only
 * what is outside the info dict (dates, trackers, comment) is ours. Zero bytes in all
 * is refused (create-torrent writes a torrent with no pieces, which clients reject).
 */
export async function createTorrent (input: string, options: CreateTorrentOptions = {}): Promise<CreatedTorrent> {
  const files = await listTorrentInput(input, options)
  // The name, trackers and web seeds are checked before the long hash, not after it.
  checkAssembleOptions(files, options)
  return assembleTorrent(await hashTorrentFiles(files, options), options)
}

/**
 * Hashes a file or folder without naming the torrent yet: a caller that learns the name
 * from the content (publish picks the episode's slug once it knows the media is not a
 * duplicate) assembles it afterwards. The name is not in the piece hashes.
 */
export async function hashTorrentInput (input: string, options: HashInputOptions = {}): Promise<HashedTorrentInput> {
  return hashTorrentFiles(await listTorrentInput(input, options), options)
}

async function listTorrentInput (input: string, options: HashInputOptions): Promise<InputFiles> {
  const listing = await listInputFiles(input, { includeJunk: options.includeJunk })
  if (listing.files.length === 0) {
    const hint = listing.skippedJunk > 0
      ? `${listing.skippedJunk} hidden or junk entries were skipped; \`includeJunk\` keeps them`
      : 'put the media files in it first'
    throw new SeedcastError(`${input}: the folder holds no files`, { code: 'EEMPTY', hint })
  }
  if (totalLength(listing) === 0) {
    throw new SeedcastError(`${input}: nothing to share, every file is empty (0 bytes)`, { code: 'EEMPTY', hint: 'a torrent needs at least one byte of data' })
  }
  if (options.pieceLength !== undefined) validatePieceLength(options.pieceLength)
  return listing
}

async function hashTorrentFiles (files: InputFiles, options: HashInputOptions): Promise<HashedTorrentInput> {
  const length = totalLength(files)
  const pieceLength = options.pieceLength ?? choosePieceLength(length)
  const { pieces, sha256 } = await hashFiles(files.files, {
    pieceLength, sha256: options.sha256, onProgress: options.onProgress, signal: options.signal
  })
  return { files, length, pieceLength, pieces, ...(sha256 ? { sha256 } : {}) }
}

function totalLength (files: InputFiles): number {
  return files.files.reduce((sum, file) => sum + file.length, 0)
}

function checkAssembleOptions (files: InputFiles, options: AssembleOptions): { name: string, tiers: string[][], webSeeds: string[] } {
  const name = options.name ?? files.name
  if (!name || name.includes('/') || name === '.' || name === '..') {
    throw new SeedcastError(`invalid torrent name "${name}"`, { code: 'ENAME', hint: 'use a plain name without slashes' })
  }
  return { name, tiers: validateTrackers(options.announce ?? []), webSeeds: validateWebSeeds(options.webSeeds ?? []) }
}

/** Writes the .torrent (and its infohash and magnet) around hashes made by hashTorrentInput. */
export function assembleTorrent (hashed: HashedTorrentInput, options: AssembleOptions = {}): CreatedTorrent {
  const { files: listing, length, pieceLength, pieces, sha256 } = hashed
  const { name, tiers, webSeeds } = checkAssembleOptions(listing, options)
  const info: Record<string, Encodable | undefined> = {
    name,
    'piece length': pieceLength,
    pieces,
    private: options.private ? 1 : undefined,
    source: options.source || undefined
  }
  if (listing.singleFile) info.length = length
  else info.files = listing.files.map(file => ({ length: file.length, path: file.path }))
  const infoHash = createHash('sha1').update(bencode(info)).digest('hex')

  const trackers = tiers.flat()
  const createdBy = options.createdBy ?? defaultCreatedBy
  const creationDate = options.creationDate === undefined ? new Date() : options.creationDate
  const torrent = bencode({
    announce: trackers[0],
    'announce-list': trackers.length > 1 ? tiers : undefined,
    comment: options.comment || undefined,
    'created by': createdBy || undefined,
    'creation date': creationDate ? Math.floor(creationDate.getTime() / 1000) : undefined,
    info,
    'url-list': webSeeds.length > 0 ? webSeeds : undefined
  })

  return {
    torrent,
    infoHash,
    name,
    pieceLength,
    pieceCount: pieces.length / 20,
    length,
    files: listing.files.map((file, index) => ({
      path: [name, ...file.path].join('/'),
      length: file.length,
      ...(sha256 ? { sha256: sha256[index] } : {})
    })),
    magnet: magnetURI({ infoHash, name, length, trackers, webSeeds })
  }
}
