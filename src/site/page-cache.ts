import { createHash } from 'node:crypto'
import { statSync, type Stats } from 'node:fs'
import { mkdir, readFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import writeFileAtomic from 'write-file-atomic'
import { fileError } from '../errors.js'
import type { Episode } from '../model/show.js'
import { renderEpisodePage } from './episode-page.js'
import type { SiteModel } from './model.js'

/**
 * What the last build knew of each episode page, so the next one renders only the pages
 * whose inputs changed. A show of 5,000 episodes has 5,000 pages; reading and rendering
 * them all on every publish took seconds. A page is skipped when its key (the episode's
 * catalog entry, its chapters and transcript files' size and mtime, and the shared key)
 * is the one recorded and the page file still has the size and mtime recorded after
 * writing it: a page edited or deleted by hand is written again.
 */
export interface PageRecord { key: string, size: number, mtimeMs: number }

interface StoredPages { pages: Record<string, PageRecord> }

/** A cache, so written without fsync: a torn or stale file matches no page and costs one full render. */
export async function readPageRecords (file: string): Promise<Map<string, PageRecord>> {
  const stored = await readFile(file, 'utf8').then(text => JSON.parse(text) as StoredPages).catch(() => undefined)
  return new Map(stored && typeof stored.pages === 'object' ? Object.entries(stored.pages) : [])
}

export async function savePageRecords (file: string, records: Map<string, PageRecord>): Promise<void> {
  const stored: StoredPages = { pages: Object.fromEntries(records) }
  await mkdir(dirname(file), { recursive: true }).catch(error => { throw fileError(error, dirname(file), 'create') })
  await writeFileAtomic(file, JSON.stringify(stored), { fsync: false }).catch(error => { throw fileError(error, file, 'write') })
}

// The two stats below are synchronous on purpose: a build checks thousands of pages, and
// one promise round trip through the thread pool per stat cost ten times the stat itself.

/** Size and mtime of a file as a key part; '-' when it is missing or unreadable. */
export function fileStamp (path: string): string {
  const info = statOrUndefined(path)
  return info ? `${info.size}:${info.mtimeMs}` : '-'
}

/** The page file's record as it is on disk now, or undefined when it is missing. */
export function pageOnDisk (path: string, key: string): PageRecord | undefined {
  const info = statOrUndefined(path)
  return info ? { key, size: info.size, mtimeMs: info.mtimeMs } : undefined
}

function statOrUndefined (path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false })
  } catch {
    return undefined // unreadable (EACCES, ENOTDIR...): as if missing, the page is written again
  }
}

/**
 * What every episode page depends on besides its own episode: the show, the player's
 * assets, the cover, and the templates themselves. The templates enter as the pages they
 * make of two fixed sample episodes (audio with chapters, transcript and numbering; video
 * with its own art), so a seedcast upgrade that changes what pages look like renders them
 * all again without anyone remembering to bump a version.
 */
export function sharedPageKey (model: Omit<SiteModel, 'episodes'>): string {
  const hash = createHash('sha256').update(JSON.stringify([model.show, model.assets, model.coverSize ?? null]))
  const site: SiteModel = { ...model, episodes: [] }
  for (const sample of SAMPLES) hash.update(renderEpisodePage(site, sample))
  return hash.digest('base64url')
}

/** One episode page's key: the shared key, its catalog entry, and the files it reads. */
export function episodePageKey (shared: string, episode: Episode, chaptersStamp: string, transcriptStamp: string): string {
  return createHash('sha256').update(shared).update(JSON.stringify(episode)).update(chaptersStamp).update(transcriptStamp).digest('base64url')
}

const sampleEpisode: Episode = {
  slug: 'sample',
  guid: 'sample',
  title: 'Sample & <episode>',
  description: 'First paragraph.\n\nSecond paragraph with a https://example.org/ link.',
  pubDate: '2026-01-02T03:04:05.000Z',
  season: 2,
  episode: 3,
  explicit: true,
  draft: false,
  type: 'bonus',
  notesHtml: '<p>Notes with <a href="https://example.org/">a link</a>.</p>',
  transcriptType: 'text/vtt',
  persons: [{ name: 'Ana', role: 'host', group: 'cast' }],
  duration: 3725,
  mimeType: 'audio/mpeg',
  length: 12_345_678,
  mediaPath: 'media/sample.mp3',
  torrentPath: 'torrents/sample.torrent',
  chaptersPath: 'chapters/sample.json',
  transcriptPath: 'transcripts/sample.vtt',
  infoHash: '0123456789abcdef0123456789abcdef01234567',
  sha256: 'AAAA',
  pieceLength: 262_144
}

const { chaptersPath: _chapters, transcriptPath: _transcript, transcriptType: _type, season: _season, episode: _number, ...plainEpisode } = sampleEpisode

const SAMPLES = [
  { episode: sampleEpisode, chapters: [{ startTime: 0, title: 'Start' }, { startTime: 61.5, title: 'Middle' }], transcript: 'One.\n\nTwo.' },
  { episode: { ...plainEpisode, slug: 'sample-video', mimeType: 'video/mp4', mediaPath: 'media/sample.mp4', imagePath: 'images/sample.jpg', explicit: false }, chapters: [] }
]
