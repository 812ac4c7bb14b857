import { createHash } from 'node:crypto'
import { mkdir, rm, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { SeedcastError, fileError } from '../errors.js'
import { downloadHttp } from '../feed/read/enclosure-download.js'
import { checkIntegrity, integrityError } from '../feed/read/integrity.js'
import { mediaFileName } from '../feed/read/media-file-name.js'
import { notesOfFeedText } from '../feed/notes.js'
import type { FeedEpisode, FeedLink } from '../feed/read/types.js'
import { undatedNote } from '../feed/read/undated-note.js'
import { parsePerson } from '../show/episode-fields.js'
import { publish, type PublishResult } from '../show/publish.js'
import { dropBadChapterLinks } from './chapter-links.js'

export interface EpisodeImportOptions {
  /** Where downloads wait to be published (inside the show's .seedcast/, kept across runs). */
  workDir: string
  maxEpisodeBytes: number
  timeoutSeconds: number
  /** Bytes so far of the current step: the download, then the hashing of publish. */
  onProgress?: (step: 'download' | 'publish', done: number, total: number) => void
  signal?: AbortSignal
}

export interface ImportedEpisode {
  result: PublishResult
  /** Bytes that came over the network in this run, and those a partial file from an earlier run already had. */
  received: number
  resumed: number
  notes: string[]
}

const RETRY = 'run the import again: it continues where it stopped'

/**
 * Brings one episode of the old feed into the show: the enclosure downloaded into the
 * work folder (a partial file from an interrupted run is continued with a Range request),
 * checked against the feed's podcast:integrity (a mismatch deletes it: nothing of it is
 * published), then published by `publish` with the episode's own GUID, date, title, notes,
 * season, number and type, plus its transcript and chapters when the feed links them.
 */
export async function importEpisode (showDir: string, episode: FeedEpisode, options: EpisodeImportOptions): Promise<ImportedEpisode> {
  const url = episode.media.http[0]
  if (!url) throw new SeedcastError(`"${episode.title}": no HTTP(S) enclosure to download (only a torrent or magnet)`, { code: 'ESOURCE', hint: 'import takes the media from the old host over HTTP' })
  await mkdir(options.workDir, { recursive: true }).catch(error => { throw fileError(error, options.workDir, 'create') })
  // Named by the GUID, so the next run finds its partial file whatever the title became.
  const key = createHash('sha256').update(episode.guid).digest('hex').slice(0, 20)
  const media = join(options.workDir, mediaFileName(key, url, episode.media.type))
  const notes: string[] = []
  const got = await downloadHttp(url, media, {
    maxBytes: options.maxEpisodeBytes,
    maxBytesOption: 'maxEpisodeBytes',
    idleTimeoutMs: options.timeoutSeconds * 1000,
    retryHint: RETRY,
    signal: options.signal,
    onProgress: (done, total) => options.onProgress?.('download', done, total || episode.media.length || 0)
  })
  const check = await checkIntegrity(media, episode.media.integrity)
  if (!check.ok) {
    await rm(media, { force: true })
    throw integrityError(episode.title, check.expected, check.actual, 'the old host serves another file than its feed describes; nothing of this episode was imported')
  }
  const declared = episode.enclosure?.length
  if (declared && declared !== got.length) notes.push(`"${episode.title}": the feed says the enclosure is ${declared} bytes, the file has ${got.length}; the feeds now give the true size`)

  const extras: string[] = []
  try {
    const transcript = await linkedFile(pickTranscript(episode.transcripts), `${key}-transcript`, options, notes, episode.title, 'transcript')
    const chapters = await linkedFile(episode.chapters, `${key}-chapters`, options, notes, episode.title, 'chapters')
    if (transcript) extras.push(transcript)
    if (chapters) extras.push(chapters)
    // A bad image or link of one chapter costs that link, not every chapter (chapter-links.ts).
    const badLinks = chapters ? await dropBadChapterLinks(chapters, episode.chapters!.url) : []
    if (badLinks.length) notes.push(`"${episode.title}": in its chapters (${episode.chapters!.url}), ${badLinks.join('; ')}: left out, the chapters kept`)
    const description = episode.description?.trim()
    const html = notesOfFeedText(description)
    const positive = (n: number | undefined) => n !== undefined && Number.isInteger(n) && n > 0 ? n : undefined
    const type = episode.episodeType?.toLowerCase()
    const persons = episodePersons(episode, notes)
    const undated = undatedNote(episode)
    if (undated) notes.push(undated)
    const publishWith = (transcriptFile?: string, chaptersFile?: string) => publish(showDir, media, {
      guid: episode.guid,
      title: episode.title,
      ...(html ? { renderedNotes: html, description: html.text || episode.title } : { description: description || episode.title }),
      date: episode.date ?? new Date(),
      season: positive(episode.season),
      episode: positive(episode.episode),
      ...(type === 'full' || type === 'trailer' || type === 'bonus' ? { type } : {}),
      ...(episode.explicit !== undefined ? { explicit: episode.explicit } : {}),
      ...(persons.length ? { persons } : {}),
      ...(transcriptFile ? { transcript: transcriptFile } : {}),
      ...(chaptersFile ? { chapters: chaptersFile } : {}),
      onProgress: (done, total) => options.onProgress?.('publish', done, total),
      signal: options.signal
    })
    let result: PublishResult
    try {
      result = await publishWith(transcript, chapters)
    } catch (error) {
      if (isBadMedia(error)) throw await badMediaFromHost(error, media, url)
      // A transcript or chapters file publish refuses (another format) costs only itself.
      const option = error instanceof SeedcastError ? error.option : undefined
      if (option !== 'transcript' && option !== 'chapters') throw error
      // The message starts with the option and the work file's name, neither of them the podcaster's.
      notes.push(`"${episode.title}": its ${option} (${option === 'transcript' ? pickTranscript(episode.transcripts)?.url : episode.chapters?.url}) was refused: ${(error as Error).message.replace(/^`\w+` [^:]*: /, '')}; imported without`)
      result = await publishWith(option === 'transcript' ? undefined : transcript, option === 'chapters' ? undefined : chapters)
    }
    if (result.duplicate && result.episode.guid !== episode.guid) notes.push(`"${episode.title}": the same media as "${result.episode.title}" (${result.episode.guid}); not added twice`)
    // Published: the download is in public/ now (a copy), so the work file goes.
    await rm(media, { force: true })
    return { result, received: got.received, resumed: got.resumed, notes }
  } finally {
    await Promise.all(extras.map(path => rm(path, { force: true })))
  }
}

function isBadMedia (error: unknown): error is SeedcastError {
  return error instanceof SeedcastError && (error.code === 'ENOTMEDIA' || error.code === 'ETRUNCATED')
}

/**
 * The old host served something that is no playable media (an HTML error page, a file cut
 * short). The error names the enclosure's URL, not the work file's made-up name, and the
 * download goes: kept, the next run would "continue" it with a Range request and append
 * the real file, once the host serves it, to the bytes of the page.
 */
async function badMediaFromHost (error: SeedcastError, media: string, url: string): Promise<SeedcastError> {
  await rm(media, { force: true })
  const name = basename(media)
  const what = error.message.startsWith(name) ? error.message.slice(name.length) : `: ${error.message}`
  return new SeedcastError(`${url}${what}`, {
    code: error.code,
    cause: error,
    hint: `the old host serves ${error.code === 'ETRUNCATED' ? 'a file cut short' : 'no audio or video'} at this address; nothing of this episode was imported: run the import again once it serves the media`
  })
}

/**
 * The item's podcast:person entries as publish takes them ("Name:role"). A role outside
 * the namespace's taxonomy costs only that person (noted), not the episode.
 */
function episodePersons (episode: FeedEpisode, notes: string[]): string[] {
  const persons: string[] = []
  for (const person of episode.persons ?? []) {
    const value = `${person.name}:${person.role ?? 'host'}`
    try {
      parsePerson(value)
      persons.push(value)
    } catch (error) {
      if (!(error instanceof SeedcastError)) throw error
      notes.push(`"${episode.title}": podcast:person "${person.name}" left out: ${error.message.replace(/^`person`: /, '')}`)
    }
  }
  return persons
}

/**
 * The kinds publish takes, best first: WebVTT (browsers show it as captions), SubRip, then
 * Podcasting 2.0 JSON (timed, with speakers), then HTML (text only).
 */
function pickTranscript (links: FeedLink[] | undefined): FeedLink | undefined {
  return (links ?? []).filter(link => transcriptKind(link) !== undefined).sort((a, b) => TRANSCRIPT_KINDS.indexOf(transcriptKind(a)!) - TRANSCRIPT_KINDS.indexOf(transcriptKind(b)!))[0]
}

const TRANSCRIPT_KINDS = ['.vtt', '.srt', '.json', '.html'] as const

/** A linked transcript's kind, by its type or its URL's extension. */
function transcriptKind (link: FeedLink): typeof TRANSCRIPT_KINDS[number] | undefined {
  const type = link.type ?? ''
  const url = (extension: string) => new RegExp(`\\.${extension}(\\?|$)`, 'i').test(link.url)
  if (/vtt/i.test(type) || url('vtt')) return '.vtt'
  if (/srt|subrip/i.test(type) || url('srt')) return '.srt'
  if (/^application\/json\b/i.test(type) || url('json')) return '.json'
  if (/^text\/html\b/i.test(type) || url('html?')) return '.html'
  return undefined
}

/**
 * A transcript or chapters file the item links to, downloaded for publish to check and
 * place. Extras are not worth losing an episode over: when one cannot be had (gone,
 * another format), a note says so and the episode is imported without it.
 */
async function linkedFile (link: FeedLink | undefined, name: string, options: EpisodeImportOptions, notes: string[], title: string, what: string): Promise<string | undefined> {
  if (!link) return undefined
  const extension = what === 'chapters' ? '.json' : transcriptKind(link) ?? '.srt'
  const path = join(options.workDir, `${name}${extension}`)
  try {
    await rm(path, { force: true })
    await downloadHttp(link.url, path, { maxBytes: 10 * 1024 * 1024, idleTimeoutMs: options.timeoutSeconds * 1000, signal: options.signal })
    if ((await stat(path)).size === 0) throw new SeedcastError(`${link.url}: empty`, { code: 'EDOWNLOAD' })
    return path
  } catch (error) {
    if (!(error instanceof SeedcastError)) throw error
    await rm(path, { force: true })
    notes.push(`"${title}": its ${what} (${link.url}) could not be had: ${error.message}; imported without`)
    return undefined
  }
}
