import writeFileAtomic from 'write-file-atomic'
import { fileError } from './errors.js'

/**
 * Writes a file so that readers (and a crash at any moment) see either the old or the
 * new content, never a part: temp file in the same folder, fsync, rename.
 */
export async function writeAtomic (path: string, data: string | Buffer): Promise<void> {
  try {
    await writeFileAtomic(path, data)
  } catch (error) {
    throw fileError(error, path, 'write')
  }
}

/** JSON as people read and diff it: two-space indent and a final newline. */
export function writeJsonAtomic (path: string, value: unknown): Promise<void> {
  return writeAtomic(path, JSON.stringify(value, null, 2) + '\n')
}
