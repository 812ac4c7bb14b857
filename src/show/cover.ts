import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { SeedcastError, fileError } from '../errors.js'
import { imageSize, type ImageSize } from '../media/image-size.js'

export const COVER_MIN_PX = 1400
export const COVER_MAX_PX = 3000

export interface CoverImage extends ImageSize { data: Buffer, extension: 'jpg' | 'png' }

/**
 * Reads a show cover and checks what Apple Podcasts requires: JPEG or PNG (by content),
 * square, 1400 to 3000 pixels a side.
 */
export async function readCover (path: string): Promise<CoverImage> {
  const data = await readFile(path).catch(error => { throw fileError(error, path, 'read') })
  return checkCover(data, `\`image\` ${basename(path)}`)
}

/** The same checks on image bytes; `label` starts the error message. */
export function checkCover (data: Buffer, label: string): CoverImage {
  const size = imageSize(data)
  const hint = `podcast apps want a square JPEG or PNG of ${COVER_MIN_PX} to ${COVER_MAX_PX} pixels a side`
  if (!size) throw new SeedcastError(`${label}: not a JPEG or PNG image`, { code: 'EBADIMAGE', hint })
  const { width, height } = size
  if (width !== height) throw new SeedcastError(`${label}: ${width}x${height} is not square`, { code: 'EBADIMAGE', hint })
  if (width < COVER_MIN_PX || width > COVER_MAX_PX) {
    throw new SeedcastError(`${label}: ${width}x${height} is ${width < COVER_MIN_PX ? 'too small' : 'too large'}`, { code: 'EBADIMAGE', hint })
  }
  return { ...size, data, extension: size.format === 'png' ? 'png' : 'jpg' }
}
