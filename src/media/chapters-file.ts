import { readPodcasterText } from './text-file.js'
import { basename } from 'node:path'
import { SeedcastError } from '../errors.js'
import type { Chapter } from '../model/show.js'

/**
 * Chapters written by the podcaster: a Podcasting 2.0 JSON chapters file, or plain text of
 * `HH:MM:SS Title` lines (also `MM:SS`, optionally "-" or ":" after the time, as podcasters
 * write them in show notes). Times must rise and stay within the media's duration; each
 * chapter ends where the next begins.
 */
export async function readChaptersFile (path: string, duration: number): Promise<Chapter[]> {
  // The library names its option, not the flag: the CLI shows `chapters` as --chapters.
  const label = `\`chapters\` ${basename(path)}`
  const text = await readPodcasterText(path, why => bad(label, `not a chapters file (${why})`))
  const chapters = text.trimStart().startsWith('{') ? fromJson(text, label) : fromText(text, label)
  if (!chapters.length) throw bad(label, 'no chapters in it')
  chapters.forEach((chapter, index) => {
    const previous = chapters[index - 1]
    if (previous && chapter.startTime <= previous.startTime) throw bad(label, `"${chapter.title}" starts at ${clock(chapter.startTime)}, not after "${previous.title}" (${clock(previous.startTime)})`)
    if (duration > 0 && chapter.startTime >= duration) throw bad(label, `"${chapter.title}" starts at ${clock(chapter.startTime)}, after the end of the media (${clock(duration)})`)
  })
  return chapters.map((chapter, index) => ({ ...chapter, endTime: chapters[index + 1]?.startTime ?? (duration > 0 ? duration : undefined) }))
    .map(({ endTime, ...chapter }) => endTime === undefined ? chapter : { ...chapter, endTime })
}

function bad (label: string, why: string): SeedcastError {
  return new SeedcastError(`${label}: ${why}`, { code: 'EUSAGE', option: 'chapters', hint: 'give a JSON chapters file or lines of "HH:MM:SS Title"' })
}

function fromText (text: string, label: string): Chapter[] {
  const chapters: Chapter[] = []
  text.split(/\r?\n/).forEach((line, index) => {
    if (!line.trim()) return
    const match = /^\s*(?:(\d+):)?(\d{1,2}):(\d{2})(?:\.(\d{1,3}))?\s*[-–—:]?\s+(.+?)\s*$/.exec(line)
    if (!match) throw bad(label, `line ${index + 1} is not "HH:MM:SS Title": ${line.trim().slice(0, 60)}`)
    const [, hours, minutes, secs, fraction, title] = match
    if (Number(secs) > 59 || (hours !== undefined && Number(minutes) > 59)) throw bad(label, `line ${index + 1}: ${line.trim().split(/\s/)[0]} is not a time`)
    chapters.push({ startTime: Number(hours ?? 0) * 3600 + Number(minutes) * 60 + Number(secs) + Number(`0.${fraction ?? 0}`), title: title! })
  })
  return chapters
}

function fromJson (text: string, label: string): Chapter[] {
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch (error) {
    throw bad(label, `not valid JSON (${(error as Error).message})`)
  }
  const list = (document as { chapters?: unknown }).chapters
  if (!Array.isArray(list)) throw bad(label, 'no "chapters" list')
  return list.map((entry: { startTime?: unknown, title?: unknown, img?: unknown, url?: unknown }, index): Chapter => {
    if (typeof entry?.startTime !== 'number' || entry.startTime < 0) throw bad(label, `chapters[${index}].startTime is not a number of seconds`)
    const title = typeof entry.title === 'string' && entry.title.trim() ? entry.title.trim() : `Chapter ${index + 1}`
    // The chapter's art and link go into the published chapters file as they are: podcast
    // apps fetch them, so they must be absolute http(s) URLs.
    const links: Pick<Chapter, 'img' | 'url'> = {}
    for (const key of ['img', 'url'] as const) {
      const value = entry[key]
      if (value === undefined || value === null || value === '') continue
      if (typeof value !== 'string' || !isHttpUrl(value)) throw bad(label, `chapters[${index}].${key} is not an http(s) URL: ${String(value).slice(0, 80)}`)
      links[key] = new URL(value).href
    }
    return { startTime: entry.startTime, title, ...links }
  }).sort((a, b) => a.startTime - b.startTime)
}

function clock (seconds: number): string {
  const whole = Math.floor(seconds)
  return [Math.floor(whole / 3600), Math.floor(whole / 60) % 60, whole % 60].map(part => String(part).padStart(2, '0')).join(':')
}

/** What a chapter's `img` or `url` must be: an absolute http(s) URL (podcast apps fetch it). */
export function isHttpUrl (value: string): boolean {
  const url = URL.canParse(value) ? new URL(value) : undefined
  return url?.protocol === 'http:' || url?.protocol === 'https:'
}
