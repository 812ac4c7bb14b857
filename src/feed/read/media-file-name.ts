import { extname } from 'node:path'
import mime from 'mime-types'

/**
 * The media file's name of a downloaded enclosure: the episode's folder name (or any slug) plus the extension of
 * the enclosure URL when it looks like one, else the one its MIME type implies. Never a
 * name from the network as is (no `..`, no slashes, no hidden files).
 */
export function mediaFileName (slug: string, url: string, type?: string): string {
  let ext = ''
  try {
    ext = extname(new URL(url).pathname).toLowerCase()
  } catch {
    // not a URL: the MIME type decides
  }
  if (!/^\.[a-z0-9]{1,5}$/.test(ext)) {
    const fromType = type ? mime.extension(type) : false
    ext = fromType ? `.${fromType}` : '.bin'
  }
  return `${slug}${ext}`
}

