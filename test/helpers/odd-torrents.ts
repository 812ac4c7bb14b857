import { createHash } from 'node:crypto'

/**
 * Hand-made .torrent files of the odd kinds real clients open (issue 14), written byte
 * by byte: the bencode is spelled out here rather than produced by the project's
 * encoder, so the bytes are exactly what each case needs (keys in any order, bytes
 * that are not UTF-8, something after the last `e`).
 */

/** A bencoded byte string: `<length>:<bytes>`. */
export function bstr (value: string | Uint8Array): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value)
  return Buffer.concat([Buffer.from(`${bytes.length}:`, 'latin1'), bytes])
}

export const bint = (value: number): Buffer => Buffer.from(`i${value}e`, 'latin1')
export const blist = (...items: Buffer[]): Buffer => Buffer.concat([Buffer.from('l'), ...items, Buffer.from('e')])
/** A dictionary with its keys in the order given (callers sort them when they mean canonical). */
export function bdict (...entries: Array<[string, Buffer]>): Buffer {
  return Buffer.concat([Buffer.from('d'), ...entries.flatMap(([key, value]) => [bstr(key), value]), Buffer.from('e')])
}

export interface OddFile {
  /** Path components as raw bytes (strings are UTF-8); undefined: no `path` key. */
  path?: Array<string | Uint8Array>
  /** Undefined: no `length` key (a symlink may go without). */
  length?: number
  attr?: string
  symlinkPath?: Array<string | Uint8Array>
}

/** The bytes of one file's data in the torrent's stream: a recognisable pattern. */
export function patternBytes (length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length)
  for (let index = 0; index < length; index++) bytes[index] = (index * 31 + seed * 7 + (index >> 8)) & 0xff
  return bytes
}

export interface OddTorrent {
  bytes: Buffer
  /** The raw info dictionary: its SHA-1 is the v1 infohash. */
  info: Buffer
  infoHash: string
  /** The whole piece stream (pad files as zeros, symlinks as nothing), for writing seeds. */
  stream: Buffer
  /** Each entry's data (empty for symlinks, zeros for pad files). */
  data: Buffer[]
  /** The tracker URL written in the torrent, if any. */
  tracker?: string
}

/**
 * A multi-file torrent with real piece hashes over pattern data (zeros for pad files).
 * `trailing` bytes are appended after the top-level dictionary.
 */
export function oddTorrent (name: string | Uint8Array, files: OddFile[], options: { pieceLength?: number, trailing?: Buffer, announce?: string } = {}): OddTorrent {
  const pieceLength = options.pieceLength ?? 16384
  const data = files.map((file, index) => {
    const symlink = file.attr?.includes('l') ?? false
    if (symlink) return Buffer.alloc(0)
    if (file.attr?.includes('p')) return Buffer.alloc(file.length ?? 0)
    return patternBytes(file.length ?? 0, index + 1)
  })
  const stream = Buffer.concat(data)
  const hashes: Buffer[] = []
  for (let at = 0; at < stream.length; at += pieceLength) hashes.push(createHash('sha1').update(stream.subarray(at, at + pieceLength)).digest())
  const entries = files.map(file => {
    const fields: Array<[string, Buffer]> = []
    if (file.attr !== undefined) fields.push(['attr', bstr(file.attr)])
    if (file.length !== undefined) fields.push(['length', bint(file.length)])
    if (file.path !== undefined) fields.push(['path', blist(...file.path.map(bstr))])
    if (file.symlinkPath !== undefined) fields.push(['symlink path', blist(...file.symlinkPath.map(bstr))])
    return bdict(...fields)
  })
  const info = bdict(['files', blist(...entries)], ['name', bstr(name)], ['piece length', bint(pieceLength)], ['pieces', bstr(Buffer.concat(hashes))])
  const top: Array<[string, Buffer]> = []
  if (options.announce !== undefined) top.push(['announce', bstr(options.announce)])
  top.push(['info', info])
  const bytes = Buffer.concat([bdict(...top), options.trailing ?? Buffer.alloc(0)])
  return { bytes, info, infoHash: createHash('sha1').update(info).digest('hex'), stream, data, tracker: options.announce }
}

/**
 * One torrent with every odd case of issue 14 at once, real data behind it: an absolute
 * component, `..`, a lone `/` and `\`, separators inside components, an empty component,
 * a parent folder hidden in a name, pad files with and without a path, a zero-size
 * symlink inside the torrent and one pointing outside, names colliding once sanitised,
 * an unsafe torrent name, and a stray newline after the dictionary.
 */
export function everyOddCase (tracker?: string): OddTorrent {
  return oddTorrent('../odd show', [
    { path: ['/abs', 'a.mp3'], length: 20000 },
    { attr: 'p', length: 2 * 16384 - 20000 },
    { path: ['..', '..', 'escape.mp3'], length: 5000 },
    { path: ['/'], length: 100 },
    { path: ['\\', 'back.mp3'], length: 200 },
    { path: ['sub/dir', 'x\\y.mp3'], length: 300 },
    { path: ['', 'empty-dir.mp3'], length: 400 },
    { path: ['foo/../../../bar', 'hidden.mp3'], length: 500 },
    { attr: 'l', path: ['link.mp3'], symlinkPath: ['abs', 'a.mp3'] },
    { attr: 'l', path: ['evil-link'], symlinkPath: ['..', '..', '..', 'etc', 'passwd'] },
    { path: ['Escape.MP3'], length: 600 },
    { attr: 'p', path: ['.pad', '1000'], length: 1000 },
    { path: ['last.mp3'], length: 40000 }
  ], { trailing: Buffer.from('\n'), announce: tracker })
}

/**
 * The odd cases aria2c 1.36 opens as well (it refuses `..`, a lone `/`, a pad file
 * without a path, a symlink without a length and an unsafe torrent name), with real data:
 * an absolute component, a lone backslash, a slash inside a component, an empty
 * component, characters some file systems refuse, pad files (with a path, as aria2c
 * needs), a zero-length symlink and two names that differ only in case.
 */
export const ARIA2_ODD_FILES: OddFile[] = [
  { path: ['/abs', 'a.mp3'], length: 20000 },
  { attr: 'p', path: ['.pad', '12768'], length: 2 * 16384 - 20000 },
  { path: ['\\', 'back.mp3'], length: 200 },
  { path: ['sub/dir', 'x\\y.mp3'], length: 300 },
  { path: ['', 'e.mp3'], length: 400 },
  { path: ['what?:*|"<>.mp3'], length: 700 },
  { attr: 'l', length: 0, path: ['link.mp3'], symlinkPath: ['abs', 'a.mp3'] },
  { path: ['Escape.MP3'], length: 600 },
  { path: ['escape.mp3'], length: 600 },
  { attr: 'p', path: ['.pad', '1000'], length: 1000 },
  { path: ['last.mp3'], length: 40000 }
]

export const ARIA2_ODD_NAME = 'odd show'

/** A torrent of ARIA2_ODD_FILES, announcing to `tracker`. */
export function aria2OddCase (tracker?: string): OddTorrent {
  return oddTorrent(ARIA2_ODD_NAME, ARIA2_ODD_FILES, { announce: tracker })
}

/** Where aria2c puts entry `index` of ARIA2_ODD_FILES below its download folder: the raw components, joined. */
export function aria2OddPath (index: number): string[] {
  return [ARIA2_ODD_NAME, ...(ARIA2_ODD_FILES[index]!.path as string[])]
}
