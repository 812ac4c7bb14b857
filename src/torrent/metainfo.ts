import { createHash } from 'node:crypto'
import { SeedcastError } from '../errors.js'
import { bdecode, type BencodeDict, type BencodeValue } from './bencode.js'
import { FileListError, readFileList, type MetainfoFile, type SanitisedPath } from './metainfo-files.js'
import { sanitiseComponent } from './safe-path.js'

export type { MetainfoFile, SanitisedPath } from './metainfo-files.js'

/** Everything seedcast reads from a .torrent, validated. */
export interface Metainfo {
  /** The name as written (`name.utf-8` when present), for display. */
  name: string
  /**
   * The sanitised name: the file (single-file torrent) or top folder (multi-file) the
   * data is written to. For a multi-file torrent whose name has nothing usable left, the
   * infohash, as libtorrent does.
   */
  safeName: string
  infoHash: string
  /** The info dictionary's bytes as written (its SHA-1 is the infohash; peers ask for them by ut_metadata). */
  infoBytes: Buffer
  singleFile: boolean
  /** Every entry of the torrent, pad files and symlinks included, in torrent order. */
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
  /** Names changed to be safe on disk (the name first, then files in order). */
  sanitised: SanitisedPath[]
  /** A hybrid BitTorrent v1 + v2 torrent: seedcast uses its v1 part. */
  hybrid: boolean
  /** Bytes after the end of the top-level dictionary, ignored (libtorrent ignores them too). */
  trailingBytes: number
}

const invalid = (what: string): SeedcastError =>
  new SeedcastError(`invalid torrent: ${what}`, { code: 'ETORRENT', hint: 'the .torrent is damaged or not a BitTorrent v1 file' })

const isDict = (value: BencodeValue | undefined): value is BencodeDict =>
  typeof value === 'object' && value !== null && !Buffer.isBuffer(value) && !Array.isArray(value)

function optionalText (value: BencodeValue | undefined): string | undefined {
  return Buffer.isBuffer(value) ? value.toString('utf8') : undefined
}

function count (value: BencodeValue | undefined, what: string): number {
  if (typeof value !== 'number' || value < 0) throw invalid(`${what} is not a non-negative integer`)
  return value
}

/** `key.utf-8` when it is a string (it is more likely to be right), else `key`. */
function preferUtf8 (dict: BencodeDict, key: string): Buffer | undefined {
  const utf8 = dict[`${key}.utf-8`]
  if (Buffer.isBuffer(utf8)) return utf8
  const plain = dict[key]
  return Buffer.isBuffer(plain) ? plain : undefined
}

/**
 * Decodes and validates a .torrent, reading what libtorrent 2.0 reads: unsafe names are
 * sanitised rather than refused (each file keeps its name as written for display and
 * gains a safe path for its data), BEP 47 pad files and symlinks are understood, bytes
 * after the top-level dictionary are ignored, and a hybrid v1 + v2 torrent is read
 * through its v1 part. The infohash is the SHA-1 of the info dict bytes as they appear
 * in the file. Throws a SeedcastError saying what is wrong for truncated data, wrong
 * types, missing keys and BitTorrent v2-only torrents.
 */
/** Whether `bytes` start with '<' after a UTF-8 BOM and blanks: a web page where a .torrent was expected. */
function looksLikeMarkup (bytes: Uint8Array): boolean {
  let at = bytes[0] === 0xEF && bytes[1] === 0xBB && bytes[2] === 0xBF ? 3 : 0
  while (at < Math.min(bytes.length, 512) && [0x20, 0x09, 0x0A, 0x0D].includes(bytes[at]!)) at++
  return bytes[at] === 0x3C
}

export function parseMetainfo (bytes: Uint8Array): Metainfo {
  if (bytes.length === 0) throw new SeedcastError('not a torrent: the file is empty', { code: 'ETORRENT', hint: 'give a .torrent file' })
  if (bytes[0] !== 0x64 /* d */) {
    // A URL that answers with a web page (a login, an error page, the episode's page) is the
    // usual way to get here: say so instead of speaking bencode.
    const what = looksLikeMarkup(bytes) ? 'it is an HTML or XML page' : 'it does not start with a bencoded dictionary'
    throw new SeedcastError(`not a torrent: ${what}`, { code: 'ETORRENT', hint: 'give a .torrent file' })
  }
  const { value: root, infoSpan, end } = bdecode(bytes, { trailing: true })
  if (!isDict(root)) throw invalid('the top level is not a dictionary')
  const info = root.info
  if (info === undefined || !infoSpan) throw invalid('the info dictionary is missing')
  if (!isDict(info)) throw invalid('info is not a dictionary')
  const infoHash = createHash('sha1').update(bytes.subarray(infoSpan[0], infoSpan[1])).digest('hex')

  const v2 = info['meta version'] === 2 || info['file tree'] !== undefined
  if (v2 && info.pieces === undefined) {
    throw new SeedcastError('this is a BitTorrent v2-only torrent, which seedcast cannot read yet', {
      code: 'ETORRENT',
      hint: 'ask the publisher for a hybrid (v1 + v2) torrent or a magnet link with an xt=urn:btih: infohash; those work'
    })
  }

  const rawName = preferUtf8(info, 'name')
  if (rawName === undefined) throw invalid('info.name is not a string')
  const name = rawName.toString('utf8')
  const sanitisedName = sanitiseComponent(rawName)
  const pieceLength = count(info['piece length'], 'info["piece length"]')
  if (pieceLength === 0) throw invalid('info["piece length"] is zero')
  const pieces = info.pieces
  if (!Buffer.isBuffer(pieces)) throw invalid('info.pieces is not a string')
  if (pieces.length % 20 !== 0) throw invalid(`info.pieces is ${pieces.length} bytes, not a multiple of 20`)

  const singleFile = info.files === undefined
  let safeName = sanitisedName.value
  let files: MetainfoFile[]
  let sanitised: SanitisedPath[] = []
  let length: number
  if (singleFile) {
    // A single file must have a name of its own (libtorrent refuses it too).
    if (rawName.length === 0 || safeName === undefined) throw invalid(`info.name "${name}" leaves no usable file name`)
    length = count(info.length, 'info.length')
    files = [{ path: name, components: [], safePath: safeName, length, offset: 0, pad: false, executable: false }]
  } else {
    safeName ??= infoHash
    try {
      ({ files, sanitised, length } = readFileList(info.files, name, safeName))
    } catch (error) {
      if (error instanceof FileListError) throw invalid(error.message)
      throw error
    }
  }
  if (safeName !== name) {
    sanitised.unshift({ original: name, safe: safeName, reasons: sanitisedName.value === undefined ? [...sanitisedName.reasons, 'unnamed'] : sanitisedName.reasons })
  }
  const expectedPieces = Math.ceil(length / pieceLength)
  if (pieces.length / 20 !== expectedPieces) {
    throw invalid(`${pieces.length / 20} piece hashes for ${length} bytes in pieces of ${pieceLength} (expected ${expectedPieces})`)
  }

  const creation = root['creation date']
  return {
    name,
    safeName,
    infoHash,
    infoBytes: Buffer.from(bytes.buffer, bytes.byteOffset + infoSpan[0], infoSpan[1] - infoSpan[0]),
    singleFile,
    files,
    length,
    pieceLength,
    pieceCount: expectedPieces,
    pieces,
    announce: readTrackers(root),
    webSeeds: readWebSeeds(root['url-list']),
    private: info.private === 1,
    comment: optionalText(root.comment),
    createdBy: optionalText(root['created by']),
    creationDate: typeof creation === 'number' ? new Date(creation * 1000) : undefined,
    source: optionalText(info.source),
    sanitised,
    hybrid: v2,
    trailingBytes: bytes.length - end
  }
}

/**
 * Reads an info dictionary on its own (what peers send by ut_metadata for a magnet link)
 * the same way as a whole .torrent: same checks, same safe paths.
 */
export function parseInfoDictionary (infoBytes: Uint8Array): Metainfo {
  return parseMetainfo(Buffer.concat([Buffer.from('d4:info'), infoBytes, Buffer.from('e')]))
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
