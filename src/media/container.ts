import type { IFormat } from 'music-metadata'

export interface ContainerType { mimeType: string, extension: string }

/**
 * The mime type and file extension for what music-metadata found inside a file.
 * Judged by content, not by the file's name, so "episode.bin" holding MP3 frames is audio/mpeg.
 * m4a is "audio/x-m4a" because that is the name Apple Podcasts lists for AAC audio.
 */
export function containerType (format: IFormat): ContainerType | undefined {
  const container = format.container ?? ''
  const codec = (format.codec ?? '').toLowerCase()
  const video = format.hasVideo === true
  if (container === 'MPEG') {
    if (codec.includes('layer 2')) return { mimeType: 'audio/mpeg', extension: 'mp2' }
    return { mimeType: 'audio/mpeg', extension: 'mp3' }
  }
  if (container === 'ADTS') return { mimeType: 'audio/aac', extension: 'aac' }
  if (isIsoMediaBrand(container)) {
    if (/(^|\/)qt($|\/)/.test(container)) return { mimeType: 'video/quicktime', extension: 'mov' }
    if (video) return /M4V/i.test(container) ? { mimeType: 'video/x-m4v', extension: 'm4v' } : { mimeType: 'video/mp4', extension: 'mp4' }
    return { mimeType: 'audio/x-m4a', extension: 'm4a' }
  }
  if (container === 'EBML/webm') return video ? { mimeType: 'video/webm', extension: 'webm' } : { mimeType: 'audio/webm', extension: 'weba' }
  if (container.startsWith('EBML')) return video ? { mimeType: 'video/x-matroska', extension: 'mkv' } : { mimeType: 'audio/x-matroska', extension: 'mka' }
  if (container === 'Ogg') {
    if (video) return { mimeType: 'video/ogg', extension: 'ogv' }
    if (codec.includes('opus')) return { mimeType: 'audio/ogg', extension: 'opus' }
    return { mimeType: 'audio/ogg', extension: 'ogg' }
  }
  if (container === 'FLAC') return { mimeType: 'audio/flac', extension: 'flac' }
  if (container.startsWith('WAVE')) return { mimeType: 'audio/wav', extension: 'wav' }
  if (container.startsWith('AIFF')) return { mimeType: 'audio/aiff', extension: 'aiff' }
  if (container.startsWith('ASF')) return video ? { mimeType: 'video/x-ms-wmv', extension: 'wmv' } : { mimeType: 'audio/x-ms-wma', extension: 'wma' }
  return undefined
}

// MP4-family containers are reported as their ftyp brands joined by "/", e.g. "isom/iso2/avc1/mp41" or "M4A/isom".
function isIsoMediaBrand (container: string): boolean {
  return /(^|\/)(isom|iso[2-9]|mp41|mp42|M4A|M4B|M4V|M4P|avc1|dash|qt|3gp\d|3g2\w|f4v|mmp4)($|\/)/i.test(container)
}
