import { randomUUID } from 'node:crypto'
import { createWriteStream, type WriteStream } from 'node:fs'
import { mkdir, readdir, rm } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { ShowPaths } from '../../model/paths.js'
import { processAlive } from '../../process-alive.js'

/**
 * Where uploads wait for publish: .seedcast/uploads/<pid>-<uuid>/<original name> (the name
 * kept so publish's title fallback and type detection see what the podcaster uploaded).
 * Never under public/, removed once published or refused, and swept at start when the
 * process that made them is gone.
 */
export function uploadsDir (paths: ShowPaths): string {
  return join(paths.stateDir, 'uploads')
}

/** A file name safe to keep: its last path segment, no control or path characters, not hidden. */
export function safeUploadName (name: string | undefined): string {
  // eslint-disable-next-line no-control-regex
  const cleaned = basename((name ?? '').replaceAll('\\', '/')).replace(/[\u0000-\u001f\u007f/:*?"<>|]/g, '_').replace(/^\.+/, '').slice(-200)
  return cleaned === '' ? 'upload' : cleaned
}

/** An upload being written: where, how to remove it, and when it is complete. */
export interface Upload { path: string, cleanup: () => Promise<void>, done: Promise<void> }

/**
 * Starts streaming `source` to a new upload folder. The caller removes it with cleanup
 * whatever happens; `done` settles when the file is complete or failed.
 */
export function receiveUpload (paths: ShowPaths, name: string | undefined, source: NodeJS.ReadableStream): Upload {
  const folder = join(uploadsDir(paths), `${process.pid}-${randomUUID()}`)
  const path = join(folder, safeUploadName(name))
  let cancelled = false
  let writer: WriteStream | undefined
  const made = mkdir(folder, { recursive: true })
  const cleanup = async () => {
    // A source that failed mid-part may never let the pipeline settle: stop writing here
    // (the folder is removed either way; a write still pending lands in an unlinked file).
    cancelled = true
    writer?.destroy()
    // An upload refused at once (413, a bad part) is cleaned up while its folder is still
    // being made: removing it before mkdir finished left the folder behind for good.
    await made.catch(() => {})
    await rm(folder, { recursive: true, force: true })
  }
  const done = made.then(async () => {
    if (cancelled) throw new Error('upload cancelled')
    writer = createWriteStream(path, { flags: 'wx' })
    await pipeline(source, writer)
  })
  return { path, cleanup, done }
}

/** Removes upload folders left by processes that no longer run (a crash mid-upload). */
export async function sweepUploads (paths: ShowPaths): Promise<void> {
  for (const name of await readdir(uploadsDir(paths)).catch(() => [] as string[])) {
    const pid = Number(name.split('-')[0])
    if (Number.isInteger(pid) && pid > 0 && !processAlive(pid)) await rm(join(uploadsDir(paths), name), { recursive: true, force: true })
  }
}

