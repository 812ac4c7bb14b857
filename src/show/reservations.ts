import { randomUUID } from 'node:crypto'
import { link, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileError } from '../errors.js'
import { writeAtomic } from '../atomic.js'
import { processAlive } from '../process-alive.js'
import type { ShowPaths } from '../model/paths.js'
import { slugCandidates } from './slug.js'

// Publishers place their files outside the show lock, so each claims its slug first: a
// file in .seedcast/reservations/ created exclusively, holding the claimant's pid and the
// SHA-256 of its media. A claim whose process is gone (killed) is stale and taken over;
// so are its temp files. reserveSlug, sameBytesClaim and sweepLeftovers run under the
// show lock (see publish), so a stale claim is removed by one publisher only; a claim is
// released by its owner without the lock.

// A claim also names itself (a random id): one process may publish several times at once
// (the server's API), so its pid alone does not tell its claims apart.
interface ClaimRecord { pid: number, sha256: string, id: string }

async function readClaim (path: string): Promise<ClaimRecord> {
  const [pid = '', sha256 = '', id = ''] = (await readFile(path, 'utf8').catch(() => '')).split('\n')
  return { pid: Number(pid), sha256, id }
}

async function claimantAlive (path: string): Promise<boolean> {
  const { pid } = await readClaim(path)
  return pid === process.pid || processAlive(pid)
}

/** Another publisher's claim: where it is, who made it (pid) and which claim it is. */
export interface PendingClaim { path: string, pid: number, id: string }

/**
 * The claim of another live publisher whose media has these bytes, if any: of another
 * process, or of this one (two uploads to the server at once). The caller holds no claim
 * when it asks. Publishing the same bytes twice at once must add one episode, under the
 * first claim's slug: were both to take a slug, the one committed second would find itself
 * a duplicate and free its slug, which may be the bare one, so the episode left would
 * carry a number.
 */
export async function sameBytesClaim (paths: ShowPaths, sha256: string): Promise<PendingClaim | undefined> {
  for (const name of await readdir(paths.reservationsDir).catch(() => [])) {
    const path = join(paths.reservationsDir, name)
    const { pid, sha256: claimed, id } = await readClaim(path)
    if (claimed === sha256 && (pid === process.pid || processAlive(pid))) return { path, pid, id }
  }
  return undefined
}

/**
 * Waits until `claim` is released or its process is gone; false when it still stands
 * after `timeoutMs` (a publisher stopped, not killed: the caller goes on without it). A
 * new claim of the same slug by another publisher is not it.
 */
export async function claimReleased (claim: PendingClaim, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const now = await readClaim(claim.path)
    if (now.pid !== claim.pid || now.id !== claim.id || !processAlive(claim.pid)) return true
    await sleep(CLAIM_POLL_MS, undefined, { signal })
  }
  return false
}

/** A claimed publish has only its files to move and the catalog to commit: this polls often. */
const CLAIM_POLL_MS = 25

/**
 * Claims the first free slug among base, base-2, base-3... The catalog is read again
 * after each claim: a publisher commits while holding its claim, so a slug missing from
 * the catalog read after we hold its claim cannot be committed by anyone else.
 */
export async function reserveSlug (paths: ShowPaths, base: string, sha256: string, catalogSlugs: () => Promise<Set<string>>): Promise<{ slug: string, release: () => Promise<void> }> {
  for (const slug of slugCandidates(base)) {
    const path = join(paths.reservationsDir, slug)
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await createClaim(paths, path, sha256)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw fileError(error, path, 'create')
        if (await claimantAlive(path)) break
        await rm(path, { force: true }) // stale: its publisher was killed
        continue
      }
      const release = () => rm(path, { force: true })
      if (!(await catalogSlugs()).has(slug)) return { slug, release }
      await release()
      break
    }
  }
  throw new Error('unreachable: slug candidates are endless')
}

/**
 * Creates the claim file with our pid and media hash already in it: written under
 * .seedcast/tmp, then hard-linked into place (EEXIST when the slug is claimed). A claim
 * created empty and written afterwards looks stale (no live pid) to a publisher that
 * reads it in between, which then takes it over: two publishers on one slug.
 */
async function createClaim (paths: ShowPaths, path: string, sha256: string): Promise<void> {
  const temp = tempPath(paths, 'claim')
  try {
    await writeFile(temp, `${process.pid}\n${sha256}\n${randomUUID()}\n`)
    await link(temp, path)
  } finally {
    await rm(temp, { force: true })
  }
}

/** A temp file name in .seedcast/tmp/ that says which process made it. */
export function tempPath (paths: ShowPaths, extension: string): string {
  return join(paths.tmpDir, `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}.${extension}`)
}

/**
 * Puts a new file into public/ from outside the lock: written and synced under
 * .seedcast/tmp (where a killed run's leftovers are swept by pid), then renamed into place.
 */
export async function placeFile (paths: ShowPaths, destination: string, data: string | Buffer): Promise<void> {
  const temp = tempPath(paths, 'part')
  try {
    await writeAtomic(temp, data)
    await rename(temp, destination).catch(error => { throw fileError(error, destination, 'write') })
  } finally {
    await rm(temp, { force: true })
  }
}

/** Removes temp files and slug claims left by killed publishers. */
export async function sweepLeftovers (paths: ShowPaths): Promise<void> {
  const tempFiles = await readdir(paths.tmpDir).catch(() => [])
  for (const name of tempFiles) {
    const pid = Number(name.split('-')[0])
    if (!processAlive(pid)) await rm(join(paths.tmpDir, name), { force: true })
  }
  const claims = await readdir(paths.reservationsDir).catch(() => [])
  for (const name of claims) {
    const path = join(paths.reservationsDir, name)
    if (!await claimantAlive(path)) await rm(path, { force: true })
  }
}
