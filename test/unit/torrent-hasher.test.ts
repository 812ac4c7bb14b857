import { createHash, randomBytes } from 'node:crypto'
import { truncate, writeFile } from 'node:fs/promises'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashStats } from '../../src/torrent/hash-stats.js'
import { hashWorkers, setHashWorkerIdleLifetime } from '../../src/torrent/hash-pool.js'
import { hashFiles, type HashSource } from '../../src/torrent/hasher.js'
import { laneBatch } from '../../src/torrent/hash-worker.js'
import { tempDir } from '../helpers/tmp.js'

// Odd sizes so pieces and 4 MiB read chunks straddle file boundaries; an empty file in the middle.
const SIZES = [3 * 1024 * 1024 + 17, 0, 5, 6 * 1024 * 1024 + 12345, 70001]
let dir: Awaited<ReturnType<typeof tempDir>>
let sources: HashSource[]
let contents: Buffer[]

function referencePieces (data: Buffer, pieceLength: number): Buffer {
  const digests: Buffer[] = []
  for (let start = 0; start < data.length; start += pieceLength) digests.push(createHash('sha1').update(data.subarray(start, start + pieceLength)).digest())
  return Buffer.concat(digests)
}

beforeAll(async () => {
  dir = await tempDir()
  contents = SIZES.map(size => randomBytes(size))
  sources = await Promise.all(contents.map(async (content, index) => {
    const absolutePath = join(dir.path, `f${index}`)
    await writeFile(absolutePath, content)
    return { absolutePath, length: content.length }
  }))
})
afterAll(() => dir.cleanup())

describe('hashFiles', () => {
  it.each([
    [16 * 1024, 0, false], [16 * 1024, 1, true], [16 * 1024, 2, false], [1024 * 1024, 1, true],
    [256 * 1024, 2, true], [8 * 1024 * 1024, 1, true], [16 * 1024 * 1024, 2, false]
  ])('pieces of %d bytes match a plain SHA-1 of the concatenation (workers %d, this thread too: %s)', async (pieceLength, threads, mainLane) => {
    const { pieces } = await hashFiles(sources, { pieceLength, threads, mainLane })
    expect(pieces.equals(referencePieces(Buffer.concat(contents), pieceLength))).toBe(true)
  })

  it('picks its own threads and gives the same result, with each file\'s SHA-256 from the same pass', async () => {
    const before = hashStats.piecesHashed
    const progress: number[] = []
    const { pieces, sha256 } = await hashFiles(sources, { pieceLength: 32768, sha256: true, onProgress: done => progress.push(done) })
    expect(pieces.equals(referencePieces(Buffer.concat(contents), 32768))).toBe(true)
    expect(sha256).toEqual(contents.map(content => createHash('sha256').update(content).digest('base64')))
    expect(hashStats.piecesHashed - before).toBe(pieces.length / 20)
    expect(progress.at(-1)).toBe(Buffer.concat(contents).length)
    expect(progress).toEqual([...progress].sort((a, b) => a - b))
  })

  it.each([
    [16 * 1024, [0]], [16 * 1024, [600, 3, 4, 5, 200, 201, 599]], [256 * 1024, [0, 1, 2, 35]], [1024 * 1024, [8, 2, 3]]
  ])('with pieces of %d bytes, a subset %j reads and hashes only those pieces, in ascending order, across file boundaries', async (pieceLength, subset) => {
    const whole = Buffer.concat(contents)
    const reference = referencePieces(whole, pieceLength)
    const count = reference.length / 20
    const asked = subset.map(piece => Math.min(piece, count - 1)) // the last piece is short: asked for on purpose
    const sorted = [...new Set(asked)].sort((a, b) => a - b)
    const before = hashStats.piecesHashed
    const progress: number[] = []
    const { pieces } = await hashFiles(sources, { pieceLength, pieces: asked, onProgress: done => progress.push(done) })
    expect(hashStats.piecesHashed - before).toBe(sorted.length)
    expect(pieces.equals(Buffer.concat(sorted.map(piece => reference.subarray(piece * 20, piece * 20 + 20))))).toBe(true)
    // Only the asked bytes were read.
    expect(progress.at(-1)).toBe(sorted.reduce((sum, piece) => sum + Math.min(pieceLength, whole.length - piece * pieceLength), 0))
  })

  it('a subset counts what a file is missing as zeros in verify mode, and refuses pieces that do not exist', async () => {
    const short = [{ ...sources[4]!, length: 70001 + 100, readable: 70001 }]
    const reference = referencePieces(Buffer.concat([contents[4]!, Buffer.alloc(100)]), 16384)
    const { pieces } = await hashFiles(short, { pieceLength: 16384, tolerateShortFiles: true, pieces: [4, 1] })
    expect(pieces.equals(Buffer.concat([reference.subarray(20, 40), reference.subarray(80, 100)]))).toBe(true)
    await expect(hashFiles(short, { pieceLength: 16384, pieces: [5] })).rejects.toThrow(/piece 5 is not one of the 5 pieces/)
    await expect(hashFiles(short, { pieceLength: 16384, pieces: [0], sha256: true })).rejects.toThrow(/sha256 needs every byte/)
  })

  it('pads unreadable tails with zeros in verify mode', async () => {
    const short = [{ ...sources[4]!, length: 70001 + 100, readable: 70001 }]
    const { pieces } = await hashFiles(short, { pieceLength: 16384, tolerateShortFiles: true })
    expect(pieces.equals(referencePieces(Buffer.concat([contents[4]!, Buffer.alloc(100)]), 16384))).toBe(true)
  })

  it('fails clearly when a file is shorter than listed (it shrank while hashing)', async () => {
    await expect(hashFiles([{ ...sources[4]!, length: 80000 }], { pieceLength: 16384 })).rejects.toThrow(/file shrank while it was being hashed/)
  })

  it('reports a worker\'s failure in the same words as this thread\'s: a file that shrank, a file that is gone', async () => {
    const shrunk = [{ ...sources[3]!, length: 7 * 1024 * 1024 }]
    await expect(hashFiles(shrunk, { pieceLength: 16384, threads: 1, mainLane: false })).rejects.toThrow(/file shrank while it was being hashed/)
    const gone = [sources[0]!, { absolutePath: join(dir.path, 'gone'), length: 5 }]
    await expect(hashFiles(gone, { pieceLength: 16384, threads: 1, mainLane: false })).rejects.toMatchObject({ code: 'ENOENT', message: expect.stringMatching(/gone: no such file or directory/) })
    await expect(hashFiles(gone, { pieceLength: 16384, threads: 0 })).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('leaves no file open when aborted across many files', async () => {
    const many = await Promise.all(Array.from({ length: 40 }, async (_, index) => {
      const absolutePath = join(dir.path, `many${index}`)
      await writeFile(absolutePath, Buffer.alloc(1024 * 1024 + index, index))
      return { absolutePath, length: 1024 * 1024 + index }
    }))
    const openFiles = () => readdirSync('/proc/self/fd').length
    const before = openFiles()
    const controller = new AbortController()
    await expect(hashFiles(many, { pieceLength: 16384, threads: 1, signal: controller.signal, onProgress: () => controller.abort() })).rejects.toThrow()
    // Reads queued before the abort settle on their own: wait (at most 5 s) for their descriptors to close.
    for (const deadline = Date.now() + 5000; openFiles() > before && Date.now() < deadline;) await new Promise(resolve => setTimeout(resolve, 10))
    expect(openFiles()).toBeLessThanOrEqual(before)
  })

  it('stops on abort with the signal\'s reason and hashes nothing more', async () => {
    const big = join(dir.path, 'big')
    const size = 256 * 1024 * 1024
    const pieceCount = size / 16384
    await writeFile(big, '')
    await truncate(big, size) // sparse: reads as zeros without disk
    const controller = new AbortController()
    const reason = new Error('stop here')
    const before = hashStats.piecesHashed
    // Aborted at this thread's first progress report. How many pieces the worker lane hashed
    // by then depends on when this thread got a core (2,304 at load 12): the count that
    // matters is what was hashed after the abort.
    let piecesAtAbort = -1
    const run = hashFiles([{ absolutePath: big, length: size }], {
      pieceLength: 16384, threads: 1, mainLane: true, signal: controller.signal, onProgress: done => { piecesAtAbort = done / 16384; controller.abort(reason) }
    })
    await expect(run).rejects.toBe(reason)
    expect(piecesAtAbort).toBeGreaterThan(0)
    expect(piecesAtAbort).toBeLessThan(pieceCount)
    // After the abort, at most the batch each lane had claimed already: not the rest of the file.
    expect(hashStats.piecesHashed - before - piecesAtAbort).toBeLessThanOrEqual(2 * laneBatch(16384))
    await expect(hashFiles(sources, { pieceLength: 16384, signal: controller.signal })).rejects.toBe(reason)
  })

  it('stops a hash worker that has been idle (its ~15 MiB are not held for a seeder\'s life) and starts a new one for the next job', async () => {
    setHashWorkerIdleLifetime(100)
    try {
      const reference = referencePieces(Buffer.concat(contents), 65536)
      expect((await hashFiles(sources, { pieceLength: 65536, threads: 1, mainLane: false })).pieces.equals(reference)).toBe(true)
      const [used] = hashWorkers(1)
      const exited = new Promise<number>(resolve => used!.worker.once('exit', resolve))
      const exitCode = await Promise.race([exited, new Promise(resolve => setTimeout(resolve, 10_000, 'still running'))])
      expect(exitCode).toBe(1) // terminate()d
      expect(used!.retired).toBe(true)
      // The next job gets a new worker and the same pieces.
      expect((await hashFiles(sources, { pieceLength: 65536, threads: 1, mainLane: false })).pieces.equals(reference)).toBe(true)
      expect(hashWorkers(1)[0]).not.toBe(used)
    } finally {
      setHashWorkerIdleLifetime(5_000)
    }
  })
})
