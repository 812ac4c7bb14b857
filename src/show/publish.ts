import { mkdir, rename, rm, stat } from 'node:fs/promises'
import { basename, extname, join, resolve } from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import { v4 as uuidv4 } from 'uuid'
import { SeedcastError, fileError } from '../errors.js'
import { probeMedia } from '../media/probe.js'
import type { EpisodeMedia } from '../media/types.js'
import type { ShowNotes } from '../feed/notes.js'
import { checkCover, type CoverImage } from './cover.js'
import { takeMedia } from './media-intake.js'
import { showTrackers } from '../feed/trackers.js'
import { publicUrl } from '../feed/urls.js'
import { assembleTorrent } from '../torrent/create.js'
import { retargetTorrent } from '../torrent/retarget.js'
import { checkPositiveInteger, checkTitle } from './episode-fields.js'
import { publicationDate } from './publication-date.js'
import { imagePath, placeExtraFiles, readEpisodeExtras, transcriptPath, type EpisodeExtraOptions, type EpisodeExtras } from './episode-extras.js'
import { commitCatalog, feedPaths, repairFeeds } from './feeds.js'
import { loadShow, readCatalog, readCatalogForBuild, readShowConfig } from './load.js'
import { withShowLock } from './lock.js'
import { episodeFiles, type ShowPaths } from '../model/paths.js'
import { claimReleased, placeFile, reserveSlug, sameBytesClaim, sweepLeftovers, tempPath, type PendingClaim } from './reservations.js'
import { slugify } from './slug.js'
import { torrentUrlsFor } from './torrent-urls.js'
import { urlsOf } from './episode-list.js'
import type { Episode, ShowConfig } from '../model/show.js'
import { clock } from '../clock.js'

export interface PublishOptions extends EpisodeExtraOptions {
  title?: string
  description?: string
  /** Publication date; now when not given. */
  date?: Date | string
  season?: number
  episode?: number
  draft?: boolean
  /** Defaults to the show's explicit flag. */
  explicit?: boolean
  /**
   * The episode's RSS guid when it already has one (an imported episode keeps the GUID its
   * old host gave it, so subscribers see no duplicate); a new UUID otherwise. Publishing a
   * GUID the show already has adds nothing (the result says duplicate).
   */
  guid?: string
  /** Show notes already rendered (an imported episode's HTML description, sanitised). */
  renderedNotes?: ShowNotes
  /** Hashing progress in bytes. */
  onProgress?: (done: number, total: number) => void
  /**
   * Called when another running publish (its process id: this process's own for another
   * publish in it, as the server's API makes) has claimed the same bytes:
   * this one waits for it, then reports its episode as the duplicate, or goes on if it failed.
   */
  onWaitForTwin?: (pid: number) => void
  signal?: AbortSignal
}

export interface PublishResult {
  episode: Episode
  /** True when the same bytes were already published: nothing was added. */
  duplicate: boolean
  mediaUrl: string
  torrentUrl: string
  magnet: string
  /** Absolute paths of the feeds. */
  feeds: Record<string, string>
  /** Things worth telling the podcaster, e.g. cover art in the tags that was not used. */
  notes: string[]
}

/**
 * Publishes a media file as a new episode of the show in `showDir`.
 *
 * Order of work, so that a crash at any moment leaves a valid show: probe and check
 * everything (nothing written yet); copy the media into .seedcast/tmp while hashing it
 * once (SHA-1 pieces and SHA-256) outside the lock, so parallel publishers hash in
 * parallel; claim a slug (or find the bytes already published); put the .torrent,
 * chapters and media in public/ (files no catalog entry points to yet are harmless);
 * then, holding the lock, check again for the same bytes, add the episode to the catalog
 * and rewrite the feeds.
 */
export async function publish (showDir: string, mediaPath: string, options: PublishOptions = {}): Promise<PublishResult> {
  const dir = resolve(showDir)
  await repairFeeds(dir)
  const { paths, config, catalog } = await loadShow(dir)
  const media = await probeMedia(mediaPath)
  const source = await stat(mediaPath)
  const extras = await readEpisodeExtras(options, media.duration)
  if (options.renderedNotes && !extras.notes) extras.notes = options.renderedNotes
  const guid = options.guid?.trim() || uuidv4()
  const known = catalog.episodes.find(episode => episode.guid === guid)
  if (known) return duplicateResult(paths, config, known)
  const fields = episodeFields(media, mediaPath, config, options, extras)
  const chapters = extras.chapters ?? media.chapters

  await mkdir(paths.tmpDir, { recursive: true }).catch(error => { throw fileError(error, paths.tmpDir, 'create') })
  await mkdir(paths.reservationsDir, { recursive: true }).catch(error => { throw fileError(error, paths.reservationsDir, 'create') })
  const temp = tempPath(paths, media.extension)
  const placed: string[] = []
  let claim: { slug: string, release: () => Promise<void> } | undefined
  try {
    const { hashedInput, sha256, faststartNote } = await takeMedia(mediaPath, temp, media.extension, source, options)

    const claimed = await claimSlug(dir, paths, slugify(fields.title), sha256, options)
    if ('twin' in claimed) return duplicateResult(paths, await readShowConfig(paths), claimed.twin)
    claim = claimed
    const slug = claim.slug
    const files = episodeFiles(slug, media.extension)
    const mediaUrl = publicUrl(config, files.mediaPath)
    const torrent = assembleTorrent(hashedInput, {
      name: basename(files.mediaPath),
      announce: showTrackers(config).map(tracker => [tracker]),
      webSeeds: [mediaUrl],
      createdBy: 'seedcast',
      creationDate: new Date(fields.pubDate)
    })

    const notes: string[] = faststartNote ? [faststartNote] : []
    if (!extras.chapters) for (const chapter of media.chaptersPastTheEnd ?? []) notes.push(`the file's chapter "${chapter.title}" starts at ${clock(chapter.startTime)}, past the end of the media (${clock(media.duration)}): left out`)
    // The art given (--image) before the tags' (none at all with --image "").
    const art = extras.image === null ? undefined : extras.image ?? episodeArt(media, notes)

    const episode: Episode = {
      slug,
      guid,
      ...fields,
      duration: media.duration,
      mimeType: media.mimeType,
      length: torrent.length,
      mediaPath: files.mediaPath,
      torrentPath: files.torrentPath,
      ...(chapters.length ? { chaptersPath: files.chaptersPath } : {}),
      ...(extras.transcript ? { transcriptPath: transcriptPath(slug, extras.transcript), transcriptType: extras.transcript.mimeType } : {}),
      ...(art ? { imagePath: imagePath(slug, art) } : {}),
      infoHash: torrent.infoHash,
      sha256,
      pieceLength: torrent.pieceLength
    }

    placed.push(join(paths.publicDir, files.torrentPath))
    await mkdir(paths.torrentsDir, { recursive: true })
    await placeFile(paths, join(paths.publicDir, files.torrentPath), torrent.torrent)
    await placeExtraFiles(paths, slug, { ...extras, image: art }, chapters, files.chaptersPath, placed)
    placed.push(join(paths.publicDir, files.mediaPath))
    await mkdir(paths.mediaDir, { recursive: true })
    await rename(temp, join(paths.publicDir, files.mediaPath)).catch(error => { throw fileError(error, join(paths.publicDir, files.mediaPath), 'write') })

    return await withShowLock(dir, async () => {
      // With each entry's hash, so the feeds hash only the new one (the rest are not changed here).
      const { catalog: current, hashes } = await readCatalogForBuild(paths)
      // show.json as it is now: a `show edit` may have landed while this file was hashed.
      // Its base URL and trackers then go into this .torrent too (outside the info
      // dictionary), and the feeds are written from it, not from the config read at the start.
      const latest = await readShowConfig(paths)
      const twin = current.episodes.find(other => other.sha256 === sha256 || other.guid === guid)
      if (twin) {
        await Promise.all(placed.map(path => rm(path, { force: true })))
        return duplicateResult(paths, latest, twin)
      }
      if (current.episodes.some(other => other.slug === slug)) throw new Error(`slug ${slug} taken while reserved`)
      if (options.explicit === undefined) episode.explicit = latest.explicit
      if (latest.baseUrl !== config.baseUrl || !isDeepStrictEqual(latest.trackers, config.trackers)) {
        await placeFile(paths, join(paths.publicDir, files.torrentPath), retargetTorrent(torrent.torrent, torrentUrlsFor(latest, episode, [mediaUrl])))
      }
      current.episodes.push(episode)
      const feeds = await commitCatalog(paths, latest, current, hashes)
      return { ...urlsOf(latest, episode), episode, duplicate: false, feeds, notes }
    })
  } catch (error) {
    await Promise.all(placed.map(path => rm(path, { force: true })))
    throw error
  } finally {
    await rm(temp, { force: true })
    await claim?.release()
  }
}

/** How long a publisher waits for another publishing the same bytes before going on alone. */
const SAME_BYTES_WAIT_MS = 60_000

/**
 * Claims a slug for media with this SHA-256, or finds the episode that already has these
 * bytes. Claims are made, and stale ones (of killed publishers) taken over, one publisher
 * at a time under the show lock: two publishers taking over the same stale claim at once
 * could otherwise each delete the other's fresh claim. It is held for a few file
 * operations. When another live publisher holds a claim for the same bytes, this one
 * waits for it to commit (or fail) and looks again, so the same bytes published twice at
 * once take one slug, the lowest free.
 */
async function claimSlug (dir: string, paths: ShowPaths, base: string, sha256: string, options: Pick<PublishOptions, 'onWaitForTwin' | 'signal'>): Promise<{ slug: string, release: () => Promise<void> } | { twin: Episode }> {
  const deadline = Date.now() + SAME_BYTES_WAIT_MS
  for (;;) {
    const outcome: { slug: string, release: () => Promise<void> } | { twin: Episode } | { pending: PendingClaim } = await withShowLock(dir, async () => {
      await sweepLeftovers(paths)
      const twin = (await readCatalog(paths)).episodes.find(episode => episode.sha256 === sha256)
      if (twin) return { twin }
      const pending = Date.now() < deadline ? await sameBytesClaim(paths, sha256) : undefined
      if (pending) return { pending }
      return reserveSlug(paths, base, sha256, async () => new Set((await readCatalog(paths)).episodes.map(episode => episode.slug)))
    })
    if (!('pending' in outcome)) return outcome
    options.onWaitForTwin?.(outcome.pending.pid)
    await claimReleased(outcome.pending, Math.max(0, deadline - Date.now()), options.signal)
  }
}

/** Cover art from the tags, when podcast apps would take it as episode art (else a note says why not). */
function episodeArt (media: EpisodeMedia, notes: string[]): CoverImage | undefined {
  if (!media.cover) return undefined
  try {
    return checkCover(media.cover.data, 'cover art in the tags')
  } catch (error) {
    if (!(error instanceof SeedcastError)) throw error
    notes.push(`${error.message}: not used as episode art (${error.hint})`)
    return undefined
  }
}

function episodeFields (media: EpisodeMedia, mediaPath: string, config: ShowConfig, options: PublishOptions, extras: EpisodeExtras) {
  const title = checkTitle(options.title) ?? media.title ?? basename(mediaPath, extname(mediaPath))
  const season = checkPositiveInteger(options.season, 'season')
  const number = checkPositiveInteger(options.episode, 'episode')
  return {
    title,
    description: options.description?.trim() || extras.notes?.text || media.description || title,
    pubDate: publicationDate(options.date ?? new Date()),
    ...(season ? { season } : {}),
    ...(number ? { episode: number } : {}),
    explicit: options.explicit ?? config.explicit,
    draft: options.draft ?? false,
    ...(extras.type && extras.type !== 'full' ? { type: extras.type } : {}),
    ...(extras.notes ? { notesHtml: extras.notes.html } : {}),
    ...(extras.persons?.length ? { persons: extras.persons } : {})
  }
}

function duplicateResult (paths: ShowPaths, config: ShowConfig, episode: Episode): PublishResult {
  return { ...urlsOf(config, episode), episode, duplicate: true, feeds: feedPaths(paths), notes: [] }
}
