import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A fresh temp folder, removed by the returned cleanup. */
export async function tempDir (prefix = 'seedcast-test-'): Promise<{ path: string, cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix))
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) }
}

/**
 * `work` given a temp folder (tempDir's, or anything else with a cleanup, such as tempShow's),
 * cleaned up after it, whatever happens: `it('…', () => withTemp(tempDir(), async tmp => { … }))`.
 */
export async function withTemp<T extends { cleanup: () => Promise<void> }, R> (temp: Promise<T>, work: (temp: T) => Promise<R>): Promise<R> {
  const made = await temp
  try {
    return await work(made)
  } finally {
    await made.cleanup()
  }
}
