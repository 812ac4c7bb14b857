import { readFile, rm } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import { invalid } from '../errors.js'
import { readCover } from './cover.js'
import { commitConfig, repairFeeds } from './feeds.js'
import { loadShow } from './load.js'
import { withShowLock } from './lock.js'
import { writeRedirectFeeds, type RedirectFeeds } from './redirect.js'
import { placeFile } from './reservations.js'
import { showConfigSchema, validate } from './schema.js'
import { checkShowFields, withoutUndefined, type ShowFieldOptions } from './show-fields.js'
import type { ShowConfig } from '../model/show.js'

export interface ShowEditOptions extends ShowFieldOptions {
  /** Path of a new cover image to copy into public/. */
  image?: string
  /**
   * With a new base URL: also write the feeds for the old location with
   * <itunes:new-feed-url> (see redirect.ts).
   */
  redirectFromOld?: boolean
}

export interface ShowEditResult {
  dir: string
  before: ShowConfig
  show: ShowConfig
  /** show.json keys whose value changed. */
  changed: string[]
  /** Slugs of the episodes whose .torrent got new trackers or web seeds. */
  torrents: string[]
  feeds: Record<string, string>
  redirect?: RedirectFeeds
}

/**
 * `seedcast show edit`: changes show.json and rewrites what is made from it, holding the
 * show lock: every .torrent's trackers and web seeds (outside the info dictionary, so
 * infohashes and magnets' xt stay), then the four feeds. The values are checked as `init`
 * checks them before anything is written; podcast:guid never changes (it names the show
 * wherever it moves).
 */
export async function editShow (showDir: string, options: ShowEditOptions): Promise<ShowEditResult> {
  const dir = resolve(showDir)
  await repairFeeds(dir)
  const { config: first } = await loadShow(dir)
  checkShowFields(options, first) // bad values fail before the lock and the cover read
  const cover = options.image ? await readCover(options.image) : undefined
  return withShowLock(dir, async () => {
    const { paths, config: before, catalog } = await loadShow(dir)
    const fields = checkShowFields(options, before)
    const image = cover ? `cover.${cover.extension}` : before.image
    const after = validate(showConfigSchema, withoutUndefined({ ...before, ...fields, image }), 'show.json') as ShowConfig
    const changed = Object.keys({ ...before, ...after }).filter(key => !isDeepStrictEqual(before[key as keyof ShowConfig], after[key as keyof ShowConfig]))
    const coverChanged = cover !== undefined && !(await sameFile(join(paths.publicDir, image!), cover.data))
    if (coverChanged && !changed.includes('image')) changed.push('image')
    if (options.redirectFromOld && before.baseUrl === after.baseUrl) {
      invalid('redirectFromOld', 'the base URL does not change', 'give the new one with `baseUrl`')
    }
    if (!changed.length) return { dir, before, show: before, changed, torrents: [], feeds: {} }
    if (cover && coverChanged) await placeFile(paths, join(paths.publicDir, image!), cover.data)
    const { feeds, torrents } = await commitConfig(paths, after, catalog)
    if (before.image && before.image !== after.image) await rm(join(paths.publicDir, before.image), { force: true })
    const redirect = options.redirectFromOld ? await writeRedirectFeeds(paths, before, after, catalog) : undefined
    return { dir, before, show: after, changed, torrents, feeds, ...(redirect ? { redirect } : {}) }
  })
}

async function sameFile (path: string, data: Buffer): Promise<boolean> {
  const current = await readFile(path).catch(() => undefined)
  return current !== undefined && current.equals(data)
}
