// writeAtomicParts: a file given as parts (more than one writev takes, some empty) is
// written whole, atomically, keeping the mode of the file it replaces, leaving no temp file.
import { chmod, readFile, readdir, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { writeAtomicParts } from '../../src/atomic.ts'
import { tempDir } from '../helpers/tmp.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

describe('writeAtomicParts', () => {
  it('writes thousands of parts, empty ones included, as one file and keeps its mode', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const path = join(tmp.path, 'rss.xml')
    await writeFile(path, 'old')
    await chmod(path, 0o640)
    const big = Buffer.alloc(3 << 20, 'x')
    const parts = Array.from({ length: 3000 }, (_, at) => at % 7 === 0 ? Buffer.alloc(0) : Buffer.from(`<item ${at}>`))
    parts.splice(1500, 0, big)
    await writeAtomicParts(path, parts)
    expect((await readFile(path)).equals(Buffer.concat(parts))).toBe(true)
    expect((await stat(path)).mode & 0o777).toBe(0o640)
    expect(await readdir(tmp.path)).toEqual(['rss.xml'])
  })

  it('leaves the old file and no temp file when the folder is gone', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    await expect(writeAtomicParts(join(tmp.path, 'missing', 'feed.json'), [Buffer.from('{}')])).rejects.toThrow(/no such file or directory/)
    expect(await readdir(tmp.path)).toEqual([])
  })
})
