import { readdirSync, readlinkSync, rmSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileError } from '../../errors.js'

/**
 * A download's private temporary folder (the bytes that must not land in the output
 * folder: all of them with --stdout, and the parts of unselected files sharing a piece
 * with a selected one), removed on every way out of the process it can see:
 * - the download ending, well or not: `release()` (download.ts calls it in a finally);
 * - the process exiting before that, e.g. a second Ctrl-C (process.exit(130) in
 *   cli/stop-signals.ts runs no finally): a synchronous removal in an 'exit' listener;
 * - the process killed (kill -9, the OOM killer), which runs nothing: the folder's name
 *   carries the process id (and the PID namespace, so that a process of another container
 *   sharing the temporary folder is never taken for a dead one), and the next download
 *   removes the folders of processes that are gone.
 */
export interface Scratch { path: string, release: () => Promise<void> }

const PREFIX = 'seedcast-get-'
const live = new Set<string>()

function removeLive (): void {
  for (const path of live) {
    try { rmSync(path, { recursive: true, force: true }) } catch { /* best effort: the process is ending */ }
  }
  live.clear()
}

/** The PID namespace of this process (Linux), '0' where there is no /proc. */
function pidNamespace (): string {
  try {
    return /\[(\d+)\]/.exec(readlinkSync('/proc/self/ns/pid'))?.[1] ?? '0'
  } catch {
    return '0'
  }
}

function alive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists, as another user's process.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH'
  }
}

/**
 * Removes the scratch folders in `dir` left by processes of this PID namespace that no
 * longer run. Best effort: a folder that cannot be listed or removed (another user's) stays.
 */
export function sweepDeadScratch (dir = tmpdir()): string[] {
  const pattern = new RegExp(`^${PREFIX}${pidNamespace()}-(\\d+)-`)
  const removed: string[] = []
  let names: string[]
  try { names = readdirSync(dir) } catch { return removed }
  for (const name of names) {
    const pid = Number(pattern.exec(name)?.[1])
    if (!pid || pid === process.pid || alive(pid)) continue
    try {
      rmSync(join(dir, name), { recursive: true, force: true })
      removed.push(name)
    } catch { /* another user's, or gone meanwhile */ }
  }
  return removed
}

/** Makes the folder (after sweeping those of dead downloads) and registers it for removal at exit. */
export async function makeScratch (): Promise<Scratch> {
  const dir = tmpdir()
  sweepDeadScratch(dir)
  const path = await mkdtemp(join(dir, `${PREFIX}${pidNamespace()}-${process.pid}-`)).catch(error => { throw fileError(error, dir, 'create a folder in') })
  if (live.size === 0) process.on('exit', removeLive)
  live.add(path)
  return {
    path,
    release: async () => {
      await rm(path, { recursive: true, force: true })
      live.delete(path)
      if (live.size === 0) process.removeListener('exit', removeLive)
    }
  }
}
