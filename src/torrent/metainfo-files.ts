import type { BencodeDict, BencodeValue } from './bencode.js'
import { sanitiseComponent, type SanitiseReason } from './safe-path.js'

/** One file of a parsed torrent, with its place in the piece stream. */
export interface MetainfoFile {
  /** As written in the torrent, for display: `name/dir/file` (multi-file) or `name`. */
  path: string
  /** The path components as written, below the torrent name (empty for a single file). */
  components: string[]
  /**
   * Where the file's data lives, relative to the download folder, `/`-separated: the
   * sanitised path (libtorrent's name for it). Every read and write of data uses this.
   */
  safePath: string
  /** Bytes in the piece stream (0 for a symlink). */
  length: number
  /** Byte offset of the file in the concatenated stream. */
  offset: number
  /** BEP 47 pad file: zeros aligning the next file; never written to nor read from disk. */
  pad: boolean
  /**
   * BEP 47 symlink (attribute `l`): holds no data. `target` is the safe path (relative
   * to the download folder) of the file or folder of this torrent it points at; it is
   * undefined when the link points outside the torrent or at nothing, and then no link
   * is made.
   */
  symlink?: { target?: string }
  /** BEP 47 attribute `x`. */
  executable: boolean
}

/** A name that was changed to be safe, for `seedcast info`. */
export interface SanitisedPath {
  /** Index in `files`; undefined for the torrent name. */
  file?: number
  original: string
  safe: string
  /**
   * `duplicate`: renamed because another file (or folder) has the same name, as
   * libtorrent does; `unnamed`: nothing usable was left of the torrent's name, so the
   * infohash names its folder.
   */
  reasons: Array<SanitiseReason | 'duplicate' | 'unnamed'>
}

export interface FileListResult {
  files: MetainfoFile[]
  sanitised: SanitisedPath[]
  /** Total bytes of the piece stream. */
  length: number
}

/** Thrown for what no client can read; metainfo.ts turns it into a SeedcastError. */
export class FileListError extends Error {}

const isDict = (value: BencodeValue | undefined): value is BencodeDict =>
  typeof value === 'object' && value !== null && !Buffer.isBuffer(value) && !Array.isArray(value)

const display = (bytes: Buffer): string => bytes.toString('utf8')

/** BitComet marks its pad files by name rather than by attribute. */
const BITCOMET_PAD = '_____padding_file_'

/**
 * Reads `info.files` (a multi-file torrent), keeping each path as written and giving it a
 * safe path below `safeName`, the way libtorrent 2.0 does: unsafe components are
 * sanitised (safe-path.ts), pad files may have no path, symlinks take no bytes, and two
 * files whose safe paths collide (case-insensitively, or a file named like a folder)
 * are told apart by a `.1`, `.2`… before the extension.
 */
export function readFileList (entries: BencodeValue | undefined, name: string, safeName: string): FileListResult {
  if (!Array.isArray(entries) || entries.length === 0) throw new FileListError('info.files is not a non-empty list')
  const files: MetainfoFile[] = []
  const sanitised: SanitisedPath[] = []
  let offset = 0
  entries.forEach((entry, index) => {
    const what = `info.files[${index}]`
    if (!isDict(entry)) throw new FileListError(`${what} is not a dictionary`)
    const attributes = Buffer.isBuffer(entry.attr) ? entry.attr.toString('latin1') : ''
    let pad = attributes.includes('p')
    const symlinkPath = entry['symlink path']
    const symlink = attributes.includes('l') && Array.isArray(symlinkPath) && symlinkPath.length > 0
    // A symlink takes no bytes of the stream, whatever `length` says (libtorrent agrees).
    const length = attributes.includes('l') ? 0 : entry.length
    if (typeof length !== 'number' || length < 0) throw new FileListError(`${what}.length is not a non-negative integer`)

    const raw = pathList(entry)
    let components: string[]
    let safe: string[]
    if (raw === undefined) {
      // BEP 47 lets a pad file go without a path; libtorrent calls it `.pad/<size>`.
      if (!pad) throw new FileListError(`${what}.path is not a non-empty list`)
      components = []
      safe = ['.pad', String(length)]
    } else {
      components = raw.map((part, at) => {
        if (!Buffer.isBuffer(part)) throw new FileListError(`${what}.path[${at}] is not a string`)
        return display(part)
      })
      const reasons = new Set<SanitiseReason>()
      safe = [safeName]
      for (const part of raw as Buffer[]) {
        const result = sanitiseComponent(part)
        for (const reason of result.reasons) reasons.add(reason)
        if (result.value !== undefined) safe.push(result.value)
      }
      if (safe.length === 1) safe.push('_') // every component was dropped
      if (reasons.size > 0) sanitised.push({ file: index, original: [name, ...components].join('/'), safe: safe.join('/'), reasons: [...reasons] })
    }
    const safePath = safe.join('/')
    if (safePath.includes(BITCOMET_PAD)) pad = true
    const file: MetainfoFile = {
      path: raw === undefined ? safePath : [name, ...components].join('/'),
      components,
      safePath,
      length,
      offset,
      pad,
      executable: attributes.includes('x')
    }
    if (symlink) file.symlink = { target: symlinkTarget(symlinkPath as BencodeValue[], safeName) }
    files.push(file)
    offset += length
  })
  resolveSymlinkTargets(files)
  resolveDuplicates(files, sanitised)
  return { files, sanitised, length: offset }
}

/** `path.utf-8` when it is a non-empty list (it is more likely to be right), else `path`. */
function pathList (entry: BencodeDict): BencodeValue[] | undefined {
  for (const key of ['path.utf-8', 'path']) {
    const value = entry[key]
    if (Array.isArray(value) && value.length > 0) return value
  }
  return undefined
}

/** A symlink's target as a safe path from the download folder (its components are relative to the torrent's folder). */
function symlinkTarget (parts: BencodeValue[], safeName: string): string | undefined {
  const safe = [safeName]
  for (const part of parts) {
    if (!Buffer.isBuffer(part)) return undefined
    const { value } = sanitiseComponent(part)
    if (value !== undefined) safe.push(value)
  }
  return safe.length > 1 ? safe.join('/') : undefined
}

/**
 * A symlink is kept only when it points at a file or a folder of the torrent, reached
 * without going through another symlink (whose target could be anywhere in the tree,
 * and a relative link resolved from there could climb out of the folder). libtorrent
 * 2.0 keeps the first rule; the second is stricter on purpose.
 */
function resolveSymlinkTargets (files: MetainfoFile[]): void {
  if (!files.some(file => file.symlink)) return
  const known = new Set<string>()
  const links = new Set<string>()
  for (const file of files) {
    if (file.pad) continue
    known.add(file.safePath)
    if (file.symlink) links.add(file.safePath)
    const parts = file.safePath.split('/')
    for (let depth = 1; depth < parts.length; depth++) known.add(parts.slice(0, depth).join('/'))
  }
  for (const file of files) {
    const target = file.symlink?.target
    if (target === undefined) continue
    const parts = target.split('/')
    const throughLink = parts.some((_, depth) => depth > 0 && depth < parts.length && links.has(parts.slice(0, depth).join('/')))
    if (target === file.safePath || !known.has(target) || throughLink) file.symlink!.target = undefined
  }
}

/**
 * Gives colliding safe paths distinct names, as libtorrent does: every folder is claimed
 * first, then each file in order keeps its path when nothing (compared case-insensitively,
 * for case-insensitive file systems) has it yet, else becomes `base.N.ext`. Pad files are
 * never on disk and take part in nothing.
 */
function resolveDuplicates (files: MetainfoFile[], sanitised: SanitisedPath[]): void {
  const taken = new Set<string>()
  for (const file of files) {
    if (file.pad) continue
    const parts = file.safePath.split('/')
    for (let depth = 1; depth < parts.length; depth++) taken.add(parts.slice(0, depth).join('/').toLowerCase())
  }
  files.forEach((file, index) => {
    if (file.pad) return
    if (!taken.has(file.safePath.toLowerCase())) {
      taken.add(file.safePath.toLowerCase())
      return
    }
    const slash = file.safePath.lastIndexOf('/')
    const dot = file.safePath.lastIndexOf('.')
    const cut = dot > slash ? dot : file.safePath.length
    const base = file.safePath.slice(0, cut)
    const extension = file.safePath.slice(cut)
    let renamed = file.safePath
    for (let counter = 1; taken.has(renamed.toLowerCase()); counter++) renamed = `${base}.${counter}${extension}`
    taken.add(renamed.toLowerCase())
    const note = sanitised.find(entry => entry.file === index)
    if (note) {
      note.safe = renamed
      note.reasons.push('duplicate')
    } else {
      sanitised.push({ file: index, original: file.path, safe: renamed, reasons: ['duplicate'] })
    }
    file.safePath = renamed
  })
  sanitised.sort((a, b) => (a.file ?? -1) - (b.file ?? -1))
}
