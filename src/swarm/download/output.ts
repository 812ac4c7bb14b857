import { constants } from 'node:fs'
import { access, mkdir, stat, statfs } from 'node:fs/promises'
import { join } from 'node:path'
import { SeedcastError, fileError } from '../../errors.js'
import { formatBytes } from '../../torrent/format.js'

/**
 * Makes sure the output folder can take the download. A missing folder is created (like
 * `mkdir -p`: `-o episodes/` should just work); a path that exists and is not a folder,
 * or a folder we cannot write to, is an error before anything is fetched.
 */
export async function prepareOutputDir (dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST' || code === 'ENOTDIR') {
      throw new SeedcastError(`${dir}: exists and is not a directory`, { code: 'ENOTDIR', cause: error, hint: 'give `outputDir` a folder' })
    }
    throw fileError(error, dir, 'create')
  }
  const info = await stat(dir).catch(error => { throw fileError(error, dir, 'read') })
  if (!info.isDirectory()) throw new SeedcastError(`${dir}: exists and is not a directory`, { code: 'ENOTDIR', hint: 'give `outputDir` a folder' })
  try {
    await access(dir, constants.W_OK)
  } catch (error) {
    throw fileError(error, dir, 'write into')
  }
}

/**
 * Fails early when the disk cannot hold what is still missing, instead of dying with
 * ENOSPC half-way. Space already allocated by a previous run counts as present (files
 * are written sparse, so allocated blocks, not the apparent size, are what is on disk).
 */
export async function checkFreeSpace (dir: string, files: { path: string, length: number }[]): Promise<void> {
  let needed = 0
  for (const file of files) {
    const existing = await stat(join(dir, file.path)).catch(() => undefined)
    const allocated = existing ? Math.min(existing.blocks * 512, file.length) : 0
    needed += file.length - allocated
  }
  const disk = await statfs(dir).catch(() => undefined)
  if (!disk) return
  const free = disk.bavail * disk.bsize
  if (needed > free) {
    throw new SeedcastError(`${dir}: not enough disk space: the download needs ${formatBytes(needed)} more, ${formatBytes(free)} free`, {
      code: 'ENOSPC',
      hint: 'free some space, choose another `outputDir` or `select` fewer files'
    })
  }
}
