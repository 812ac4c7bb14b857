import { openAsBlob } from 'node:fs'
import { parseBlob, type IAudioMetadata, type IOptions } from 'music-metadata'

/**
 * Parses a media file with music-metadata, choosing the parser by the file's content.
 * music-metadata's parseFile trusts the extension first (an MP4 named .mp3 is read as MPEG
 * audio and rejected); a file-backed Blob carries no name, so the container is sniffed from
 * the bytes, with random access for tags at the end and MP4 boxes.
 */
export async function parseMediaFile (path: string, options: IOptions = {}): Promise<IAudioMetadata> {
  const blob = await openAsBlob(path)
  return parseBlob(blob, options)
}
