import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import { SeedcastError, fileError } from '../errors.js'
import { showTrackers } from '../feed/trackers.js'
import { publicUrl } from '../feed/urls.js'
import { probeMedia } from '../media/probe.js'
import type { ShowPaths } from '../model/paths.js'
import type { Catalog, Episode } from '../model/show.js'
import { assembleTorrent } from '../torrent/create.js'
import { findEpisode } from './episode-list.js'
import { commitCatalog, repairFeeds } from './feeds.js'
import { loadShow, readCatalog, readShowConfig } from './load.js'
import { withShowLock } from './lock.js'
import { takeMedia } from './media-intake.js'
import { placeFile, tempPath } from './reservations.js'

export interface ReplaceMediaOptions {
  onProgress?: (done: number, total: number) => void
  signal?: AbortSignal
}

export interface ReplacedMedia {
  episode: Episode
  /** The infohash the episode had: peers seeding it stop (serve --seed drops it). */
  previousInfoHash: string
  /** False when the file given is the episode's media already (nothing changed). */
  replaced: boolean
  notes: string[]
}

/**
 * Gives an episode new media (a fixed cut) without taking it out of the show: the same
 * GUID and slug, so podcast apps see the same episode and its page keeps its URL; a new
 * .torrent and infohash (the bytes changed), the media URL's extension the new file's.
 * Checked as publish checks (probe, the copy hashed once, a file that changes meanwhile
 * refused; bytes another episode already has are refused). The new media and .torrent get
 * new names (revisionFiles) and are in public/ before the catalog points at them; the old
 * ones are deleted only after. A running `serve --seed` sees the catalog change and seeds
 * the new infohash instead of the old.
 */
export async function replaceEpisodeMedia (showDir: string, ref: string, mediaPath: string, options: ReplaceMediaOptions = {}): Promise<ReplacedMedia> {
  const dir = resolve(showDir)
  await repairFeeds(dir)
  const { paths, catalog } = await loadShow(dir)
  const before = findEpisode(catalog, ref)
  const source = await stat(mediaPath).catch(error => { throw fileError(error, mediaPath, 'read') })
  const media = await probeMedia(mediaPath)
  await mkdir(paths.tmpDir, { recursive: true }).catch(error => { throw fileError(error, paths.tmpDir, 'create') })
  const temp = tempPath(paths, media.extension)
  const placed: string[] = []
  try {
    const { hashedInput, sha256, faststartNote } = await takeMedia(mediaPath, temp, media.extension, source, options)
    const notes = faststartNote ? [faststartNote] : []
    return await withShowLock(dir, async () => {
      const { catalog: current } = await loadShow(dir)
      const config = await readShowConfig(paths)
      const episode = findEpisode(current, before.guid)
      if (episode.sha256 === sha256) return { episode, previousInfoHash: episode.infoHash, replaced: false, notes: [...notes, `${basename(mediaPath)} is this episode's media already: nothing changed`] }
      const twin = current.episodes.find(other => other.sha256 === sha256)
      if (twin) throw new SeedcastError(`${basename(mediaPath)} is already the media of episode "${twin.slug}"`, { code: 'EEXIST', hint: 'give the new cut of this episode' })
      const files = revisionFiles(episode, sha256, media.extension)
      const torrent = assembleTorrent(hashedInput, {
        name: basename(files.mediaPath),
        announce: showTrackers(config).map(tracker => [tracker]),
        webSeeds: [publicUrl(config, files.mediaPath)],
        createdBy: 'seedcast',
        creationDate: new Date()
      })
      const edited: Episode = {
        ...episode,
        duration: media.duration,
        mimeType: media.mimeType,
        length: torrent.length,
        mediaPath: files.mediaPath,
        torrentPath: files.torrentPath,
        infoHash: torrent.infoHash,
        sha256,
        pieceLength: torrent.pieceLength
      }
      // New names, so nothing the catalog names is ever overwritten: the new files are placed,
      // then the catalog write switches to them in one rename, then the old files go. Killed at
      // any point, the show is the old episode whole or the new one whole; at worst the files of
      // the other are left beside it, swept by the next replace of this episode.
      await sweepRevisions(paths, current, episode.slug)
      await mkdir(paths.mediaDir, { recursive: true })
      await mkdir(paths.torrentsDir, { recursive: true })
      const newMedia = join(paths.publicDir, files.mediaPath)
      const newTorrent = join(paths.publicDir, files.torrentPath)
      placed.push(newMedia)
      await rename(temp, newMedia).catch(error => { throw fileError(error, newMedia, 'write') })
      placed.push(newTorrent)
      await placeFile(paths, newTorrent, torrent.torrent)
      current.episodes = current.episodes.map(other => other === episode ? edited : other)
      try {
        await commitCatalog(paths, config, current)
      } catch (error) {
        // Failed after the catalog was written (its feeds): the catalog names the new files,
        // which stay; the feeds are finished by the next command (repairFeeds).
        if (await catalogNames(paths, edited)) placed.length = 0
        throw error
      }
      placed.length = 0
      await Promise.all([episode.mediaPath, episode.torrentPath].map(path => rm(join(paths.publicDir, path), { force: true })))
      if (episode.chaptersPath && media.duration < episode.duration) notes.push(`the new media is shorter (${Math.round(media.duration)} s, was ${Math.round(episode.duration)} s): check the chapters (--chapters)`)
      return { episode: edited, previousInfoHash: episode.infoHash, replaced: true, notes }
    })
  } catch (error) {
    await Promise.all(placed.map(path => rm(path, { force: true })))
    throw error
  } finally {
    await rm(temp, { force: true })
  }
}

/**
 * Where the new media and .torrent go: the slug's names with a part of the new SHA-256 (hex)
 * in them (`media/<slug>.<hex>.<ext>`), never the names the episode has now. A slug has no dot,
 * so no other episode's file can be named so. The URL changes with the bytes: HTTP caches and
 * resumed downloads (If-Range) never take the new bytes for the old file's.
 */
function revisionFiles (episode: Episode, sha256: string, extension: string): { mediaPath: string, torrentPath: string } {
  const hex = Buffer.from(sha256, 'base64').toString('hex')
  const revision = (hex: string) => ({ mediaPath: `media/${episode.slug}.${hex}.${extension}`, torrentPath: `torrents/${episode.slug}.${hex}.torrent` })
  const short = revision(hex.slice(0, REVISION_HEX))
  // Two cuts whose SHA-256 begin alike: the whole hash keeps the names apart.
  return short.mediaPath === episode.mediaPath || short.torrentPath === episode.torrentPath ? revision(hex) : short
}

const REVISION_HEX = 12

/**
 * Removes the files of this slug's replacements (named as revisionFiles names them) that the
 * catalog does not name: what a replace killed before or after its catalog write left. Run
 * holding the show lock, which every replace places its files under.
 */
async function sweepRevisions (paths: ShowPaths, catalog: Catalog, slug: string): Promise<void> {
  const named = new Set(catalog.episodes.flatMap(episode => [episode.mediaPath, episode.torrentPath]))
  const pattern = new RegExp(`^${slug}\\.(?:[0-9a-f]{${REVISION_HEX}}|[0-9a-f]{64})\\.[a-z0-9]+$`)
  for (const folder of ['media', 'torrents']) {
    for (const name of await readdir(join(paths.publicDir, folder)).catch(() => [])) {
      const relative = `${folder}/${name}`
      if (pattern.test(name) && !named.has(relative) && (folder === 'media' || name.endsWith('.torrent'))) await rm(join(paths.publicDir, relative), { force: true })
    }
  }
}

/** Whether the catalog on disk has the episode as `edited` (its new media). */
async function catalogNames (paths: ShowPaths, edited: Episode): Promise<boolean> {
  const catalog = await readCatalog(paths).catch(() => undefined)
  return catalog?.episodes.some(episode => episode.guid === edited.guid && episode.sha256 === edited.sha256) ?? false
}
