import { readFile, rm } from 'node:fs/promises'
import type { IncomingMessage } from 'node:http'
import { writeAtomic } from '../../atomic.js'

/**
 * Where the bytes of a partial download came from, kept beside it (`<file>.from`) while it
 * is incomplete: the URL and the answer's validators (ETag, Last-Modified) and full size.
 * Without it, a download cut and continued later with a Range request appended the new
 * file's bytes to the old one's whenever the host replaced the file in between (a
 * corrected upload, at the same URL or a new one): a file that is neither, which follow
 * made into a torrent and seeded. With it, the continuation asks `If-Range` and checks the
 * answer is the same file, else starts over.
 */
export interface DownloadSource { url: string, etag?: string, lastModified?: string, total?: number }

export const sourcePath = (path: string) => `${path}.from`

export async function readDownloadSource (path: string): Promise<DownloadSource | undefined> {
  try {
    const source = JSON.parse(await readFile(sourcePath(path), 'utf8')) as DownloadSource
    return typeof source.url === 'string' ? source : undefined
  } catch {
    return undefined
  }
}

export async function writeDownloadSource (path: string, source: DownloadSource): Promise<void> {
  await writeAtomic(sourcePath(path), JSON.stringify(source) + '\n')
}

export async function removeDownloadSource (path: string): Promise<void> {
  await rm(sourcePath(path), { force: true })
}

/** The If-Range value for continuing from `source`: a strong ETag, else the Last-Modified date. */
export function ifRange (source: DownloadSource | undefined): string | undefined {
  if (source?.etag && !source.etag.startsWith('W/')) return source.etag
  return source?.lastModified
}

/** What an answer says of the file it is part of. */
export function sourceOf (url: string, response: IncomingMessage): DownloadSource {
  const header = (name: string) => { const value = response.headers[name]; return typeof value === 'string' && value ? value : undefined }
  const range = /\/(\d+)$/.exec(header('content-range') ?? '')
  const length = Number(header('content-length'))
  const total = range ? Number(range[1]) : response.statusCode === 200 && length > 0 ? length : undefined
  return { url, ...(header('etag') ? { etag: header('etag') } : {}), ...(header('last-modified') ? { lastModified: header('last-modified') } : {}), ...(total ? { total } : {}) }
}

/** Whether an answer to a continuation is of another file than the partial one came from. */
export function changedSince (before: DownloadSource, now: DownloadSource): boolean {
  if (before.etag && now.etag && before.etag !== now.etag) return true
  if (before.lastModified && now.lastModified && before.lastModified !== now.lastModified) return true
  return before.total !== undefined && now.total !== undefined && before.total !== now.total
}
