import { readFile, readdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import writeFileAtomic from 'write-file-atomic'
import type { Metainfo, MetainfoFile } from '../torrent/metainfo.js'
import { pathBelow } from '../torrent/safe-path.js'

/**
 * Fast resume: after a torrent's data has been verified, the size and mtime of each of
 * its files are recorded in `<stateDir>/resume/<infohash>.json`. On the next start a
 * file whose size and mtime are unchanged is trusted without hashing; a changed file
 * has the pieces it touches hashed again. (A rewrite that keeps both the size and the
 * mtime to the millisecond goes unnoticed; that is the usual trade-off of fast resume.)
 */
export interface ResumeState {
  version: 1
  infoHash: string
  name: string
  pieceCount: number
  files: Array<{ path: string, size: number, mtimeMs: number }>
  verifiedAt: string
}

/** One data file as found on disk; `path` is its safe path (relative to the data folder). */
export interface FileSnapshot { path: string, size: number, mtimeMs: number }

/**
 * The files of a torrent that hold bytes on disk, with their index in `metainfo.files`:
 * not BEP 47 pad files (zeros, never on disk), not symlinks, not empty files (no piece
 * holds them, so a seeder never reads them).
 */
export function dataFiles (metainfo: Metainfo): Array<{ index: number, file: MetainfoFile }> {
  return metainfo.files.flatMap((file, index) => file.pad || file.symlink || file.length === 0 ? [] : [{ index, file }])
}

export function resumePath (stateDir: string, infoHash: string): string {
  return join(stateDir, 'resume', `${infoHash}.json`)
}

export async function loadResumeState (stateDir: string, infoHash: string): Promise<ResumeState | undefined> {
  try {
    const state = JSON.parse(await readFile(resumePath(stateDir, infoHash), 'utf8')) as ResumeState
    return state.version === 1 && state.infoHash === infoHash && Array.isArray(state.files) ? state : undefined
  } catch {
    return undefined // absent or unreadable: verify from scratch
  }
}

export async function saveResumeState (stateDir: string, meta: Metainfo, files: FileSnapshot[]): Promise<void> {
  const state: ResumeState = {
    version: 1,
    infoHash: meta.infoHash,
    name: meta.name,
    pieceCount: meta.pieceCount,
    files,
    verifiedAt: new Date().toISOString()
  }
  await writeFileAtomic(resumePath(stateDir, meta.infoHash), JSON.stringify(state) + '\n')
}

/**
 * Deletes a torrent's fast-resume state, once its files are gone for good (follow's
 * retention, `follow remove`): kept, the state folder grows by one file per episode a
 * box ever seeded.
 */
export async function forgetResumeState (stateDir: string, infoHash: string): Promise<void> {
  await rm(resumePath(stateDir, infoHash), { force: true })
}

/** A temporary file this old is no live writer's (another seeder may share the folder; its writes last milliseconds). */
const LEFTOVER_AGE_MS = 60_000

/**
 * Removes the temporary files ("<infohash>.json.<digits>", write-file-atomic's) of resume
 * states whose writer was killed in mid-write: nothing else ever removed them (15 were
 * left by one SIGKILL of a follower checking 200 episodes at start). Run as a seeder starts.
 */
export async function removeResumeLeftovers (stateDir: string): Promise<void> {
  const dir = join(stateDir, 'resume')
  const names = await readdir(dir).catch(() => [] as string[])
  for (const name of names) {
    if (!/^[0-9a-f]{40}\.json\.\d+$/.test(name)) continue
    const info = await stat(join(dir, name)).catch(() => undefined)
    if (info && Date.now() - info.mtimeMs > LEFTOVER_AGE_MS) await rm(join(dir, name), { force: true }).catch(() => {})
  }
}

/** Size and mtime of each of dataFiles(meta) below `dataPath`; `undefined` entries are missing files. */
export async function snapshotFiles (meta: Metainfo, dataPath: string): Promise<Array<FileSnapshot | undefined>> {
  return Promise.all(dataFiles(meta).map(async ({ file }) => {
    try {
      const info = await stat(pathBelow(dataPath, file.safePath))
      return info.isFile() ? { path: file.safePath, size: info.size, mtimeMs: info.mtimeMs } : undefined
    } catch {
      return undefined
    }
  }))
}

/** Positions in `snapshot` of the files that differ from the saved state (all when there is none). */
export function changedFiles (state: ResumeState | undefined, snapshot: FileSnapshot[]): number[] {
  return snapshot.flatMap((file, index) => {
    const saved = state?.files[index]
    return saved && saved.path === file.path && saved.size === file.size && saved.mtimeMs === file.mtimeMs ? [] : [index]
  })
}
