import { createHash } from 'node:crypto'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
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

/** True when `key` is episodePageKey(episodeHash, chaptersStamp, transcriptStamp), without making that key. */
export function isPageKey (key: string, episodeHash: string, chaptersStamp: string, transcriptStamp: string): boolean {
  const chapters = episodeHash.length + 1
  const transcript = chapters + chaptersStamp.length + 1
  return key.length === transcript + transcriptStamp.length &&
    key.startsWith(episodeHash) && key.charCodeAt(chapters - 1) === SPACE &&
    key.startsWith(chaptersStamp, chapters) && key.charCodeAt(transcript - 1) === SPACE &&
    key.startsWith(transcriptStamp, transcript)
}

const SPACE = 0x20

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
