import type { Chapter } from '../model/show.js'

export type MediaKind = 'audio' | 'video'

export interface CoverArt {
  data: Buffer
  /** e.g. "image/jpeg". */
  mimeType: string
}

/** What probing a media file tells publishing and the feeds. */
export interface EpisodeMedia {
  /** e.g. "audio/mpeg", "video/mp4". */
  mimeType: string
  kind: MediaKind
  /** File extension matching the content, without dot: "mp3", "m4a", "mp4", "webm"... */
  extension: string
  /** Seconds, > 0. */
  duration: number
  /** Bytes. */
  size: number
  /** Bits per second, when the container says. */
  bitrate?: number
  title?: string
  artist?: string
  album?: string
  /** From ID3 COMM, a comment or a description tag. */
  description?: string
  year?: number
  cover?: CoverArt
  /** From ID3v2 CHAP frames or MP4 chapter tracks; empty when there are none. */
  chapters: Chapter[]
  /** Chapters of the file starting at or past its end, left out of `chapters` (see chaptersFromMetadata). */
  chaptersPastTheEnd?: Chapter[]
}
