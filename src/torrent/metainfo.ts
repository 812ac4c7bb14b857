import { createHash } from 'node:crypto'
import { SeedcastError } from '../errors.js'
import { bdecode, type BencodeDict, type BencodeValue } from './bencode.js'

/** One file of a parsed torrent, with its place in the piece stream. */
export interface MetainfoFile {
  /** `name/dir/file` for multi-file torrents, `name` for a single file. */
  path: string
  /** Path components below the torrent name (empty for a single-file torrent). */
  components: string[]
  length: number
  /** Byte offset of the file in the concatenated stream. */
  offset: number
}

/** Everything seedcast reads from a .torrent, validated. */
export interface Metainfo {
  name: string
  infoHash: string
  singleFile: boolean
  files: MetainfoFile[]
  length: number
  pieceLength: number
  pieceCount: number
  /** Concatenated 20-byte SHA-1 piece digests. */
  pieces: Buffer
  /** Tracker tiers (BEP 12). */
  announce: string[][]
  webSeeds: string[]
  private: boolean
  comment?: string
  createdBy?: string
  creationDate?: Date
  source?: string
}

const invalid = (what: string): SeedcastError =>
  new SeedcastError(`invalid torrent: ${what}`, { code: 'ETORRENT', hint: 'the .torrent is damaged or not a BitTorrent v1 file' })

const isDict = (value: BencodeValue | undefined): value is BencodeDict =>
  typeof value === 'object' && value !== null && !Buffer.isBuffer(value) && !Array.isArray(value)

function text (value: BencodeValue | undefined, what: string): string {
  if (!Buffer.isBuffer(value)) throw invalid(`${what} is not a string`)
  return value.toString('utf8')
}

function optionalText (value: BencodeValue | undefined): string | undefined {
  return Buffer.isBuffer(value) ? value.toString('utf8') : undefined
}

function count (value: BencodeValue | undefined, what: string): number {
  if (typeof value !== 'number' || value < 0) throw invalid(`${what} is not a non-negative integer`)
  return value
}

/** A path component that is safe to join onto a folder: no separators, no `.`/`..`. */
function safeComponent (value: BencodeValue | undefined, what: string): string {
  const component = text(value, what)
  if (component === '' || component === '.' || component === '..' || /[/\\\0]/.test(component)) {
    throw invalid(`${what} "${component}" is not a safe file name`)
  }
  return component
}

/**
 * Decodes and validates a .torrent. The infohash is the SHA-1 of the info dict bytes as
 * they appear in the file. Throws a SeedcastError saying what is wrong for truncated
 * data, wrong types, missing keys and unsafe paths.
 */
export function parseMetainfo (bytes: Uint8Array): Metainfo {
  if (bytes.length === 0) throw new SeedcastError('not a torrent: the file is empty', { code: 'ETORRENT', hint: 'give a .torrent file or a magnet link' })
  if (bytes[0] !== 0x64 /* d */) {
    throw new SeedcastError('not a torrent: it does not start with a bencoded dictionary', { code: 'ETORRENT', hint: 'give a .torrent file or a magnet link' })
  }
  const { value: root, infoSpan } = bdecode(bytes)
  if (!isDict(root)) throw invalid('the top level is not a dictionary')
  const info = root.info
  if (info === undefined || !infoSpan) throw invalid('the info dictionary is missing')
  if (!isDict(info)) throw invalid('info is not a dictionary')
  const infoHash = createHash('sha1').update(bytes.subarray(infoSpan[0], infoSpan[1])).digest('hex')

  const name = safeComponent(info.name, 'info.name')
  const pieceLength = count(info['piece length'], 'info["piece length"]')
  if (pieceLength === 0) throw invalid('info["piece length"] is zero')
  const pieces = info.pieces
  if (!Buffer.isBuffer(pieces)) throw invalid('info.pieces is not a string')
  if (pieces.length % 20 !== 0) throw invalid(`info.pieces is ${pieces.length} bytes, not a multiple of 20`)

  const files: MetainfoFile[] = []
  let offset = 0
  const singleFile = info.files === undefined
  if (singleFile) {
    const length = count(info.length, 'info.length')
    files.push({ path: name, components: [], length, offset })
    offset = length
  } else {
    if (!Array.isArray(info.files) || info.files.length === 0) throw invalid('info.files is not a non-empty list')
    info.files.forEach((entry, index) => {
      if (!isDict(entry)) throw invalid(`info.files[${index}] is not a dictionary`)
      const length = count(entry.length, `info.files[${index}].length`)
      if (!Array.isArray(entry.path) || entry.path.length === 0) throw invalid(`info.files[${index}].path is not a non-empty list`)
      const components = entry.path.map((part, at) => safeComponent(part, `info.files[${index}].path[${at}]`))
      files.push({ path: [name, ...components].join('/'), components, length, offset })
      offset += length
    })
  }
  const expectedPieces = Math.ceil(offset / pieceLength)
  if (pieces.length / 20 !== expectedPieces) {
    throw invalid(`${pieces.length / 20} piece hashes for ${offset} bytes in pieces of ${pieceLength} (expected ${expectedPieces})`)
  }

  const creation = root['creation date']
  return {
    name,
    infoHash,
    singleFile,
    files,
    length: offset,
    pieceLength,
    pieceCount: expectedPieces,
    pieces,
    announce: readTrackers(root),
    webSeeds: readWebSeeds(root['url-list']),
    private: info.private === 1,
    comment: optionalText(root.comment),
    createdBy: optionalText(root['created by']),
    creationDate: typeof creation === 'number' ? new Date(creation * 1000) : undefined,
    source: optionalText(info.source)
  }
}

/** BEP 12 tiers from announce-list, else the single announce URL; malformed entries are skipped. */
function readTrackers (root: BencodeDict): string[][] {
  const list = root['announce-list']
  if (Array.isArray(list)) {
    const tiers = list
      .map(tier => Array.isArray(tier) ? tier.filter(Buffer.isBuffer).map(url => url.toString('utf8')) : [])
      .filter(tier => tier.length > 0)
    if (tiers.length > 0) return tiers
  }
  return Buffer.isBuffer(root.announce) ? [[root.announce.toString('utf8')]] : []
}

function readWebSeeds (value: BencodeValue | undefined): string[] {
  if (Buffer.isBuffer(value)) return value.length > 0 ? [value.toString('utf8')] : []
  if (Array.isArray(value)) return value.filter(Buffer.isBuffer).map(url => url.toString('utf8'))
  return []
}
