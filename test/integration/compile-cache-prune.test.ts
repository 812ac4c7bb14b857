// The compile cache bin/run.js enables (~/.cache/seedcast/compile-cache) is bounded: Node
// adds a folder per Node version and a file per script path and never deletes any, so each
// upgrade left the old ones behind (304 MiB in 49,000 files here after a day of test runs).
import { mkdir, readdir, stat, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { pruneCompileCache } from '../../cli/compile-cache-prune.ts'
import { runCli } from '../helpers/cli.ts'
import { tempDir } from '../helpers/tmp.ts'
import { waitUntil } from './get-helpers.ts'

const DAY = 24 * 60 * 60 * 1000
const cleanups: Array<() => Promise<void>> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0)) await cleanup() })

const exists = (path: string) => stat(path).then(() => true, () => false)
async function aged (path: string, days: number): Promise<void> {
  const when = new Date(Date.now() - days * DAY)
  await utimes(path, when, when)
}

describe('the compile cache', () => {
  it('drops other Node versions\' folders unused for 30 days, and the oldest files past the size bound', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const base = tmp.path
    const current = join(base, 'v24.21.0-x64-aaaa-0')
    await mkdir(current)
    for (const [name, days] of [['v22.1.0-x64-old-0', 40], ['v24.20.0-x64-recent-0', 3]] as const) {
      await mkdir(join(base, name))
      await writeFile(join(base, name, 'entry'), Buffer.alloc(1000))
      await aged(join(base, name), days)
    }
    // Ten files of 1 kB written a day apart, oldest first.
    for (let n = 0; n < 10; n++) {
      await writeFile(join(current, `f${n}`), Buffer.alloc(1000))
      await aged(join(current, `f${n}`), 10 - n)
    }
    const result = pruneCompileCache(base, current, { otherFolderDays: 30, maxBytes: 8000, targetBytes: 4000 })
    expect(result).toEqual({ removedFolders: ['v22.1.0-x64-old-0'], removedFiles: 6, bytesLeft: 4000 })
    expect((await readdir(base)).sort()).toEqual(['v24.20.0-x64-recent-0', 'v24.21.0-x64-aaaa-0'])
    expect((await readdir(current)).sort()).toEqual(['f6', 'f7', 'f8', 'f9'])
    // Under the bound: nothing goes.
    expect(pruneCompileCache(base, current, { otherFolderDays: 30, maxBytes: 8000, targetBytes: 4000 })).toEqual({ removedFolders: [], removedFiles: 0, bytesLeft: 4000 })
  })

  it('is pruned by the CLI at most once a day, in a process the command does not wait for', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const base = join(tmp.path, 'seedcast', 'compile-cache')
    const stale = join(base, 'v20.0.0-x64-stale-0')
    await mkdir(stale, { recursive: true })
    await aged(stale, 40)
    const env = { XDG_CACHE_HOME: tmp.path, NODE_COMPILE_CACHE: '' }
    const first = await runCli(['--version'], { env })
    expect(first.code, first.stderr).toBe(0)
    await waitUntil(async () => !await exists(stale), 20_000, 'the stale folder pruned')
    expect(await exists(join(base, 'last-pruned'))).toBe(true)
    // The command's own cache is there and kept.
    const kept = (await readdir(base)).filter(name => name.startsWith('v'))
    expect(kept).toHaveLength(1)

    // Pruned less than a day ago: not again.
    await mkdir(stale)
    await aged(stale, 40)
    expect((await runCli(['--version'], { env })).code).toBe(0)
    expect(await exists(stale)).toBe(true)
  })
})
