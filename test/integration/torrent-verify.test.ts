import { randomBytes } from 'node:crypto'
import { mkdir, open, rm, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTorrent } from '../../src/torrent/create.js'
import { verifyTorrent } from '../../src/torrent/verify.js'
import { hashStats } from '../../src/torrent/hash-stats.js'
import { tempDir } from '../helpers/tmp.js'

const PIECE = 16384
let dir: Awaited<ReturnType<typeof tempDir>>
let show: string
let torrent: Buffer

// Layout (offsets in the piece stream): a.mp3 [0, 40000), b/c.mp3 [40000, 90000), d.txt [90000, 90010), empty;
// pieces of 16 KiB: 0..5, the last one [81920, 90010).
beforeEach(async () => {
  dir = await tempDir()
  show = join(dir.path, 'show')
  await mkdir(join(show, 'b'), { recursive: true })
  await writeFile(join(show, 'a.mp3'), randomBytes(40000))
  await writeFile(join(show, 'empty'), '')
  await writeFile(join(show, 'b', 'c.mp3'), randomBytes(50000))
  await writeFile(join(show, 'd.txt'), randomBytes(10))
  torrent = (await createTorrent(show, { pieceLength: PIECE })).torrent
})
afterEach(() => dir.cleanup())

async function flipByte (path: string, position: number): Promise<void> {
  const handle = await open(path, 'r+')
  const byte = Buffer.alloc(1)
  await handle.read(byte, 0, 1, position)
  byte[0] = byte[0]! ^ 0xff
  await handle.write(byte, 0, 1, position)
  await handle.close()
}

describe('verifyTorrent', () => {
  it('passes intact data and counts every piece hashed', async () => {
    const before = hashStats.piecesHashed
    const progress: number[] = []
    const result = await verifyTorrent(torrent, show, { onProgress: done => progress.push(done) })
    expect(result).toEqual({
      totalPieces: 6, checkedPieces: 6, goodPieces: 6, badPieces: [], ok: true,
      files: [
        { path: 'show/a.mp3', safePath: 'show/a.mp3', length: 40000, status: 'ok', badPieces: [] },
        { path: 'show/b/c.mp3', safePath: 'show/b/c.mp3', length: 50000, status: 'ok', badPieces: [] },
        { path: 'show/d.txt', safePath: 'show/d.txt', length: 10, status: 'ok', badPieces: [] },
        { path: 'show/empty', safePath: 'show/empty', length: 0, status: 'ok', badPieces: [] }
      ]
    })
    expect(hashStats.piecesHashed - before).toBe(6)
    expect(progress.at(-1)).toBe(90010)
  })

  it('names the one bad piece and every file it touches', async () => {
    // Byte 35000 of a.mp3 lies in piece 2 = [32768, 49152), which also holds the start of b/c.mp3.
    await flipByte(join(show, 'a.mp3'), 35000)
    const result = await verifyTorrent(torrent, show)
    expect(result.ok).toBe(false)
    expect(result.badPieces).toEqual([2])
    expect(result.goodPieces).toBe(5)
    expect(result.files.map(file => [file.path, file.status, file.badPieces])).toEqual([
      ['show/a.mp3', 'bad', [2]], ['show/b/c.mp3', 'bad', [2]], ['show/d.txt', 'ok', []], ['show/empty', 'ok', []]
    ])
  })

  it('reports missing and wrong-size files and fails their pieces even if zeros would match', async () => {
    await rm(join(show, 'd.txt'))
    await truncate(join(show, 'b', 'c.mp3'), 45000) // its last 5000 bytes [85000, 90000) are gone: piece 5
    const result = await verifyTorrent(torrent, show)
    expect(result.badPieces).toEqual([5])
    expect(result.files.map(file => [file.path, file.status, file.badPieces])).toEqual([
      ['show/a.mp3', 'ok', []], ['show/b/c.mp3', 'wrong-size', [5]], ['show/d.txt', 'missing', [5]], ['show/empty', 'ok', []]
    ])
  })

  it('flags a longer file as wrong-size even when its pieces match', async () => {
    const handle = await open(join(show, 'd.txt'), 'a')
    await handle.write('extra')
    await handle.close()
    const result = await verifyTorrent(torrent, show)
    expect(result.badPieces).toEqual([])
    expect(result.files.find(file => file.path === 'show/d.txt')?.status).toBe('wrong-size')
    expect(result.ok).toBe(false)
  })

  it('checks only the pieces asked for: reads and counts only them, and finds a bad one among them', async () => {
    // Byte 35000 of a.mp3 lies in piece 2; d.txt (piece 5) is gone.
    await flipByte(join(show, 'a.mp3'), 35000)
    await rm(join(show, 'd.txt'))
    const before = hashStats.piecesHashed
    const progress: number[] = []
    const result = await verifyTorrent(torrent, show, { pieces: [4, 2, 0], onProgress: done => progress.push(done) })
    expect(hashStats.piecesHashed - before).toBe(3)
    expect(progress.at(-1)).toBe(3 * PIECE)
    expect(result).toMatchObject({ totalPieces: 6, checkedPieces: 3, goodPieces: 2, badPieces: [2], ok: false })
    // d.txt is missing (its file status says so) but its piece was not asked for, so it is not judged.
    expect(result.files.map(file => [file.path, file.status, file.badPieces])).toEqual([
      ['show/a.mp3', 'bad', [2]], ['show/b/c.mp3', 'bad', [2]], ['show/d.txt', 'missing', []], ['show/empty', 'ok', []]
    ])
    // The short last piece, with the missing file in it: bad, never zeros passing for data.
    expect(await verifyTorrent(torrent, show, { pieces: [5, 1] })).toMatchObject({ checkedPieces: 2, goodPieces: 1, badPieces: [5] })
    // Put right, the same subset passes.
    await flipByte(join(show, 'a.mp3'), 35000)
    expect(await verifyTorrent(torrent, show, { pieces: [2, 3, 4] })).toMatchObject({ checkedPieces: 3, goodPieces: 3, badPieces: [] })
  })

  it('finds a single file given itself or its folder, and refuses a file for a folder torrent', async () => {
    const single = (await createTorrent(join(show, 'b', 'c.mp3'), { pieceLength: PIECE })).torrent
    expect((await verifyTorrent(single, join(show, 'b', 'c.mp3'))).ok).toBe(true)
    expect((await verifyTorrent(single, join(show, 'b'))).ok).toBe(true)
    const elsewhere = await verifyTorrent(single, show)
    expect(elsewhere.files[0]).toMatchObject({ path: 'c.mp3', status: 'missing', badPieces: [0, 1, 2, 3] })
    await expect(verifyTorrent(torrent, join(show, 'a.mp3'))).rejects.toThrow(/is a file, but the torrent holds a folder/)
    await expect(verifyTorrent(torrent, join(dir.path, 'nope'))).rejects.toThrow(/nope: no such file or directory/)
  })

  it('reads the .torrent from a path too', async () => {
    const path = join(dir.path, 'show.torrent')
    await writeFile(path, torrent)
    expect((await verifyTorrent(path, show)).ok).toBe(true)
    await writeFile(path, torrent.subarray(0, 100))
    await expect(verifyTorrent(path, show)).rejects.toThrow(/show.torrent: truncated bencode/)
  })
})
