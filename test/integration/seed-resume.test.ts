// Fast resume of a seeder with 100 torrents: the warm restart hashes nothing (checked
// by seedcast's hashing counter AND by counting webtorrent's own piece checks), a
// changed file is hashed again, corrupt or missing data is reported and skipped while
// the rest seed; a warm-started torrent is really served to a leecher.
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, rm, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import Torrent from 'webtorrent/lib/torrent.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeClient, createClient } from '../../src/swarm/client.js'
import type { SeedEvent } from '../../src/swarm/seed/events.js'
import { seedTorrents, type SeedOptions } from '../../src/swarm/seed/seeder.js'
import { createTorrent } from '../../src/torrent/create.js'
import { hashStats } from '../../src/torrent/hash-stats.js'
import { tempDir } from '../helpers/tmp.js'
import { startTracker, type TestTracker } from '../helpers/tracker.js'

const COUNT = 100
const FILE_SIZE = 64 * 1024 + 100
const PIECE = 16 * 1024
const PIECES_PER_TORRENT = Math.ceil(FILE_SIZE / PIECE)

let dir: string
let cleanup: () => Promise<void>
let tracker: TestTracker
const torrentPaths: string[] = []

// Counts webtorrent's own piece verifications (it must not hash data seedcast checked).
let webtorrentHashes = 0
const proto = Torrent.prototype as unknown as { _verifyPiece: (...args: unknown[]) => unknown }
const verifyPiece = proto._verifyPiece
proto._verifyPiece = function (...args: unknown[]) { webtorrentHashes++; return verifyPiece.apply(this, args) }

beforeAll(async () => {
  ({ path: dir, cleanup } = await tempDir('seedcast-resume-'))
  tracker = await startTracker({ ws: false })
  for (let i = 0; i < COUNT; i++) {
    const file = join(dir, `episode-${i}.bin`)
    await writeFile(file, randomBytes(FILE_SIZE))
    const { torrent } = await createTorrent(file, { announce: [[tracker.httpUrl]], pieceLength: PIECE })
    const torrentPath = join(dir, `episode-${i}.torrent`)
    await writeFile(torrentPath, torrent)
    torrentPaths.push(torrentPath)
  }
}, 120_000)

afterAll(async () => {
  proto._verifyPiece = verifyPiece
  await tracker?.close()
  await cleanup?.()
})

async function run (stateDir: string, paths = torrentPaths, options: SeedOptions = {}): Promise<{ events: SeedEvent[], ms: number, hashed: number, seeder: Awaited<ReturnType<typeof seedTorrents>> }> {
  const events: SeedEvent[] = []
  const before = hashStats.piecesHashed
  const started = performance.now()
  const seeder = await seedTorrents(paths, { dht: false, lsd: false, utp: false, webrtc: false, stateDir, statsIntervalMs: 0, onEvent: event => events.push(event), ...options })
  return { events, ms: performance.now() - started, hashed: hashStats.piecesHashed - before, seeder }
}

const seeding = (events: SeedEvent[]) => events.filter(event => event.event === 'seeding')
const warnings = (events: SeedEvent[]) => events.filter(event => event.event === 'warning')

describe('seeder fast resume', () => {
  it('the _verifyPiece spy counts webtorrent\'s piece checks (positive control: a plain add verifies every piece)', async () => {
    const client = createClient({ dht: false, lsd: false, utp: false, webrtc: false, trackers: false })
    try {
      const before = webtorrentHashes
      await new Promise<void>((resolve, reject) => {
        const torrent = client.add(torrentPaths[0]!, { path: dir })
        torrent.once('error', reject)
        torrent.once('done', () => resolve())
      })
      // Every piece was checked by webtorrent itself, and the spy saw each check.
      expect(webtorrentHashes - before).toBe(PIECES_PER_TORRENT)
    } finally {
      await closeClient(client)
    }
  })

  it('a restart with 100 unchanged torrents hashes nothing, and still serves the data', async () => {
    const stateDir = join(dir, 'state-restart')
    const cold = await run(stateDir)
    expect(seeding(cold.events)).toHaveLength(COUNT)
    expect(cold.hashed).toBe(COUNT * PIECES_PER_TORRENT)
    expect(cold.seeder.hashedPieces).toBe(COUNT * PIECES_PER_TORRENT)
    await cold.seeder.stop()

    const webtorrentBefore = webtorrentHashes
    const warm = await run(stateDir)
    expect(seeding(warm.events)).toHaveLength(COUNT)
    expect(warnings(warm.events)).toEqual([])
    expect(warm.hashed).toBe(0)
    expect(warm.seeder.hashedPieces).toBe(0)
    expect(seeding(warm.events).every(event => event.event === 'seeding' && event.resumed && event.hashedPieces === 0)).toBe(true)
    // webtorrent did not check the seeder's pieces either.
    expect(webtorrentHashes - webtorrentBefore).toBe(0)
    console.log(`seeder start with ${COUNT} torrents: cold ${cold.ms.toFixed(0)} ms (${cold.hashed} pieces hashed), warm ${warm.ms.toFixed(0)} ms (${warm.hashed} hashed)`)

    // The warm-started seeder really has the data: a leecher downloads one torrent.
    const leechDir = join(dir, 'leech')
    await mkdir(leechDir)
    const leecher = createClient({ dht: false, lsd: false, utp: false, webrtc: false })
    try {
      const torrent = leecher.add(await readFile(torrentPaths[42]!), { path: leechDir })
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('leecher did not finish in 20 s')), 20_000)
        torrent.once('done', () => { clearTimeout(timer); resolve() })
      })
      expect(Buffer.compare(await readFile(join(leechDir, 'episode-42.bin')), await readFile(join(dir, 'episode-42.bin')))).toBe(0)
    } finally {
      await closeClient(leecher)
    }
    await warm.seeder.stop()
  }, 120_000)

  it('re-verifies a changed file, skips a corrupt one and a missing one, seeds the rest', async () => {
    const stateDir = join(dir, 'state-changes')
    const paths = torrentPaths.slice(0, 10)
    const first = await run(stateDir, paths)
    await first.seeder.stop()

    // episode-1: same bytes, new mtime → re-hashed, still seeded.
    const touched = join(dir, 'episode-1.bin')
    await utimes(touched, new Date(), new Date(Date.now() + 5_000))
    // episode-2: one byte flipped, same size → corrupt.
    const corrupted = join(dir, 'episode-2.bin')
    const original = await readFile(corrupted)
    const bad = Buffer.from(original)
    bad[PIECE + 7] = bad[PIECE + 7]! ^ 0xff
    await writeFile(corrupted, bad)
    // episode-3: gone.
    const missing = join(dir, 'episode-3.bin')
    const missingBytes = await readFile(missing)
    await rm(missing)
    try {
      const second = await run(stateDir, paths)
      const names = seeding(second.events).map(event => event.event === 'seeding' ? event.name : '')
      expect(names).toHaveLength(8)
      expect(names).not.toContain('episode-2.bin')
      expect(names).not.toContain('episode-3.bin')
      const rehashed = seeding(second.events).find(event => event.event === 'seeding' && event.name === 'episode-1.bin')
      expect(rehashed).toMatchObject({ resumed: false, hashedPieces: PIECES_PER_TORRENT })
      // episode-1 fully, episode-2 fully (its mtime changed too), nothing else.
      expect(second.hashed).toBe(2 * PIECES_PER_TORRENT)
      const warned = warnings(second.events)
      expect(warned).toHaveLength(2)
      expect(warned).toContainEqual(expect.objectContaining({ code: 'ECORRUPT', name: 'episode-2.bin', message: expect.stringContaining('1 of 5 pieces do not match') }))
      expect(warned).toContainEqual(expect.objectContaining({ code: 'ENODATA', name: 'episode-3.bin', message: expect.stringContaining(`data not found (looked for ${missing})`) }))
      expect(second.seeder.torrents.size).toBe(8)
      await second.seeder.stop()
    } finally {
      await writeFile(corrupted, original)
      await writeFile(missing, missingBytes)
    }
  }, 60_000)

  it('throws when no torrent at all can be seeded', async () => {
    const stateDir = join(dir, 'state-none')
    const nowhere = join(dir, 'empty')
    await mkdir(nowhere)
    const lonely = join(nowhere, 'lonely.torrent')
    await writeFile(lonely, await readFile(torrentPaths[0]!))
    await expect(run(stateDir, [lonely])).rejects.toThrow(/none of the 1 torrent\(s\) can be seeded/)
  })
})
