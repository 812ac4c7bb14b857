import { constants, type Stats } from 'node:fs'
import { copyFile, open, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { SeedcastError, fileError } from '../errors.js'
import { faststartCopy } from '../media/faststart.js'
import { hashTorrentInput, type HashedTorrentInput } from '../torrent/create.js'
import { dropEarlyCopy, takeEarlyCopy } from './early-copy.js'

export interface TakenMedia {
  hashedInput: HashedTorrentInput
  sha256: string
  /** Said when an MP4 was rewritten moov-first. */
  faststartNote?: string
}

/**
 * Copies a media file into `temp` (under .seedcast/tmp, synced) while hashing it once
 * (SHA-1 pieces and SHA-256): what publish and `episodes edit --media` put in public/.
 * `source` is the file's stat from before it was probed: a file that changed meanwhile is
 * refused.
 */
export async function takeMedia (mediaPath: string, temp: string, extension: string, source: Stats, options: { onProgress?: (done: number, total: number) => void, signal?: AbortSignal }): Promise<TakenMedia> {
  // An MP4 whose index (moov) follows its data is written moov-first into the temp file,
  // and that rewrite is what gets hashed and published; anything else is copied as it is.
  const faststart = await faststartCopy(mediaPath, temp, extension)
  const hashed = faststart.rewritten ? temp : mediaPath
  if (faststart.rewritten) await dropEarlyCopy()
  // The copy (then its fsync) and the hashing run at once (the kernel copies while worker
  // threads hash the source, both from the page cache); the source must not change meanwhile.
  // The torrent is named later (publish: once the slug is claimed, after the hash): the name
  // is not in the piece hashes, and the claim needs the media's SHA-256.
  const [hashing, copying] = await Promise.allSettled([
    hashTorrentInput(hashed, { sha256: true, onProgress: options.onProgress, signal: options.signal }),
    // Made durable as soon as it is copied, so the disk writes overlap the hashing
    // instead of following it.
    // The copy the CLI started while loading (early-copy.ts), if it is of this file as it is now.
    (faststart.rewritten ? Promise.resolve() : takeEarlyCopy(mediaPath, temp).then(taken => taken ? undefined : copyFile(mediaPath, temp, constants.COPYFILE_FICLONE).catch(error => { throw fileError(error, mediaPath, 'copy') })))
      .then(() => syncFile(temp)) // on disk before any catalog entry can point at it
  ])
  // Both settled before anything is cleaned up, so no copy outlives the temp file's removal.
  if (hashing.status === 'rejected') throw hashing.reason
  if (copying.status === 'rejected') throw copying.reason
  const hashedInput = hashing.value
  const [after, copied] = await Promise.all([stat(mediaPath), stat(temp)])
  // A fast-start rewrite may be longer than the source (32-bit chunk offsets made 64-bit).
  const published = faststart.rewritten ? faststart.length ?? source.size : source.size
  if (after.size !== source.size || after.mtimeMs !== source.mtimeMs || copied.size !== published || hashedInput.length !== published) {
    throw new SeedcastError(`${basename(mediaPath)} changed while it was being published`, { code: 'ECHANGED', hint: 'publish it again once it is written in full' })
  }
  const sha256 = hashedInput.sha256?.[0]
  if (!sha256) throw new Error('hashTorrentInput returned no SHA-256')
  return { hashedInput, sha256, ...(faststart.note ? { faststartNote: faststart.note } : {}) }
}

async function syncFile (path: string): Promise<void> {
  const file = await open(path, 'r+').catch(error => { throw fileError(error, path, 'write') })
  try {
    await file.sync()
  } finally {
    await file.close()
  }
}
