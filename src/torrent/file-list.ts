import { readdir, stat } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import { SeedcastError, fileError } from '../errors.js'
import { isJunkName } from './junk.js'

/** One file going into a torrent, in torrent order. */
export interface InputFile {
  /** Where to read it. */
  absolutePath: string
  /** Path components inside the torrent (below the torrent name); empty for a single-file torrent. */
  path: string[]
  length: number
}

export interface InputFiles {
  /** Default torrent name: the base name of the input. */
  name: string
  /** True when the input is a single file (info has `length`, not `files`). */
  singleFile: boolean
  files: InputFile[]
  /** How many junk files or folders were left out (for a helpful error when nothing is left). */
  skippedJunk: number
}

/**
 * Lists what goes into a torrent of `input` (a file or a folder). Folders are walked
 * depth first with each folder's entries sorted by their bytes (what `readdir` gives on
 * Linux, and so what create-torrent and imdl produce); symlinks are followed, other file
 * types skipped, and junk (see junk.ts) left out unless `includeJunk`.
 */
export async function listInputFiles (input: string, options: { includeJunk?: boolean } = {}): Promise<InputFiles> {
  const root = resolve(input)
  const rootStat = await stat(root).catch((error: unknown) => { throw fileError(error, input, 'read') })
  const name = basename(root)
  if (rootStat.isFile()) {
    return { name, singleFile: true, files: [{ absolutePath: root, path: [], length: rootStat.size }], skippedJunk: 0 }
  }
  if (!rootStat.isDirectory()) {
    throw new SeedcastError(`${input}: not a file or folder`, { code: 'EINPUT', hint: 'give a media file or a folder of files' })
  }

  const files: InputFile[] = []
  let skippedJunk = 0
  const visited = new Set<string>()
  const walk = async (folder: string, components: string[]): Promise<void> => {
    const folderStat = await stat(folder).catch((error: unknown) => { throw fileError(error, folder, 'read') })
    const identity = `${folderStat.dev}:${folderStat.ino}`
    if (visited.has(identity)) return // a symlink back up the tree
    visited.add(identity)
    const entries = await readdir(folder).catch((error: unknown) => { throw fileError(error, folder, 'list') })
    entries.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
    for (const entry of entries) {
      if (!options.includeJunk && isJunkName(entry)) { skippedJunk++; continue }
      const path = join(folder, entry)
      const entryStat = await stat(path).catch((error: unknown) => { throw fileError(error, path, 'read') })
      if (entryStat.isDirectory()) await walk(path, [...components, entry])
      else if (entryStat.isFile()) files.push({ absolutePath: path, path: [...components, entry], length: entryStat.size })
    }
  }
  await walk(root, [])
  return { name, singleFile: false, files, skippedJunk }
}
