import { readFileSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import writeFileAtomic from 'write-file-atomic'
import type { Metainfo } from '../../torrent/metainfo.js'
import { pathBelow } from '../../torrent/safe-path.js'

/**
 * `get`'s claim on the files it creates in the download folder, as aria2c's `<file>.aria2`:
 * `.seedcast-get-<infohash>.json` beside them, naming (by safe path) each file of the
 * torrent that get was about to create. It is written before the first byte of any of
 * them and removed once the download is complete and checked.
 *
 * Why: a file already in the folder that holds no verified piece of the torrent is
 * refused (it may be another show's episode.mp3, see files.ts foreignFiles). But get
 * itself leaves such a file when killed (kill -9, power cut) in the middle of its very
 * first piece write: a torn piece, nothing verified. Named in the claim of this torrent
 * and no longer than the torrent's file (get never writes past it), such a file is get's
 * own, and the next run takes it over instead of asking the listener to move it away.
 * A file the claim does not name is refused as before.
 */
export function claimPath (dataDir: string, infoHash: string): string {
  return join(dataDir, `.seedcast-get-${infoHash}.json`)
}

/** The safe paths an earlier `get` of this torrent claimed (none when there is no readable claim). */
export function readClaim (dataDir: string, infoHash: string): Set<string> {
  try {
    const claim = JSON.parse(readFileSync(claimPath(dataDir, infoHash), 'utf8')) as { infoHash?: unknown, files?: unknown }
    if (claim.infoHash !== infoHash || !Array.isArray(claim.files)) return new Set()
    return new Set(claim.files.filter((file): file is string => typeof file === 'string'))
  } catch {
    return new Set()
  }
}

/**
 * Of the files of `there` (in the folder before the download), those this torrent's claim
 * names and that are no longer than the torrent's file: get's own, to be taken over.
 */
export function claimedFiles (dataDir: string, layout: Metainfo, there: ReadonlySet<number>): Set<number> {
  const claimed = readClaim(dataDir, layout.infoHash)
  const ours = new Set<number>()
  for (const index of there) {
    const file = layout.files[index]!
    if (!claimed.has(file.safePath)) continue
    const size = statSync(pathBelow(dataDir, file.safePath), { throwIfNoEntry: false })?.size
    if (size !== undefined && size <= file.length) ours.add(index)
  }
  return ours
}

/**
 * Records the files this run may create or write (all selected files but those that
 * were there and are not get's own). Synchronous and before any data moves: the claim
 * must be on disk before the first byte it covers. Atomic (write-file-atomic: temporary
 * file, fsync, rename), so a kill leaves the old claim or the new one.
 */
export function writeClaim (dataDir: string, layout: Metainfo, indexes: Iterable<number>): void {
  const files = [...indexes].map(index => layout.files[index]!.safePath)
  if (files.length === 0) return
  writeFileAtomic.sync(claimPath(dataDir, layout.infoHash), JSON.stringify({ infoHash: layout.infoHash, name: layout.name, files }) + '\n')
}

/** The download is complete and checked: the files are the torrent's, the claim goes. */
export function removeClaim (dataDir: string, infoHash: string): void {
  rmSync(claimPath(dataDir, infoHash), { force: true })
}

/** Removes this torrent's claim when none of the files it names is on disk (nothing to take over). */
export function dropUnusedClaim (dataDir: string, layout: Metainfo): void {
  try {
    const claimed = readClaim(dataDir, layout.infoHash)
    if (claimed.size === 0) return
    for (const path of claimed) if (statSync(pathBelow(dataDir, path), { throwIfNoEntry: false })) return
    removeClaim(dataDir, layout.infoHash)
  } catch {
    // Best effort, on the way out of a failed download: a claim left is harmless.
  }
}
