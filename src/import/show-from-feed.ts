import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { SeedcastError } from '../errors.js'
import { downloadHttp } from '../feed/read/enclosure-download.js'
import { podcastGuid } from '../feed/guid.js'
import { notesOfFeedText } from '../feed/notes.js'
import type { PodcastFeed } from '../feed/read/types.js'
import { checkCover, type CoverImage } from '../show/cover.js'
import type { InitOptions } from '../show/init.js'

/** What the podcaster gives beside the feed: where the show will live, and what the feed lacks. */
export interface ShowOverrides {
  baseUrl: string
  trackers?: string[]
  ownerName?: string
  ownerEmail?: string
  /** Override the feed's, or give one when the feed's is not an Apple category / BCP 47 tag. */
  category?: string
  language?: string
  /** SPDX id: the feed's podcast:license or Creative Commons link when it has one. */
  license?: string
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * init's options for a show made from another host's feed. The show keeps what identifies
 * it to apps and directories: title, author, owner, categories, and its podcast:guid (the
 * feed's own, else the one the namespace derives from the old feed URL, as a move keeps it).
 * Values the feed lacks and seedcast requires are one-line errors naming the option.
 */
export function showOptions (feed: PodcastFeed, feedUrl: string, overrides: ShowOverrides): InitOptions {
  const title = feed.title.trim()
  if (!title) throw new SeedcastError(`${feedUrl}: the feed has no title`, { code: 'EBADFEED', hint: 'check that the URL is the show\'s feed' })
  const ownerName = overrides.ownerName ?? feed.owner?.name ?? feed.author
  const ownerEmail = overrides.ownerEmail ?? feed.owner?.email
  if (!ownerEmail) throw new SeedcastError(`${feedUrl}: the feed names no owner e-mail (itunes:owner), which Apple requires`, { code: 'EUSAGE', hint: 'give it with `ownerEmail`' })
  const license = overrides.license ?? spdxOf(feed.license)
  if (!license) throw new SeedcastError(`${feedUrl}: the feed names no license (podcast:license or a Creative Commons link)`, { code: 'EUSAGE', hint: 'give the SPDX id of the license the episodes are under with `license`, e.g. CC-BY-4.0 or CC-BY-NC-ND-4.0' })
  const category = overrides.category ?? feed.categories[0]
  if (!category) throw new SeedcastError(`${feedUrl}: the feed has no itunes:category`, { code: 'EUSAGE', hint: 'give one with `category`, e.g. Technology' })
  const description = notesOfFeedText(feed.description)?.text ?? feed.description
  return {
    title,
    description: description?.trim() || title,
    author: feed.author ?? ownerName ?? title,
    ownerName: ownerName ?? title,
    ownerEmail,
    language: overrides.language ?? feed.language ?? '',
    category,
    ...(!overrides.category && feed.subcategory ? { subcategory: feed.subcategory } : {}),
    explicit: feed.explicit ?? false,
    ...(feed.link ? { link: feed.link } : {}),
    baseUrl: overrides.baseUrl,
    license,
    trackers: overrides.trackers ?? [],
    ...(feed.showType === 'serial' || feed.showType === 'episodic' ? { type: feed.showType } : {}),
    locked: feed.locked ?? true,
    podcastGuid: feed.podcastGuid && UUID.test(feed.podcastGuid) ? feed.podcastGuid.toLowerCase() : podcastGuid(feedUrl),
    importedFrom: feedUrl
  }
}

/** An SPDX id from podcast:license, or from a creativecommons.org license URL. */
function spdxOf (license: PodcastFeed['license']): string | undefined {
  if (!license) return undefined
  const cc = /creativecommons\.org\/(licenses|publicdomain)\/([a-z-]+)\/(\d\.\d)/i.exec(license.url ?? license.id)
  if (cc) return cc[2]!.toLowerCase() === 'zero' ? `CC0-${cc[3]}` : `CC-${cc[2]!.toUpperCase()}-${cc[3]}`
  return /^https?:/i.test(license.id) ? undefined : license.id
}

/**
 * The feed's cover, downloaded and checked as init checks a cover. Apple's rules are
 * newer than many shows (a 600 px cover from 2012): a cover that fails them is not used,
 * and the note says why; init then makes a placeholder.
 */
export async function feedCover (feed: PodcastFeed, workDir: string, notes: string[]): Promise<CoverImage | undefined> {
  if (!feed.image) {
    notes.push('the feed has no cover image: a placeholder was made; replace it with `show edit --image`')
    return undefined
  }
  const path = join(workDir, 'cover')
  try {
    await rm(path, { force: true })
    await downloadHttp(feed.image, path, { maxBytes: 20 * 1024 * 1024, idleTimeoutMs: 30_000 })
    return checkCover(await readFile(path), `the feed's cover ${feed.image}`)
  } catch (error) {
    if (!(error instanceof SeedcastError)) throw error
    notes.push(`${error.message}: a placeholder cover was made; replace it with \`show edit --image\``)
    return undefined
  } finally {
    await rm(path, { force: true })
  }
}
