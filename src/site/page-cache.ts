import { createHash } from 'node:crypto'
import { readdirSync, statSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import writeFileAtomic from 'write-file-atomic'
import { fileError } from '../errors.js'
import { readWholeFile } from '../whole-file.js'
import type { Episode } from '../model/show.js'
import { renderEpisodePage } from './episode-page.js'
import type { SiteModel } from './model.js'
import { olderItem } from './show-page.js'

/**
 * What the last build knew of each episode page, so the next one renders only the pages
 * whose inputs changed. A show of 5,000 episodes has 5,000 pages; reading and rendering
 * them all on every publish took seconds. A page is skipped when the shared key (what every
 * page shows: the show, the player, the templates) is the one recorded, its own key (the
 * hash of the episode's catalog entry, notes included, its chapters and transcript files' size and mtime)
 * is the one recorded, and its folder is still in public/episodes/ (one directory read for
 * all pages: a stat per page cost more than everything else a publish does to the site).
 * The record also keeps the episode's line in the show page's list of older episodes.
 */
export interface PageRecord {
  key: string
  /** The episode's <li> in the show page's older-episodes list (olderItem). */
  listed: string
}

/**
 * Records as stored: one flat list of strings, slug, key, listed, slug, key, listed...: JSON
 * that parses and prints in half the time of an object keyed by slug (5,000 keys put an
 * object in dictionary mode), which earlier builds wrote as `pages` (still read).
 */
interface StoredPages { shared: string, records?: string[], pages?: Record<string, [string, string]> }

/** The records of the last build, and the file's text (saving the same records again is skipped). */
export interface PageRecords { shared?: string, pages: Map<string, PageRecord>, text?: string }

/** A cache, so written without fsync: a torn or stale file matches no page and costs one full render. */
export async function readPageRecords (file: string): Promise<PageRecords> {
  const text = await readWholeFile(file).then(bytes => bytes.toString(), () => undefined)
  let stored: Partial<StoredPages> | undefined
  try {
    stored = text === undefined ? undefined : JSON.parse(text) as Partial<StoredPages>
  } catch {
    stored = undefined
  }
  if (!stored || typeof stored.shared !== 'string') return { pages: new Map() }
  const pages = new Map<string, PageRecord>()
  if (Array.isArray(stored.records)) {
    const flat = stored.records
    for (let at = 0; at + 2 < flat.length; at += 3) {
      const [slug, key, listed] = [flat[at], flat[at + 1], flat[at + 2]]
      if (typeof slug === 'string' && typeof key === 'string' && typeof listed === 'string') pages.set(slug, { key, listed })
    }
  } else if (typeof stored.pages === 'object' && stored.pages !== null) {
    for (const [slug, record] of Object.entries(stored.pages)) {
      if (Array.isArray(record) && typeof record[0] === 'string' && typeof record[1] === 'string') pages.set(slug, { key: record[0], listed: record[1] })
    }
  } else {
    return { pages: new Map() }
  }
  return { shared: stored.shared, pages, text }
}

/** Saves the records, unless they are those the file holds already. */
export async function savePageRecords (file: string, shared: string, records: Map<string, PageRecord>, previous?: PageRecords): Promise<void> {
  if (previous?.text !== undefined && sameRecords(shared, records, previous)) return
  const flat: string[] = []
  for (const [slug, record] of records) flat.push(slug, record.key, record.listed)
  const text = JSON.stringify({ shared, records: flat } satisfies StoredPages)
  if (text === previous?.text) return
  await mkdir(dirname(file), { recursive: true }).catch(error => { throw fileError(error, dirname(file), 'create') })
  await writeFileAtomic(file, text, { fsync: false }).catch(error => { throw fileError(error, file, 'write') })
}

/** The same records in the same order: what the file holds already (compared without writing 1 MB of JSON first). */
function sameRecords (shared: string, records: Map<string, PageRecord>, previous: PageRecords): boolean {
  if (shared !== previous.shared || records.size !== previous.pages.size) return false
  const before = previous.pages.entries()
  for (const [slug, record] of records) {
    const [oldSlug, old] = before.next().value as [string, PageRecord]
    if (slug !== oldSlug || record.key !== old.key || record.listed !== old.listed) return false
  }
  return true
}

// Synchronous on purpose: a build checks thousands of chapters and transcript files, and
// one promise round trip through the thread pool per stat cost ten times the stat itself.

/** Size and mtime of a file as a key part; '-' when it is missing or unreadable. */
export function fileStamp (path: string): string {
  try {
    const info = statSync(path, { throwIfNoEntry: false })
    return info ? `${info.size}:${info.mtimeMs}` : '-'
  } catch {
    return '-' // unreadable (EACCES, ENOTDIR...): as if missing
  }
}

/**
 * fileStamp for files below `root` given by relative paths ("chapters/name.json", the
 * catalog's form), for a build that stamps thousands of them: each folder is listed once,
 * and a name not in its listing is missing ('-') without a stat of its own (a failing stat
 * cost as much as one that finds the file). A file that is there is still stamped by a stat
 * of its own, so an edit by hand (in place or by rename) changes its stamp. A folder that
 * cannot be listed, a name with more slashes than the catalog allows, '.' and '..': a stat.
 */
export function folderStamps (root: string): (relative: string) => string {
  const listings = new Map<string, Set<string> | undefined>()
  return relative => {
    const slash = relative.indexOf('/')
    const name = relative.slice(slash + 1)
    if (slash > 0 && !name.includes('/') && name !== '.' && name !== '..' && name !== '') {
      const folder = relative.slice(0, slash)
      let names = listings.get(folder)
      if (!listings.has(folder)) listings.set(folder, names = listing(join(root, folder)))
      if (names && !names.has(name)) return '-'
    }
    return fileStamp(join(root, relative))
  }
}

/** The names in a folder; empty when it is missing (nothing in it exists), undefined when it cannot be read (then each file is stat'ed). */
function listing (dir: string): Set<string> | undefined {
  try {
    return new Set(readdirSync(dir))
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    return code === 'ENOENT' || code === 'ENOTDIR' ? new Set() : undefined
  }
}

/**
 * What every episode page depends on besides its own episode: the show, the player's
 * assets, the cover, and the templates themselves. The templates enter as the pages they
 * make of two fixed sample episodes (audio with chapters, transcript and numbering; video
 * with its own art), and the sample's line in the older-episodes list, so a seedcast
 * upgrade that changes what pages look like renders them all again without anyone
 * remembering to bump a version.
 */
export function sharedPageKey (model: Omit<SiteModel, 'episodes'>): string {
  const hash = createHash('sha256').update(JSON.stringify([model.show, model.assets, model.coverSize ?? null]))
  const site: SiteModel = { ...model, episodes: [] }
  for (const sample of SAMPLES) hash.update(renderEpisodePage(site, sample))
  hash.update(olderItem(model.show, sampleEpisode))
  return hash.digest('base64url')
}

/** One episode page's key: its catalog entry's hash (episode-hash.ts) and the files it reads. */
export function episodePageKey (episodeHash: string, chaptersStamp: string, transcriptStamp: string): string {
  return `${episodeHash} ${chaptersStamp} ${transcriptStamp}`
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
  notesHtml: '<h1>Notes</h1><p>Notes with <a href="https://example.org/">a link</a>.</p>',
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

const { chaptersPath: _chapters, transcriptPath: _transcript, transcriptType: _type, season: _season, episode: _number, notesHtml: _notes, ...plainEpisode } = sampleEpisode

const SAMPLES = [
  { episode: sampleEpisode, chapters: [{ startTime: 0, title: 'Start' }, { startTime: 61.5, title: 'Middle', url: 'https://example.org/middle', img: 'https://example.org/middle.jpg' }], transcript: 'One.\n\nTwo.' },
  { episode: { ...plainEpisode, slug: 'sample-video', mimeType: 'video/mp4', mediaPath: 'media/sample.mp4', imagePath: 'images/sample.jpg', explicit: false }, chapters: [] }
]
