import { createHash, randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createInput, type ManifestFlag } from '../../cli/early-hash.js'
import { startEarlyHash } from '../../src/torrent/hash-lanes.js'
import { hashWorkers } from '../../src/torrent/hash-pool.js'
import { hashStats } from '../../src/torrent/hash-stats.js'
import { hashFiles } from '../../src/torrent/hasher.js'
import { choosePieceLength } from '../../src/torrent/piece-length.js'
import { tempDir } from '../helpers/tmp.js'

const SIZE = 24 * 1024 * 1024 + 12345 // past the 8 MiB below which nothing starts early
let dir: Awaited<ReturnType<typeof tempDir>>
let file: string

function referencePieces (data: Buffer, pieceLength: number): Buffer {
  const digests: Buffer[] = []
  for (let start = 0; start < data.length; start += pieceLength) digests.push(createHash('sha1').update(data.subarray(start, start + pieceLength)).digest())
  return Buffer.concat(digests)
}

beforeAll(async () => {
  dir = await tempDir()
  file = join(dir.path, 'episode.bin')
  writeFileSync(file, randomBytes(SIZE))
})
afterAll(() => dir.cleanup())

describe('startEarlyHash', () => {
  it('is taken over by the next hashFiles of the same file and piece length: same digests, each piece hashed once', async () => {
    const pieceLength = choosePieceLength(SIZE)
    const before = { ...hashStats }
    startEarlyHash(file)
    const { pieces } = await hashFiles([{ absolutePath: file, length: SIZE }], { pieceLength })
    expect(pieces.equals(referencePieces(readFileSync(file), pieceLength))).toBe(true)
    expect(hashStats.piecesHashed - before.piecesHashed).toBe(Math.ceil(SIZE / pieceLength))
    expect(hashStats.earlyTakenOver - before.earlyTakenOver).toBe(1)
  })

  it('is dropped when asked for another piece length, or when the file changed since it started', async () => {
    const before = hashStats.earlyTakenOver
    startEarlyHash(file, 1024 * 1024)
    const { pieces } = await hashFiles([{ absolutePath: file, length: SIZE }], { pieceLength: 256 * 1024 })
    expect(pieces.equals(referencePieces(readFileSync(file), 256 * 1024))).toBe(true)

    startEarlyHash(file, 1024 * 1024)
    const changed = randomBytes(SIZE)
    writeFileSync(file, changed) // same size, new content
    const again = await hashFiles([{ absolutePath: file, length: SIZE }], { pieceLength: 1024 * 1024 })
    expect(again.pieces.equals(referencePieces(changed, 1024 * 1024))).toBe(true)
    expect(hashStats.earlyTakenOver).toBe(before)
  })
})

describe('startEarlyHash with sha256 (publish)', () => {
  const sha256Of = (data: Buffer) => createHash('sha256').update(data).digest('base64')

  it('gives the SHA-1 pieces and the SHA-256 of the file to the next hashFiles asking for both, each piece hashed once', async () => {
    const data = randomBytes(SIZE)
    writeFileSync(file, data)
    const pieceLength = choosePieceLength(SIZE)
    const before = { ...hashStats }
    startEarlyHash(file, undefined, { sha256: true })
    const result = await hashFiles([{ absolutePath: file, length: SIZE }], { pieceLength, sha256: true })
    expect(result.pieces.equals(referencePieces(data, pieceLength))).toBe(true)
    expect(result.sha256).toEqual([sha256Of(data)])
    expect(hashStats.piecesHashed - before.piecesHashed).toBe(Math.ceil(SIZE / pieceLength))
    expect(hashStats.earlyTakenOver - before.earlyTakenOver).toBe(1)
  })

  it('is taken over at once, while its first pieces are still being read: this thread hashes the SHA-1 ahead of it', async () => {
    const data = randomBytes(SIZE)
    writeFileSync(file, data)
    const pieceLength = 16 * 1024 // many small pieces: the takeover finds most of them unclaimed
    startEarlyHash(file, pieceLength, { sha256: true })
    const result = await hashFiles([{ absolutePath: file, length: SIZE }], { pieceLength, sha256: true })
    expect(result.pieces.equals(referencePieces(data, pieceLength))).toBe(true)
    expect(result.sha256).toEqual([sha256Of(data)])
  })

  it('stops its workers once taken over and done (the command hashes nothing else); the next hash starts new ones', async () => {
    const data = randomBytes(SIZE)
    writeFileSync(file, data)
    const pieceLength = choosePieceLength(SIZE)
    startEarlyHash(file, undefined, { sha256: true })
    const ran = hashWorkers()
    const exited = ran.map(worker => once(worker.worker, 'exit'))
    const result = await hashFiles([{ absolutePath: file, length: SIZE }], { pieceLength, sha256: true })
    expect(result.sha256).toEqual([sha256Of(data)])
    expect(ran.every(worker => worker.retired)).toBe(true)
    await Promise.all(exited)
    // A later hash of the same process gets workers of its own.
    expect(hashWorkers().some(worker => ran.includes(worker))).toBe(false)
    const again = await hashFiles([{ absolutePath: file, length: SIZE }], { pieceLength, sha256: true })
    expect(again.pieces.equals(referencePieces(data, pieceLength))).toBe(true)
    expect(again.sha256).toEqual([sha256Of(data)])
  })

  it('is dropped for another file, and an early job without SHA-256 is not used for a request with it', async () => {
    const data = randomBytes(SIZE)
    writeFileSync(file, data)
    const other = join(dir.path, 'other.bin')
    const otherData = randomBytes(SIZE)
    writeFileSync(other, otherData)
    const pieceLength = choosePieceLength(SIZE)
    const before = hashStats.earlyTakenOver
    startEarlyHash(other, undefined, { sha256: true })
    const first = await hashFiles([{ absolutePath: file, length: SIZE }], { pieceLength, sha256: true })
    expect(first.sha256).toEqual([sha256Of(data)])
    expect(first.pieces.equals(referencePieces(data, pieceLength))).toBe(true)
    startEarlyHash(file)
    const second = await hashFiles([{ absolutePath: file, length: SIZE }], { pieceLength, sha256: true })
    expect(second.sha256).toEqual([sha256Of(data)])
    expect(second.pieces.equals(referencePieces(data, pieceLength))).toBe(true)
    expect(hashStats.earlyTakenOver).toBe(before + 1) // the SHA-1-only job: taken, then stopped
  })
})

describe('createInput (the create command line read before oclif)', () => {
  const flags: Record<string, ManifestFlag> = {
    json: { name: 'json', type: 'boolean' },
    announce: { name: 'announce', type: 'option', char: 'a' },
    'piece-length': { name: 'piece-length', type: 'option' },
    output: { name: 'output', type: 'option', char: 'o' },
    force: { name: 'force', type: 'boolean', char: 'f' },
    'no-date': { name: 'no-date', type: 'boolean' }
  }
  it.each([
    [['create', 'a.mp3'], { input: 'a.mp3' }],
    [['create', '-a', 'udp://t:1', 'a.mp3', '--piece-length', '1M', '-f'], { input: 'a.mp3', pieceLength: '1M' }],
    [['create', '--piece-length=2^20', '-o', 'x.torrent', '--no-date', 'a.mp3', '--json'], { input: 'a.mp3', pieceLength: '2^20' }],
    [['create', '--force', '--', '-odd.mp3'], { input: '-odd.mp3' }]
  ])('%j reads as %j', (argv, expected) => {
    expect(createInput(argv, flags)).toEqual(expected)
  })
  it.each([
    [['create']], [['create', 'a.mp3', 'b.mp3']], [['create', '--unknown', 'a.mp3']], [['create', '-fo', 'x', 'a.mp3']],
    [['create', 'a.mp3', '-o']], [['create', '--force=yes', 'a.mp3']]
  ])('%j is not guessed at', (argv) => {
    expect(createInput(argv, flags)).toBeUndefined()
  })
})
