import { access, mkdir, readdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { SeedcastError, fileError } from '../errors.js'
import { writeAtomic, writeJsonAtomic } from '../atomic.js'
import { readCover, type CoverImage } from './cover.js'
import { placeholderCover } from './placeholder-cover.js'
import { podcastGuid } from '../feed/guid.js'
import { writeFeeds } from './feeds.js'
import { showPaths, type ShowPaths } from '../model/paths.js'
import type { Catalog, ShowConfig } from '../model/show.js'
import { checkShowFields, withoutUndefined, type ShowFieldOptions } from './show-fields.js'

export const DEFAULT_LICENSE = 'CC-BY-SA-4.0'

export interface InitOptions extends ShowFieldOptions {
  title: string
  description: string
  author: string
  ownerName: string
  ownerEmail: string
  language: string
  category: string
  baseUrl: string
  /** Path of a cover image to copy into public/; without one a placeholder cover is made (see placeholderCover). */
  image?: string
  /** SPDX id; CC-BY-SA-4.0 when not given. */
  license?: string
  /** podcast:locked; true unless said otherwise. */
  locked?: boolean
  /** podcast:guid, when the show already has one (an imported show keeps its old feed's). */
  podcastGuid?: string
  /** The feed a show made by `seedcast import` came from. */
  importedFrom?: string
  /** A cover already read and checked (import downloads it), instead of `image`. */
  cover?: CoverImage
}

/** The options `seedcast init` cannot do without. */
export const REQUIRED_INIT_OPTIONS = ['title', 'description', 'author', 'ownerName', 'ownerEmail', 'language', 'category', 'baseUrl'] as const

export interface InitResult {
  dir: string
  config: ShowConfig
  feeds: Record<string, string>
  /** True when no image was given and a placeholder cover was made. */
  placeholderCover: boolean
}

/**
 * Creates a show folder: show.json, an empty episodes.json, public/ with its media,
 * torrents and chapters folders, the cover image and the (empty) feeds. Every value is
 * checked before anything is written; an existing show folder is refused. show.json is
 * written last, so an init that fails half way leaves no show and can be run again.
 */
export async function initShow (dir: string, options: InitOptions): Promise<InitResult> {
  const root = resolve(dir)
  const missing = REQUIRED_INIT_OPTIONS.filter(key => !options[key]?.trim()).map(key => `\`${key}\``)
  if (missing.length) throw new SeedcastError(`missing ${missing.join(', ')}`, { code: 'EUSAGE', hint: 'give them as flags, or run in a terminal to be asked' })

  const fields = checkShowFields({ ...options, license: options.license ?? DEFAULT_LICENSE })
  // Without a cover no directory lists the show and `feed lint` fails: a placeholder keeps it
  // publishable at once, and the podcaster is told to replace it.
  const cover = options.cover ?? (options.image ? await readCover(options.image) : placeholderCover(fields.title!))
  const baseUrl = fields.baseUrl!
  const config: ShowConfig = withoutUndefined({
    version: 1,
    ...fields as Omit<ShowConfig, 'version' | 'podcastGuid' | 'locked' | 'explicit' | 'trackers'>,
    explicit: fields.explicit ?? false,
    image: `cover.${cover.extension}`,
    trackers: fields.trackers ?? [],
    podcastGuid: options.podcastGuid ?? podcastGuid(new URL('rss.xml', baseUrl).href),
    locked: fields.locked ?? true,
    importedFrom: options.importedFrom
  })

  const paths = showPaths(root)
  if (await exists(paths.showFile)) {
    throw new SeedcastError(`${root}: already a seedcast show folder (show.json exists)`, { code: 'EEXIST', hint: 'pick another folder, or edit show.json' })
  }
  // public/ is where the feeds, the web pages and the media go: an existing one (a website's
  // own public/ folder) had its index.html silently replaced by the show page.
  // Not when that public/ is what an init cut before show.json left.
  const inPublic = await leftByCutInit(paths) ? [] : await readdir(paths.publicDir).catch(() => [])
  if (inPublic.length > 0) {
    throw new SeedcastError(`${paths.publicDir} already holds files (${inPublic.slice(0, 3).join(', ')}${inPublic.length > 3 ? ', ...' : ''}); the show's feeds and pages would replace them`, { code: 'EEXIST', hint: 'pick another folder for the show, or move public/ away first' })
  }
  const catalog: Catalog = { version: 1, episodes: [] }
  try {
    for (const folder of [paths.tmpDir, paths.reservationsDir, paths.mediaDir, paths.torrentsDir, paths.chaptersDir]) await mkdir(folder, { recursive: true })
  } catch (error) {
    throw fileError(error, root, 'create')
  }
  // A show folder is meant to be kept in git; .seedcast/ holds only this machine's lock and temp files.
  await writeAtomic(join(paths.stateDir, '.gitignore'), '*\n')
  await writeAtomic(join(paths.publicDir, config.image!), cover.data)
  await writeJsonAtomic(paths.catalogFile, catalog)
  const feeds = await writeFeeds(paths, config, catalog)
  await writeJsonAtomic(paths.showFile, config)
  return { dir: root, config, feeds, placeholderCover: !options.image && !options.cover }
}

/**
 * Whether the show folder at `paths` holds what an init cut before its last step (show.json)
 * leaves: its .seedcast/ (made first) and no media yet. demo and init build there again.
 */
export async function leftByCutInit (paths: ShowPaths): Promise<boolean> {
  return !await exists(paths.showFile) && await exists(paths.stateDir) && (await readdir(paths.mediaDir).catch(() => [])).length === 0
}

async function exists (path: string): Promise<boolean> {
  return access(path).then(() => true, () => false)
}
