import { open, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import type { IAudioMetadata, ICommonTagsResult } from 'music-metadata'
import { SeedcastError, fileError } from '../errors.js'
import { chaptersFromMetadata } from './chapters.js'
import { containerType } from './container.js'
import { parseMediaFile } from './parse.js'
import { findTruncation } from './truncation.js'
import type { Chapter } from '../model/show.js'
import type { CoverArt, EpisodeMedia } from './types.js'

/**
 * Reads what a podcast episode needs from a media file: type and extension by content,
 * duration, size, tags (title, artist, album, comment, year), cover art and chapters.
 * Rejects with a SeedcastError: ENOTMEDIA for a file that holds no playable audio or video,
 * ETRUNCATED for media cut short (its header promises more bytes than the file has),
 * and the fs error (fileError) for a missing or unreadable path or a directory.
 */
export async function probeMedia (path: string): Promise<EpisodeMedia> {
  let size: number
  try {
    const stats = await stat(path)
    if (stats.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' })
    size = stats.size
  } catch (error) {
    throw fileError(error, path, 'read')
  }
  const name = basename(path)
  if (size === 0) throw notMedia(name, 'the file is empty')

  const file = await open(path, 'r').catch(error => { throw fileError(error, path, 'read') })
  let metadata: IAudioMetadata
  try {
    try {
      metadata = await parseMediaFile(path, { includeChapters: true })
    } catch (error) {
      if (/^E[A-Z]+$/.test(String((error as NodeJS.ErrnoException).code))) throw fileError(error, path, 'read')
      // A parser that stops on a cut file looks like "not media"; say truncated when the header proves it.
      await rejectTruncated(name, await findTruncation(file, size))
      throw notMedia(name, (error as Error).message.replace(`: ${path}`, ''))
    }
    const format = metadata.format
    if (!containerType(format)) throw notMedia(name, format.container ? `unsupported container ${format.container}` : 'no audio or video stream found')
    if (!format.duration || !Number.isFinite(format.duration) || format.duration <= 0) throw notMedia(name, 'no duration could be read')
    await rejectTruncated(name, await findTruncation(file, size, kindHint(format.container)))
  } finally {
    await file.close()
  }
  const { format, common } = metadata
  const type = containerType(format)!
  const duration = format.duration!
  const cover = coverOf(common)
  const pastTheEnd: Chapter[] = []
  const chapters = chaptersFromMetadata(format.chapters, duration, chapter => pastTheEnd.push(chapter))

  return {
    mimeType: type.mimeType,
    kind: format.hasVideo ? 'video' : 'audio',
    extension: type.extension,
    duration,
    size,
    ...(format.bitrate ? { bitrate: Math.round(format.bitrate) } : {}),
    ...definedText('title', common.title),
    ...definedText('artist', common.artist),
    ...definedText('album', common.album),
    ...definedText('description', descriptionOf(common)),
    ...(common.year ? { year: common.year } : {}),
    ...(cover ? { cover } : {}),
    chapters,
    ...(pastTheEnd.length ? { chaptersPastTheEnd: pastTheEnd } : {})
  }
}

// ISO media is reported by its ftyp brands: let the truncation check sniff those itself.
function kindHint (container: string | undefined): string | undefined {
  return container === 'MPEG' || container?.startsWith('EBML') || container?.startsWith('WAVE') ? container : undefined
}

async function rejectTruncated (name: string, shortfall: string | undefined): Promise<void> {
  if (!shortfall) return
  throw new SeedcastError(`${name} is truncated: ${shortfall}`, {
    code: 'ETRUNCATED',
    hint: 'the file was cut short (an interrupted download or copy?); export or copy it again in full'
  })
}

function notMedia (name: string, reason: string): SeedcastError {
  return new SeedcastError(`${name} is not an audio or video file (${reason})`, {
    code: 'ENOTMEDIA',
    hint: 'publish an MP3, M4A, MP4, WebM, Ogg/Opus, FLAC or WAV file'
  })
}

function definedText<K extends string> (key: K, value: string | undefined): Partial<Record<K, string>> {
  const text = value?.trim()
  return text ? { [key]: text } as Record<K, string> : {}
}

// ID3 COMM frames with an empty descriptor are the "comment" players show; others (iTunNORM...) are machine data.
function descriptionOf (common: ICommonTagsResult): string | undefined {
  const comments = (common.comment ?? []).filter(comment => comment.text?.trim())
  const plain = comments.find(comment => !comment.descriptor) ?? comments.find(comment => !/^itun/i.test(comment.descriptor ?? ''))
  return plain?.text ?? common.description?.find(text => text.trim()) ?? common.longDescription ?? common.subtitle?.find(text => text.trim())
}

function coverOf (common: ICommonTagsResult): CoverArt | undefined {
  const pictures = common.picture ?? []
  const picture = pictures.find(p => /front/i.test(p.type ?? '')) ?? pictures[0]
  if (!picture?.data?.length) return undefined
  const format = picture.format.toLowerCase()
  const mimeType = format.includes('/') ? format : `image/${format === 'jpg' ? 'jpeg' : format}`
  return { data: Buffer.from(picture.data), mimeType }
}
