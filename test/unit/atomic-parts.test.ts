// writeAtomicParts: a file given as parts (more than one writev takes, some empty, spans of
// another file) is written whole, atomically, keeping the mode of the file it replaces,
// leaving no temp file.
import { chmod, open, readFile, readdir, stat, writeFile } from 'node:fs/promises'
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

  it('copies spans of another file, larger than its copy buffer and at any offset, between bytes', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    // 3.5 MiB of varied bytes: a copy that skipped, repeated or shifted a chunk would not match.
    const source = Buffer.alloc(3.5 * 1048576)
    for (let at = 0; at < source.length; at++) source[at] = (at * 7 + (at >> 12)) & 0xff
    await writeFile(join(tmp.path, 'old.xml'), source)
    const file = await open(join(tmp.path, 'old.xml'), 'r')
    try {
      const path = join(tmp.path, 'feed.xml')
      await writeAtomicParts(path, [Buffer.from('<head>'), { file, start: 1, end: 3 * 1048576 + 5 }, Buffer.from(','), { file, start: 0, end: 0 }, { file, start: 2_000_000, end: source.length }, Buffer.from('</tail>')])
      const expected = Buffer.concat([Buffer.from('<head>'), source.subarray(1, 3 * 1048576 + 5), Buffer.from(','), source.subarray(2_000_000), Buffer.from('</tail>')])
      expect((await readFile(path)).equals(expected)).toBe(true)
      expect(await readdir(tmp.path)).toEqual(['feed.xml', 'old.xml'])
    } finally {
      await file.close()
    }
  })

  it('copies spans of six files at once, each through a copy buffer of its own (kept buffers are lent to one copy at a time)', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    // Different bytes per file, spans over several copy buffers: a buffer shared by two copies at once would mix them.
    const sources = Array.from({ length: 6 }, (_, n) => {
      const bytes = Buffer.alloc(2.5 * 1048576 + n * 4099)
      for (let at = 0; at < bytes.length; at++) bytes[at] = (at * (n + 3) + (at >> 10) + n) & 0xff
      return bytes
    })
    const files = await Promise.all(sources.map(async (bytes, n) => {
      await writeFile(join(tmp.path, `old-${n}.xml`), bytes)
      return open(join(tmp.path, `old-${n}.xml`), 'r')
    }))
    try {
      for (let round = 0; round < 2; round++) {
        await Promise.all(files.map((file, n) => writeAtomicParts(join(tmp.path, `feed-${n}.xml`), [Buffer.from(`<${round}>`), { file, start: n, end: sources[n]!.length }])))
        for (const [n, bytes] of sources.entries()) {
          expect((await readFile(join(tmp.path, `feed-${n}.xml`))).equals(Buffer.concat([Buffer.from(`<${round}>`), bytes.subarray(n)]))).toBe(true)
        }
      }
    } finally {
      await Promise.all(files.map(file => file.close()))
    }
  })

  it('fails, keeping the old file and no temp file, when a span runs past the end of its file', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    await writeFile(join(tmp.path, 'old.xml'), 'short')
    await writeFile(join(tmp.path, 'feed.xml'), 'before')
    const file = await open(join(tmp.path, 'old.xml'), 'r')
    try {
      await expect(writeAtomicParts(join(tmp.path, 'feed.xml'), [Buffer.from('x'), { file, start: 2, end: 10 }])).rejects.toThrow(/ended early/)
    } finally {
      await file.close()
    }
    expect(await readFile(join(tmp.path, 'feed.xml'), 'utf8')).toBe('before')
    expect((await readdir(tmp.path)).sort()).toEqual(['feed.xml', 'old.xml'])
  })

  it('leaves the old file and no temp file when the folder is gone', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    await expect(writeAtomicParts(join(tmp.path, 'missing', 'feed.json'), [Buffer.from('{}')])).rejects.toThrow(/no such file or directory/)
    expect(await readdir(tmp.path)).toEqual([])
  })

  it('says the size and mtime the file has after the rename, when asked; a cache written without fsync is as whole', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const path = join(tmp.path, 'rss.xml')
    await writeFile(path, 'old')
    await chmod(path, 0o600)
    const written = await writeAtomicParts(path, [Buffer.from('<rss>'), Buffer.from('</rss>')], { stat: true })
    const info = await stat(path)
    expect(written).toEqual({ size: 11, mtimeMs: info.mtimeMs })
    expect(info.mode & 0o777).toBe(0o600)
    expect(await writeAtomicParts(join(tmp.path, 'feed-items.json'), [Buffer.from('{"keys":[]}')], { fsync: false })).toBeUndefined()
    expect(await readFile(join(tmp.path, 'feed-items.json'), 'utf8')).toBe('{"keys":[]}')
    expect((await readdir(tmp.path)).sort()).toEqual(['feed-items.json', 'rss.xml'])
  })
})
