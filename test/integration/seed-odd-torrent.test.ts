// `seedcast seed` of torrents with the odd cases of issue 14 (unsafe names, BEP 47 pad
// files, symlinks, a stray byte), hand-made byte by byte: the data lies at the sanitised
// paths (libtorrent's, which `get` writes), and real leechers, libtorrent and aria2c,
// download every file with the bytes equal. `peers` and `verify` read the same .torrent
// with the same reader. Run inside a loopback-only network namespace like every peer test.
import { readFile, readdir, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { SeedEvent } from '../../src/swarm/seed/events.js'
import { resolveSeedInputs } from '../../src/swarm/seed/inputs.js'
import { seedTorrents } from '../../src/swarm/seed/seeder.js'
import { hashStats } from '../../src/torrent/hash-stats.js'
import { aria2Download } from '../helpers/aria2.js'
import { binPath, runCliJson } from '../helpers/cli.js'
import { startJsonProcess, waitForLines, within } from '../helpers/json-process.js'
import { layOutForLibtorrent, libtorrentCheck, libtorrentDownload, type OracleFile } from '../helpers/libtorrent.js'
import { ARIA2_ODD_FILES, aria2OddCase, aria2OddPath, everyOddCase, type OddTorrent } from '../helpers/odd-torrents.js'
import { tempDir } from '../helpers/tmp.js'
import { startTracker } from '../helpers/tracker.js'

type Line = Record<string, any>

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

interface Laid {
  dir: string
  torrentPath: string
  seedDir: string
  state: string
  odd: OddTorrent
  /** libtorrent's reading of the torrent: its file paths are the sanitised ones. */
  oracle: { name: string, files: OracleFile[] }
}

interface Seeded extends Laid {
  /** The seeder's 'started' and 'seeding' events. */
  started: Line
  seeding: Line
  stop: () => Promise<number | null>
}

/** A tracker, then the torrent and its data laid out as libtorrent reads them (layOutForLibtorrent). */
async function layOut (make: (tracker: string) => OddTorrent): Promise<Laid> {
  const tmp = await tempDir()
  cleanups.push(tmp.cleanup)
  const tracker = await startTracker({ ws: false, interval: 1000 })
  cleanups.push(tracker.close)
  const odd = make(tracker.httpUrl)
  const { torrentPath, seedDir, oracle } = await layOutForLibtorrent(tmp.path, odd.bytes, odd.data)
  return { dir: tmp.path, torrentPath, seedDir, state: join(tmp.path, 'state'), odd, oracle }
}

/** layOut, then `seedcast seed` on it, up to its 'seeding' event (any warning fails). */
async function seedOdd (make: (tracker: string) => OddTorrent): Promise<Seeded> {
  const laid = await layOut(make)
  const proc = startJsonProcess([binPath, 'seed', laid.torrentPath, '--data', laid.seedDir, '--no-dht', '--no-lsd', '--no-webrtc', '--state', laid.state, '--json'])
  cleanups.push(proc.kill)
  const find = async (test: (line: Line) => boolean, what: string): Promise<Line> => {
    await waitForLines(`seeder: ${what}`, 30_000, () => proc.lines.some(test) || proc.lines.some(line => line.event === 'warning'), [proc])
      .catch((error: Error) => { throw new Error(`${error.message}; stderr: ${proc.stderr()}`) })
    const warning = proc.lines.find(line => line.event === 'warning')
    if (warning) throw new Error(`seeder warned: ${JSON.stringify(warning)}`)
    return proc.lines.find(test)!
  }
  const seeding = await find(line => line.event === 'seeding', 'seeding')
  const started = await find(line => line.event === 'started', 'started')
  const stop = async () => { proc.child.kill('SIGTERM'); return (await within(proc.exited, 15_000, 'seeder stop')).code }
  return { ...laid, started, seeding, stop }
}

describe('seedcast seed of a torrent with unsafe names, pad files and symlinks', () => {
  it('finds the data at the sanitised paths, hashes pads as zeros, and a libtorrent leecher gets every byte', async () => {
    const { dir, torrentPath, seedDir, odd, oracle, started, seeding, stop } = await seedOdd(everyOddCase)
    // Every piece checked before serving (the pad ranges hashed as zeros), none bad.
    expect(seeding).toMatchObject({ infoHash: odd.infoHash, name: '../odd show', length: odd.stream.length, pieces: 5, hashedPieces: 5, resumed: false, dataPath: seedDir })
    // No pad file was ever needed on disk.
    expect((await readdir(seedDir, { recursive: true })).filter(path => path.includes('.pad'))).toEqual([])

    const out = join(dir, 'libtorrent')
    const leech = await libtorrentDownload(torrentPath, out, started.port)
    expect(leech.pieces).toBe(5)
    for (const [index, file] of oracle.files.entries()) {
      if (file.pad || file.symlink) continue
      expect(await readFile(join(out, file.path)), file.path).toEqual(odd.data[index])
    }
    expect(await libtorrentCheck(torrentPath, out)).toMatchObject({ checked: true, progress: 1, pieces: 5, total: 5 })
    expect(await stop()).toBe(0)
  })

  it('an aria2c leecher downloads it from `seedcast seed` with the bytes equal', async () => {
    const { dir, torrentPath, odd, seeding, stop } = await seedOdd(aria2OddCase)
    expect(seeding).toMatchObject({ infoHash: odd.infoHash, pieces: 5, hashedPieces: 5 })
    const out = join(dir, 'aria2')
    const aria = await aria2Download(torrentPath, out, 60_000)
    expect(aria.code, aria.output).toBe(0)
    // aria2c writes the names as they are in the torrent; compare each file where it put it.
    for (const [index, file] of ARIA2_ODD_FILES.entries()) {
      if (file.attr?.includes('l')) continue
      // aria2c knows nothing of pad files: it writes them too, and they must be the zeros the seeder served.
      expect(await readFile(join(out, ...aria2OddPath(index))), aria2OddPath(index).join('/')).toEqual(odd.data[index])
    }
    expect(await stop()).toBe(0)
  })

  it('`peers` reads the torrent, and `verify` and `seed` see the same paths', async () => {
    const { torrentPath, seedDir, state, odd, oracle, seeding, stop } = await seedOdd(everyOddCase)
    const peers = await runCliJson(['peers', torrentPath, '--state', state])
    expect(peers.result.code, peers.result.stderr).toBe(0)
    expect(peers.json).toMatchObject({ infoHash: odd.infoHash, name: '../odd show', seeders: [expect.any(Number)] })

    // verify finds the same data complete where seed found it, under the same names.
    const dataFiles = oracle.files.filter(file => !file.pad && !file.symlink).map(file => file.path)
    const verify = await runCliJson(['verify', torrentPath, join(seedDir, oracle.name), '--json'])
    expect(verify.result.code, verify.result.stdout + verify.result.stderr).toBe(0)
    expect(verify.json).toMatchObject({ ok: true, totalPieces: seeding.pieces, goodPieces: seeding.pieces })
    expect(verify.json.files.map((file: { safePath: string }) => file.safePath)).toEqual(dataFiles)
    const [item] = await resolveSeedInputs([torrentPath])
    expect(item!.meta.files.filter(file => !file.pad && !file.symlink).map(file => file.safePath)).toEqual(dataFiles)
    expect(await stop()).toBe(0)
  })

  it('a restart trusts its fast-resume record (nothing hashed), a changed file has its pieces hashed, a corrupt one is refused', async () => {
    const { torrentPath, seedDir, state, odd, oracle } = await layOut(everyOddCase)
    const start = async () => {
      const events: SeedEvent[] = []
      const seeder = await seedTorrents([torrentPath], { data: seedDir, stateDir: state, dht: false, lsd: false, utp: false, webrtc: false, statsIntervalMs: 0, onEvent: event => events.push(event) })
        .catch((error: Error) => { throw new Error(`${error.message}: ${JSON.stringify(events)}`) })
      await seeder.stop()
      return { events, seeding: events.find(event => event.event === 'seeding'), hashed: seeder.hashedPieces }
    }
    const before = hashStats.piecesHashed
    expect((await start()).seeding).toMatchObject({ infoHash: odd.infoHash, resumed: false, hashedPieces: 5 })
    expect(hashStats.piecesHashed - before).toBe(5)
    expect((await start()).seeding).toMatchObject({ resumed: true, hashedPieces: 0 })
    expect(hashStats.piecesHashed - before).toBe(5)

    // last.mp3 [40868, 80868) holds pieces 2-4: touched, only those are hashed again.
    const last = oracle.files.find(file => file.path.endsWith('/last.mp3'))!
    expect(last.offset).toBe(40868)
    await utimes(join(seedDir, last.path), new Date(), new Date(Date.now() + 5_000))
    expect((await start()).seeding).toMatchObject({ resumed: false, hashedPieces: 3 })
    expect(hashStats.piecesHashed - before).toBe(8)

    // One byte of it changed: refused with the piece named, nothing seeded.
    const bytes = Buffer.from(odd.data[oracle.files.indexOf(last)]!)
    bytes[30000] = bytes[30000]! ^ 0xff // stream offset 70868: piece 4
    await writeFile(join(seedDir, last.path), bytes)
    await expect(start()).rejects.toThrow(/1 of 5 pieces do not match the torrent \(first: piece 4\)/)
  })
})
