import { stat } from 'node:fs/promises'
import { lookup } from 'mime-types'
import { fileError } from '../errors.js'
import { containerType } from './container.js'
import { parseMediaFile } from './parse.js'

/**
 * The mime type of a file: from its content when music-metadata recognises a media container,
 * else from its extension (mime-types), else "application/octet-stream". Rejects with fileError
 * only when the path cannot be read.
 */
export async function detectMimeType (path: string): Promise<string> {
  try {
    if ((await stat(path)).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' })
  } catch (error) {
    throw fileError(error, path, 'read')
  }
  try {
    const metadata = await parseMediaFile(path, { skipCovers: true, skipPostHeaders: true })
    const type = containerType(metadata.format)
    if (type) return type.mimeType
  } catch {
    // Not a container music-metadata knows: fall back to the name.
  }
  return lookup(path) || 'application/octet-stream'
}
