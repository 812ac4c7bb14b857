import { randomBytes } from 'node:crypto'
import { link, open, rename, stat, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { SeedcastError, fileError } from '../errors.js'

/**
 * Writes a .torrent atomically: the bytes go to a temp file beside the target, are
 * synced, then appear under the final name in one step, so a crash or Ctrl-C never
 * leaves a partial .torrent. Like imdl, an existing file is kept unless `force`
 * (hard-linking the temp file into place fails instead of replacing it).
 */
export async function writeTorrentFile (path: string, torrent: Uint8Array, options: { force?: boolean } = {}): Promise<void> {
  if (await checkTorrentOutput(path, options) === 'stream') return writeIntoStream(path, torrent)
  const folder = dirname(path)
  const temp = join(folder, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  try {
    const handle = await open(temp, 'wx')
    try {
      await handle.writeFile(torrent)
      await handle.sync()
    } finally {
      await handle.close()
    }
    if (options.force) {
      await rename(temp, path)
    } else {
      await link(temp, path).catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new SeedcastError(`${path} already exists`, { code: 'EEXIST', hint: 'use `force` to overwrite it' })
        throw error
      })
    }
  } catch (error) {
    if (error instanceof SeedcastError) throw error
    throw fileError(error, path, 'write')
  } finally {
    await unlink(temp).catch(() => {})
  }
}

/**
 * Fails early, before any hashing, when `writeTorrentFile(path, …, options)` would fail
 * on a missing folder or an existing file. Says how it will write: `file` (temp file and
 * rename) or `stream` for a pipe or a character device such as /dev/stdout or /dev/null,
 * which is written into as it is, without --force: a rename would replace the device node
 * itself with a regular file (it did, for /dev/full, when run as root).
 */
export async function checkTorrentOutput (path: string, options: { force?: boolean } = {}): Promise<'file' | 'stream'> {
  const folder = dirname(path)
  const folderStat = await stat(folder).catch(() => undefined)
  if (!folderStat?.isDirectory()) {
    throw new SeedcastError(`output folder ${folder} does not exist`, { code: 'ENOENT', hint: 'create it first or choose another `output`' })
  }
  const existing = await stat(path).catch(() => undefined)
  if (existing?.isDirectory()) throw new SeedcastError(`${path} is a folder`, { code: 'EISDIR', hint: 'give a file name as `output`' })
  if (existing?.isFIFO() || existing?.isCharacterDevice()) return 'stream'
  if (existing && !existing.isFile()) throw new SeedcastError(`${path} is not a regular file`, { code: 'EINPUT', hint: 'give a file name as `output`' })
  if (existing && !options.force) throw new SeedcastError(`${path} already exists`, { code: 'EEXIST', hint: 'use `force` to overwrite it' })
  return 'file'
}

async function writeIntoStream (path: string, torrent: Uint8Array): Promise<void> {
  try {
    const handle = await open(path, 'w')
    try {
      await handle.writeFile(torrent)
    } finally {
      await handle.close()
    }
  } catch (error) {
    throw fileError(error, path, 'write')
  }
}
