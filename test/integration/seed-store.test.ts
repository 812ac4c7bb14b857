// SeedStore (the seeder's read-only piece store) against the real files: blocks inside
// one file and across file boundaries, through the inline and the thread-pool reads,
// with the header room in front that wire-framing.ts relies on, and the pool of sent
// block buffers (releaseFramedBlock).
import { randomBytes } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { framedBlocks, PIECE_HEADER_LENGTH, releaseFramedBlock, SeedStore } from '../../src/swarm/seed/store.js'
import { parseMetainfo } from '../../src/torrent/metainfo.js'
import { oddTorrent } from '../helpers/odd-torrents.js'
import { tempDir } from '../helpers/tmp.js'

const PIECE = 16384
const sizes = [10_000, 40_000, 1, 25_000]
let dir: string
let cleanup: () => Promise<void>
let all: Buffer
const files: Array<{ path: string, length: number, offset: number }> = []

beforeAll(async () => {
  ({ path: dir, cleanup } = await tempDir('seedcast-store-'))
  await mkdir(join(dir, 'album'))
  const parts: Buffer[] = []
  let offset = 0
  for (const [index, length] of sizes.entries()) {
    const bytes = randomBytes(length)
    await writeFile(join(dir, 'album', `${index}.bin`), bytes)
    files.push({ path: `album/${index}.bin`, length, offset })
    parts.push(bytes)
    offset += length
  }
  all = Buffer.concat(parts)
})
afterAll(() => cleanup())

function get (store: SeedStore, index: number, opts: { offset?: number, length?: number } | null): Promise<Uint8Array> {
  return new Promise((resolve, reject) => store.get(index, opts, (err, buf) => err ? reject(err) : resolve(buf!)))
}

describe('SeedStore', () => {
  for (const mode of ['inline', 'thread pool'] as const) {
    it(`serves every block of a multi-file torrent (${mode} reads)`, async () => {
      const store = new SeedStore(PIECE, { path: dir, files, length: all.length })
      if (mode === 'thread pool') (store as unknown as { asyncUntil: number }).asyncUntil = Infinity
      const pieces = Math.ceil(all.length / PIECE)
      for (let index = 0; index < pieces; index++) {
        const pieceLength = Math.min(PIECE, all.length - index * PIECE)
        for (let offset = 0; offset < pieceLength; offset += 5000) {
          const length = Math.min(5000, pieceLength - offset)
          const block = await get(store, index, { offset, length })
          expect(Buffer.from(block).equals(all.subarray(index * PIECE + offset, index * PIECE + offset + length))).toBe(true)
          expect(block.byteOffset).toBe(PIECE_HEADER_LENGTH)
          expect(framedBlocks.has(block.buffer)).toBe(true)
        }
        const whole = await get(store, index, null)
        expect(Buffer.from(whole).equals(all.subarray(index * PIECE, index * PIECE + pieceLength))).toBe(true)
      }
      await new Promise<void>(resolve => store.close(() => resolve()))
    })
  }

  it('reuses a sent 16 KiB block buffer for the next block, and nothing else', async () => {
    const store = new SeedStore(PIECE, { path: dir, files, length: all.length })
    const first = await get(store, 1, null)
    expect(first.length).toBe(PIECE)
    const sent = new Uint8Array(first.buffer, 0, PIECE_HEADER_LENGTH + PIECE) // what the socket wrote
    releaseFramedBlock(sent)
    const second = await get(store, 2, null)
    expect(second.buffer).toBe(first.buffer)
    expect(Buffer.from(second).equals(all.subarray(2 * PIECE, 3 * PIECE))).toBe(true)
    // Not whole framed blocks (a part of one, a foreign buffer, a short block): never pooled.
    releaseFramedBlock(new Uint8Array(second.buffer, 0, PIECE_HEADER_LENGTH))
    releaseFramedBlock(new Uint8Array(PIECE_HEADER_LENGTH + PIECE))
    const short = await get(store, 0, { offset: 0, length: 100 })
    releaseFramedBlock(new Uint8Array(short.buffer))
    const third = await get(store, 3, null)
    expect(third.buffer).not.toBe(second.buffer)
    expect(Buffer.from(third).equals(all.subarray(3 * PIECE, 4 * PIECE))).toBe(true)
    expect(Buffer.from(second).equals(all.subarray(2 * PIECE, 3 * PIECE))).toBe(true)
    await new Promise<void>(resolve => store.close(() => resolve()))
  })

  it('given the metainfo, reads files at their safe paths and serves pad files as zeros without files on disk', async () => {
    // a.mp3 [0, 20000), a pad with no path [20000, 65536) (pieces 2 and 3 are only
    // padding), a symlink, b.mp3 at an unsafe path, a pad with a path, c.mp3.
    const odd = oddTorrent('odd', [
      { path: ['a.mp3'], length: 20000 },
      { attr: 'p', length: 65536 - 20000 },
      { attr: 'l', path: ['link.mp3'], symlinkPath: ['a.mp3'] },
      { path: ['..', 'b.mp3'], length: 500 },
      { attr: 'p', path: ['.pad', '1000'], length: 1000 },
      { path: ['c.mp3'], length: 30000 }
    ], { pieceLength: PIECE })
    const metainfo = parseMetainfo(odd.bytes)
    const root = join(dir, 'odd-seed')
    for (const [index, file] of metainfo.files.entries()) {
      if (file.pad || file.symlink) continue
      await mkdir(join(root, file.safePath, '..'), { recursive: true })
      await writeFile(join(root, file.safePath), odd.data[index]!)
    }
    expect(metainfo.files.map(file => file.safePath)).toEqual(['odd/a.mp3', '.pad/45536', 'odd/link.mp3', 'odd/b.mp3', 'odd/.pad/1000', 'odd/c.mp3'])
    const store = new SeedStore(PIECE, { path: root, metainfo, length: metainfo.length })
    // A sent block back in the pool first: a reused buffer must not leak old bytes into a pad.
    const dirty = await get(store, 0, null)
    dirty.fill(0xee)
    releaseFramedBlock(new Uint8Array(dirty.buffer, 0, PIECE_HEADER_LENGTH + PIECE))
    for (let index = 0; index < metainfo.pieceCount; index++) {
      const pieceLength = Math.min(PIECE, metainfo.length - index * PIECE)
      const whole = await get(store, index, null)
      expect(Buffer.from(whole).equals(odd.stream.subarray(index * PIECE, index * PIECE + pieceLength)), `piece ${index}`).toBe(true)
      const block = await get(store, index, { offset: 100, length: 5000 })
      expect(Buffer.from(block).equals(odd.stream.subarray(index * PIECE + 100, index * PIECE + 5100)), `piece ${index} block`).toBe(true)
    }
    expect(odd.stream.subarray(2 * PIECE, 4 * PIECE).every(byte => byte === 0)).toBe(true)
    await new Promise<void>(resolve => store.close(() => resolve()))
  })

  it('rejects bad ranges, writes and reads after close', async () => {
    const store = new SeedStore(PIECE, { path: dir, files, length: all.length })
    await expect(get(store, 0, { offset: PIECE - 10, length: 20 })).rejects.toThrow(/Invalid offset/)
    await expect(new Promise((resolve, reject) => store.put(0, new Uint8Array(1), err => err ? reject(err) : resolve(null)))).rejects.toThrow(/read-only/)
    await new Promise<void>(resolve => store.close(() => resolve()))
    await expect(get(store, 0, null)).rejects.toThrow(/closed/)
  })

  it('reports a file that is shorter than the torrent says, to the caller and to onDataLost', async () => {
    const short = join(dir, 'short.bin')
    await writeFile(short, randomBytes(100))
    const lost: string[] = []
    const store = new SeedStore(PIECE, { path: dir, files: [{ path: 'short.bin', length: 1000, offset: 0 }], length: 1000, onDataLost: err => lost.push(err.message) })
    const message = `${short}: shorter than the torrent says (the file was cut or replaced)`
    await expect(get(store, 0, null)).rejects.toThrow(message)
    expect(lost).toEqual([message])
    await new Promise<void>(resolve => store.close(() => resolve()))
  })
})
