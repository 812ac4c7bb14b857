import { lstat, mkdir, readlink, realpath, symlink, writeFile } from 'node:fs/promises'
import { dirname, relative, sep } from 'node:path'
import type { Metainfo } from './metainfo.js'
import { pathBelow } from './safe-path.js'

export interface LayoutResult {
  /** Safe paths of the symlinks made (or found already right). */
  symlinks: string[]
  /** Symlinks not made, with why (pointing outside the torrent, something else in the way...). */
  skipped: Array<{ path: string, why: string }>
  /** Safe paths of the empty files created. */
  emptyFiles: string[]
}

/**
 * Completes a downloaded torrent's files on disk once its data is in: the empty files
 * (no piece holds them, so no piece write creates them) and the BEP 47 symlinks. A
 * symlink is made only when the reader kept its target (inside the torrent), as a
 * relative link, and only when the folder it goes in really is below `outputDir` (its
 * real path, no symlink on the way), so no link can lead out of the download folder.
 * Nothing that exists is replaced. `only` limits the work to some file indexes (a
 * `--select`ed download).
 */
export async function completeLayout (metainfo: Metainfo, outputDir: string, only?: ReadonlySet<number>): Promise<LayoutResult> {
  const result: LayoutResult = { symlinks: [], skipped: [], emptyFiles: [] }
  const root = await realpath(outputDir)
  for (const [index, file] of metainfo.files.entries()) {
    if (file.pad || (only && !only.has(index))) continue
    const at = pathBelow(root, file.safePath)
    if (!file.symlink) {
      if (file.length > 0) continue
      await mkdir(dirname(at), { recursive: true })
      // 'wx': create, never truncate something that is there.
      const made = await writeFile(at, '', { flag: 'wx' }).then(() => true, (error: NodeJS.ErrnoException) => {
        if (error.code === 'EEXIST') return false
        throw error
      })
      if (made) result.emptyFiles.push(file.safePath)
      continue
    }
    const target = file.symlink.target
    if (target === undefined) {
      result.skipped.push({ path: file.safePath, why: 'it points outside the torrent' })
      continue
    }
    await mkdir(dirname(at), { recursive: true })
    const folder = await realpath(dirname(at))
    if (folder !== dirname(at)) {
      result.skipped.push({ path: file.safePath, why: 'its folder is reached through a symlink' })
      continue
    }
    const link = relative(folder, pathBelow(root, target)).split(sep).join('/')
    const existing = await lstat(at).catch(() => undefined)
    if (existing) {
      if (existing.isSymbolicLink() && await readlink(at) === link) result.symlinks.push(file.safePath)
      else result.skipped.push({ path: file.safePath, why: 'something else is already there' })
      continue
    }
    await symlink(link, at)
    result.symlinks.push(file.safePath)
  }
  return result
}
