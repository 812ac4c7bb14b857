import type { IChapter } from 'music-metadata'
import type { Chapter } from '../model/show.js'

/** The Podcasting 2.0 JSON chapters document (podcast:chapters, type application/json+chapters). */
export interface ChaptersDocument {
  version: '1.2.0'
  chapters: Chapter[]
}

/** Builds the JSON chapters file an episode's podcast:chapters URL points at. */
export function chaptersJson (chapters: Chapter[]): ChaptersDocument {
  return {
    version: '1.2.0',
    chapters: [...chapters]
      .sort((a, b) => a.startTime - b.startTime)
      .map(chapter => ({
        startTime: roundTime(chapter.startTime),
        title: chapter.title,
        ...(chapter.img ? { img: chapter.img } : {}),
        ...(chapter.url ? { url: chapter.url } : {}),
        ...(chapter.endTime !== undefined ? { endTime: roundTime(chapter.endTime) } : {})
      }))
  }
}

/**
 * Chapters as music-metadata reports them: ID3 CHAP times come in seconds, MP4 chapter
 * tracks in units of `timeScale` and without an end, so each ends where the next starts
 * and the last at the media's end. A chapter starting at or past the media's end (a file
 * trimmed in an editor that kept its tag) is left out and given to `pastTheEnd`: kept, it
 * was listed on the page and in chapters.json with an end before its start, which the
 * Podcasting 2.0 format forbids (a chapters file given to publish is refused for it).
 */
export function chaptersFromMetadata (found: IChapter[] | undefined, duration: number, pastTheEnd: (chapter: Chapter) => void = () => {}): Chapter[] {
  if (!found?.length) return []
  const seconds = (value: number, timeScale?: number) => timeScale ? value / timeScale : value
  const starts = found.map(chapter => seconds(chapter.start, chapter.timeScale))
  return found
    .map((chapter, index): Chapter => {
      const next = starts[index + 1]
      const end = chapter.end !== undefined ? seconds(chapter.end, chapter.timeScale) : (next ?? duration)
      return {
        startTime: roundTime(starts[index] ?? 0),
        title: chapter.title?.trim() || `Chapter ${index + 1}`,
        ...(end > (starts[index] ?? 0) ? { endTime: roundTime(Math.min(end, duration)) } : {})
      }
    })
    .filter(chapter => {
      if (chapter.startTime < duration) return true
      pastTheEnd(chapter)
      return false
    })
    .sort((a, b) => a.startTime - b.startTime)
}

// Millisecond precision: what CHAP frames store, and what players can seek to.
function roundTime (seconds: number): number {
  return Math.round(seconds * 1000) / 1000
}
