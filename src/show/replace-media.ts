import { link, mkdir, rename, rm, stat } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import { SeedcastError, fileError } from '../errors.js'
import { showTrackers } from '../feed/trackers.js'
import { publicUrl } from '../feed/urls.js'
import { probeMedia } from '../media/probe.js'
import { episodeFiles } from '../model/paths.js'
import type { Episode } from '../model/show.js'
import { assembleTorrent } from '../torrent/create.js'
import { findEpisode } from './episode-list.js'
import { commitCatalog, repairFeeds } from './feeds.js'
import { loadShow, readShowConfig } from './load.js'
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
 * refused; bytes another episode already has are refused). The new .torrent and media are
 * in public/ before the catalog points at them, and the old media is deleted only after
 * (the .torrent keeps its name and is replaced in one rename; the media too when the
 * extension stays). A running `serve --seed` sees the catalog change and seeds the new
 * infohash instead of the old.
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
      const files = episodeFiles(episode.slug, media.extension)
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
      // The new files first; the old ones they replace under the same name (the .torrent
      // always, the media when its extension stays) are kept as hard links until the catalog
      // points at the new ones, and put back if that fails.
      const torrentFile = join(paths.publicDir, files.torrentPath)
      const newMedia = join(paths.publicDir, files.mediaPath)
      const oldMedia = join(paths.publicDir, episode.mediaPath)
      await mkdir(paths.mediaDir, { recursive: true })
      await mkdir(paths.torrentsDir, { recursive: true })
      const kept = await keepOld(paths, [join(paths.publicDir, episode.torrentPath), ...(newMedia === oldMedia ? [oldMedia] : [])])
      try {
        if (newMedia !== oldMedia) placed.push(newMedia)
        await rename(temp, newMedia).catch(error => { throw fileError(error, newMedia, 'write') })
        await placeFile(paths, torrentFile, torrent.torrent)
        current.episodes = current.episodes.map(other => other === episode ? edited : other)
        await commitCatalog(paths, config, current)
      } catch (error) {
        for (const { path, backup } of kept) await rename(backup, path).catch(() => {})
        throw error
      }
      placed.length = 0
      await Promise.all(kept.map(({ backup }) => rm(backup, { force: true })))
      // The old media under its other name, now that nothing points at it.
      if (newMedia !== oldMedia) await rm(oldMedia, { force: true })
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

/** Hard links under .seedcast/tmp to the files about to be replaced (those that exist). */
async function keepOld (paths: Parameters<typeof tempPath>[0], files: string[]): Promise<Array<{ path: string, backup: string }>> {
  const kept: Array<{ path: string, backup: string }> = []
  for (const path of files) {
    const backup = tempPath(paths, 'old')
    try {
      await link(path, backup)
      kept.push({ path, backup })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw fileError(error, path, 'read')
    }
  }
  return kept
}
