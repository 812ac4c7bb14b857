// SeedStore (the seeder's read-only piece store) against the real files: blocks inside
// one file and across file boundaries, through the inline and the thread-pool reads,
// with the header room in front that wire-framing.ts relies on, and the pool of sent
// block buffers (releaseFramedBlock).
import { randomBytes } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { framedBlocks, PIECE_HEADER_LENGTH, releaseFramedBlock, SeedStore } from '../../src/swarm/seed/store.js'
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

  it('rejects bad ranges, writes and reads after close', async () => {
    const store = new SeedStore(PIECE, { path: dir, files, length: all.length })
    await expect(get(store, 0, { offset: PIECE - 10, length: 20 })).rejects.toThrow(/Invalid offset/)
    await expect(new Promise((resolve, reject) => store.put(0, new Uint8Array(1), err => err ? reject(err) : resolve(null)))).rejects.toThrow(/read-only/)
    await new Promise<void>(resolve => store.close(() => resolve()))
    await expect(get(store, 0, null)).rejects.toThrow(/closed/)
  })

  it('reports a file that is shorter than the torrent says', async () => {
    const short = join(dir, 'short.bin')
    await writeFile(short, randomBytes(100))
    const store = new SeedStore(PIECE, { path: dir, files: [{ path: 'short.bin', length: 1000, offset: 0 }], length: 1000 })
    await expect(get(store, 0, null)).rejects.toThrow(/end of file/)
    await new Promise<void>(resolve => store.close(() => resolve()))
  })
})
