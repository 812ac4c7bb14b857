import { execFile } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SeedcastError } from '../../src/errors.js'
import { bdecode, bencode, type BencodeDict } from '../../src/torrent/bencode.js'
import { createTorrent } from '../../src/torrent/create.js'
import { inspectTorrent } from '../../src/torrent/inspect.js'
import { tempDir } from '../helpers/tmp.js'

// create-torrent ships no types; a computed specifier keeps it `any` without a declaration file.
const createTorrentPackage = 'create-torrent'
const { default: referenceCreate } = await import(createTorrentPackage) as { default: (input: string, options: object, callback: (error: Error | null, torrent: Uint8Array) => void) => void }
const referenceTorrent = promisify(referenceCreate) as (input: string, options: object) => Promise<Uint8Array>
const run = promisify(execFile)

let dir: Awaited<ReturnType<typeof tempDir>>
beforeEach(async () => { dir = await tempDir() })
afterEach(() => dir.cleanup())

/** Writes `files` (relative path → content or size of random bytes) under dir/<root>. */
async function makeTree (root: string, files: Record<string, Buffer | string | number>): Promise<string> {
  const base = join(dir.path, root)
  await mkdir(base, { recursive: true })
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(base, path)), { recursive: true })
    await writeFile(join(base, path), typeof content === 'number' ? randomBytes(content) : content)
  }
  return base
}

/** The bytes of the info dict of a .torrent, as written. */
function infoBytes (torrent: Uint8Array): Buffer {
  const { infoSpan } = bdecode(torrent)
  return Buffer.from(torrent).subarray(infoSpan![0], infoSpan![1])
}

const sha1 = (bytes: Uint8Array) => createHash('sha1').update(bytes).digest('hex')

describe('createTorrent against create-torrent (the oracle)', () => {
  it.each<[string, Record<string, Buffer | string | number>, number]>([
    ['a 1-byte file', { 'one.bin': 1 }, 16384],
    ['exactly one piece', { 'piece.bin': 16384 }, 16384],
    ['one piece plus one byte', { 'piece1.bin': 16385 }, 16384],
    ['a 10 MiB file (worker threads, several read chunks)', { 'big.bin': 10 * 1024 * 1024 + 333 }, 65536]
  ])('single file: %s gives a byte-identical info dict', async (_label, files, pieceLength) => {
    const base = await makeTree('single', files)
    const path = join(base, Object.keys(files)[0]!)
    const ours = await createTorrent(path, { pieceLength })
    const theirs = await referenceTorrent(path, { pieceLength, announceList: [] })
    expect(infoBytes(ours.torrent).equals(infoBytes(theirs))).toBe(true)
    expect(ours.infoHash).toBe(sha1(infoBytes(theirs)))
    expect(ours.files).toEqual([{ path: Object.keys(files)[0], length: ours.length }])
  })

  it.each([16384, 262144, 8 * 1024 * 1024])('multi-file with odd sizes, nested folders, unicode names and junk (pieces of %d)', async (pieceLength) => {
    const base = await makeTree('Émission spéciale', {
      '01 intro.mp3': 40_001,
      'b/deep/er/ü 日本語.ogg': 3 * 1024 * 1024 + 7,
      'b/empty.txt': '',
      'a.txt': 'x',
      'a/z.bin': 70_000, // "a" sorts before "a.txt" per folder level, as create-torrent walks
      'big.bin': 9 * 1024 * 1024 + 5,
      '.DS_Store': 'junk', '.hidden/secret': 'junk', 'Thumbs.db': 'junk', 'notes.txt~': 'junk',
      '__MACOSX/x': 'junk', 'desktop.ini': 'junk', '@eaDir': 'junk', 'npm-debug.log': 'junk'
    })
    const ours = await createTorrent(base, { pieceLength })
    const theirs = await referenceTorrent(base, { pieceLength, announceList: [] })
    expect(infoBytes(ours.torrent).equals(infoBytes(theirs))).toBe(true)
    expect(ours.files.map(file => file.path)).toEqual([
      'Émission spéciale/01 intro.mp3', 'Émission spéciale/a/z.bin', 'Émission spéciale/a.txt',
      'Émission spéciale/b/deep/er/ü 日本語.ogg', 'Émission spéciale/b/empty.txt', 'Émission spéciale/big.bin'
    ])
  })

  it('matches with name, private and source set', async () => {
    const base = await makeTree('show', { 'ep1.mp3': 30_000, 'ep2.mp3': 20_000 })
    const ours = await createTorrent(base, { pieceLength: 32768, name: 'Renamed Show', private: true, source: 'seedcast-test' })
    const theirs = await referenceTorrent(base, { pieceLength: 32768, announceList: [], name: 'Renamed Show', private: true, info: { source: 'seedcast-test' } })
    expect(infoBytes(ours.torrent).equals(infoBytes(theirs))).toBe(true)
  })

  it('chooses the piece length itself when none is given (1000-2000 pieces)', async () => {
    const base = await makeTree('auto', { 'f.bin': 40 * 1024 * 1024 })
    const ours = await createTorrent(join(base, 'f.bin'))
    expect(ours.pieceLength).toBe(32768)
    expect(ours.pieceCount).toBe(1280)
    const theirs = await referenceTorrent(join(base, 'f.bin'), { pieceLength: 32768, announceList: [] })
    expect(infoBytes(ours.torrent).equals(infoBytes(theirs))).toBe(true)
  })

  it('refuses zero bytes (create-torrent would write a torrent with no pieces, which clients reject)', async () => {
    const base = await makeTree('zero', { 'empty.mp3': '', 'folder/also-empty': '' })
    await expect(createTorrent(join(base, 'empty.mp3'))).rejects.toThrow(/nothing to share, every file is empty \(0 bytes\)/)
    await expect(createTorrent(base)).rejects.toThrow(/nothing to share/)
    const theirs = inspectTorrentPieces(await referenceTorrent(join(base, 'empty.mp3'), { announceList: [] }))
    expect(theirs).toBe(0)
  })

  it('refuses a folder with only junk and says how to keep it', async () => {
    const base = await makeTree('junkonly', { '.DS_Store': 'x', 'Thumbs.db': 'y' })
    const error = await createTorrent(base).then(() => undefined, (caught: unknown) => caught as SeedcastError)
    expect(error).toBeInstanceOf(SeedcastError)
    expect(error?.message).toMatch(/the folder holds no files/)
    expect(error?.hint).toBe('2 hidden or junk entries were skipped; `includeJunk` keeps them')
    const kept = await createTorrent(base, { includeJunk: true })
    expect(kept.files.map(file => file.path)).toEqual(['junkonly/.DS_Store', 'junkonly/Thumbs.db'])
  })
})

function inspectTorrentPieces (torrent: Uint8Array): number {
  const info = (bdecode(torrent).value as BencodeDict).info as BencodeDict
  return (info.pieces as Buffer).length / 20
}

describe('createTorrent against mktorrent', () => {
  it('single file with trackers, web seeds, private, comment, source and name: same info dict and infohash', async () => {
    const base = await makeTree('mk', { 'episode.mp3': 1_000_003 })
    const path = join(base, 'episode.mp3')
    const output = join(dir.path, 'mk.torrent')
    await run('mktorrent', ['-l', '15', '-a', 'http://a.example/announce,http://b.example/announce', '-a', 'udp://c.example:6969',
      '-w', 'https://cdn.example/episode.mp3', '-p', '-c', 'a comment', '-s', 'my-source', '-n', 'Named.mp3', '-o', output, path])
    const reference = await readFile(output)
    const ours = await createTorrent(path, {
      pieceLength: 32768, announce: [['http://a.example/announce', 'http://b.example/announce'], ['udp://c.example:6969']],
      webSeeds: ['https://cdn.example/episode.mp3'], private: true, comment: 'a comment', source: 'my-source', name: 'Named.mp3'
    })
    expect(infoBytes(ours.torrent).equals(infoBytes(reference))).toBe(true)
    const theirs = inspectTorrent(reference)
    const mine = inspectTorrent(ours.torrent)
    for (const key of ['infoHash', 'announce', 'webSeeds', 'private', 'comment', 'source', 'name', 'magnet'] as const) {
      expect(mine[key]).toEqual(theirs[key])
    }
  })

  it('folder with hidden files kept (--include-junk, as mktorrent always does)', async () => {
    const base = await makeTree('mkdir', { 'a.mp3': 50_000, '.hidden': 'h', 'sub/b.mp3': 70_001, 'sub/c/d.bin': 5, 'Thumbs.db': 'x' })
    const output = join(dir.path, 'mkdir.torrent')
    await run('mktorrent', ['-l', '16', '-d', '-o', output, base])
    const ours = await createTorrent(base, { pieceLength: 65536, includeJunk: true })
    expect(infoBytes(ours.torrent).equals(infoBytes(await readFile(output)))).toBe(true)
  })
})

describe('createTorrent output', () => {
  it('writes tiers, web seeds, comment, creator and date outside the info dict; no date when null', async () => {
    const base = await makeTree('out', { 'ep.mp3': 5000 })
    const path = join(base, 'ep.mp3')
    const made = await createTorrent(path, {
      announce: [['http://a.example/announce'], ['wss://b.example']], webSeeds: ['https://cdn.example/ep.mp3'],
      comment: 'c', createdBy: 'me', creationDate: new Date('2026-01-02T03:04:05Z'), sha256: true
    })
    const root = bdecode(made.torrent).value as BencodeDict
    expect((root.announce as Buffer).toString()).toBe('http://a.example/announce')
    expect(root['announce-list']).toEqual([[Buffer.from('http://a.example/announce')], [Buffer.from('wss://b.example')]])
    expect(root['url-list']).toEqual([Buffer.from('https://cdn.example/ep.mp3')])
    expect(root['creation date']).toBe(Date.parse('2026-01-02T03:04:05Z') / 1000)
    expect((root['created by'] as Buffer).toString()).toBe('me')
    expect(made.files[0]!.sha256).toBe(createHash('sha256').update(await readFile(path)).digest('base64'))
    expect(made.magnet).toBe(`magnet:?xt=urn:btih:${made.infoHash}&dn=ep.mp3&xl=5000&tr=http%3A%2F%2Fa.example%2Fannounce&tr=wss%3A%2F%2Fb.example&ws=https%3A%2F%2Fcdn.example%2Fep.mp3`)

    const first = await createTorrent(path, { creationDate: null })
    const second = await createTorrent(path, { creationDate: null })
    expect(first.torrent.equals(second.torrent)).toBe(true)
    expect((bdecode(first.torrent).value as BencodeDict)['creation date']).toBeUndefined()
    expect(((bdecode(first.torrent).value as BencodeDict)['created by'] as Buffer).toString()).toMatch(/^seedcast\/\d+\.\d+\.\d+/)
    expect(bencode((bdecode(first.torrent).value as BencodeDict)).equals(first.torrent)).toBe(true)
  })

  it('refuses bad tracker and web seed URLs before hashing', async () => {
    const base = await makeTree('urls', { 'ep.mp3': 10 })
    await expect(createTorrent(base, { announce: [['not a url']] })).rejects.toThrow(/invalid tracker URL "not a url"/)
    await expect(createTorrent(base, { announce: [['ftp://x.example/']] })).rejects.toThrow(/unsupported tracker URL/)
    await expect(createTorrent(base, { webSeeds: ['udp://x.example/'] })).rejects.toThrow(/unsupported web seed URL/)
    await expect(createTorrent(base, { pieceLength: 1000 })).rejects.toThrow(/not a power of two/)
  })
})
