import { mkdir } from 'node:fs/promises'
import { basename, join } from 'node:path'
import type { ShowNotes } from '../feed/notes.js'
import { chaptersJson } from '../media/chapters.js'
import { readChaptersFile } from '../media/chapters-file.js'
import { readPodcasterText } from '../media/text-file.js'
import { readTranscript, type Transcript } from '../media/transcript.js'
import { SeedcastError, fileError } from '../errors.js'
import { readCover, type CoverImage } from './cover.js'
import { checkEpisodeType, parsePerson } from './episode-fields.js'
import type { ShowPaths } from '../model/paths.js'
import { placeFile } from './reservations.js'
import type { Chapter, EpisodePerson, EpisodeType } from '../model/show.js'

/** What a podcaster may add to an episode beside its media (publish and episodes edit). */
export interface EpisodeExtraOptions {
  /** full, trailer or bonus. */
  type?: string
  /** Path of a Markdown file of show notes. */
  notes?: string
  /** Path of a WebVTT, SubRip, Podcasting 2.0 JSON or HTML transcript. */
  transcript?: string
  /** Path of a JSON chapters file or of "HH:MM:SS Title" lines. */
  chapters?: string
  /** "Name:role" each. */
  persons?: string[]
  /**
   * Path of the episode's own art (JPEG or PNG, square, 1400-3000 px), in place of the
   * cover art in the media's tags; "" for none (the show's cover stands for it).
   */
  image?: string
}

export interface EpisodeExtras {
  type?: EpisodeType
  notes?: ShowNotes
  transcript?: Transcript
  chapters?: Chapter[]
  persons?: EpisodePerson[]
  /** The episode's art; null: none. */
  image?: CoverImage | null
}

/** Reads and checks every extra given, before anything is written. */
export async function readEpisodeExtras (options: EpisodeExtraOptions, duration: number): Promise<EpisodeExtras> {
  const extras: EpisodeExtras = {}
  const type = checkEpisodeType(options.type)
  if (type) extras.type = type
  if (options.persons) extras.persons = options.persons.map(parsePerson)
  if (options.notes !== undefined) {
    const label = `\`notes\` ${basename(options.notes)}`
    const source = await readPodcasterText(options.notes, why => new SeedcastError(`${label}: not Markdown show notes (${why})`, { code: 'EUSAGE', option: 'notes', hint: 'give a Markdown or plain-text file' }))
    // Loaded only for notes: markdown-it and sanitize-html (with postcss) are 130 modules
    // that every publish loaded before, a fifth of its start-up.
    const { renderNotes } = await import('../feed/notes.js')
    extras.notes = renderNotes(source)
  }
  if (options.transcript !== undefined) extras.transcript = await readTranscript(options.transcript)
  if (options.chapters !== undefined) extras.chapters = await readChaptersFile(options.chapters, duration)
  if (options.image !== undefined) extras.image = options.image === '' ? null : await readCover(options.image)
  return extras
}

/** public/-relative path of an episode's transcript. */
export function transcriptPath (slug: string, transcript: Transcript): string {
  return `transcripts/${slug}.${transcript.extension}`
}

/** public/-relative path of an episode's art. */
export function imagePath (slug: string, image: CoverImage): string {
  return `images/${slug}.${image.extension}`
}

/**
 * Writes the transcript, art and chapters files of an episode into public/ (atomically each),
 * adding each path to `placed` before writing it, so the caller can remove them if a later step fails.
 */
export async function placeExtraFiles (paths: ShowPaths, slug: string, extras: Pick<EpisodeExtras, 'transcript' | 'image'>, chapters: Chapter[] | undefined, chaptersPath: string, placed: string[]): Promise<void> {
  if (extras.image) {
    const path = join(paths.publicDir, imagePath(slug, extras.image))
    await mkdir(join(paths.publicDir, 'images'), { recursive: true }).catch(error => { throw fileError(error, path, 'create') })
    placed.push(path)
    await placeFile(paths, path, extras.image.data)
  }
  if (extras.transcript) {
    const path = join(paths.publicDir, transcriptPath(slug, extras.transcript))
    await mkdir(join(paths.publicDir, 'transcripts'), { recursive: true }).catch(error => { throw fileError(error, path, 'create') })
    placed.push(path)
    await placeFile(paths, path, extras.transcript.text)
  }
  if (chapters?.length) {
    const path = join(paths.publicDir, chaptersPath)
    await mkdir(paths.chaptersDir, { recursive: true }).catch(error => { throw fileError(error, path, 'create') })
    placed.push(path)
    await placeFile(paths, path, JSON.stringify(chaptersJson(chapters), null, 2) + '\n')
  }
}
