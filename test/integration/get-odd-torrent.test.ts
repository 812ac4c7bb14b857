// seedcast get of torrents with every odd case of issue 14 (unsafe names, pad files,
// symlinks, a stray byte), from a libtorrent seeder and from an aria2c seeder (with the
// cases aria2c opens) found through a local tracker.
// Run inside a loopback-only network namespace like every peer test.
import { createHash } from 'node:crypto'
import { lstat, mkdir, readFile, readdir, readlink, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.js'
import { layOutForLibtorrent, libtorrentCheck, libtorrentRead, startLibtorrentSeeder, type OracleFile } from '../helpers/libtorrent.js'
import { ARIA2_ODD_FILES, aria2OddCase, aria2OddPath, everyOddCase, type OddTorrent } from '../helpers/odd-torrents.js'
import { freePort } from '../helpers/ports.js'
import { tempDir } from '../helpers/tmp.js'
import { startTracker } from '../helpers/tracker.js'
import { jsonLines, startAria2Seeder } from './get-helpers.js'

/** Every entry below `root`, relative, `/`-separated; folders end in `/`, symlinks in ` -> target`. */
async function tree (root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true })
  return Promise.all(entries.map(async entry => {
    const path = join(entry.parentPath, entry.name)
    const relative = path.slice(root.length + 1)
    if (entry.isSymbolicLink()) return `${relative} -> ${await readlink(path)}`
    return `${relative}${entry.isDirectory() ? '/' : ''}`
  })).then(list => list.sort())
}

/** The folders of `paths` (every prefix), `/`-terminated. */
function foldersOf (paths: string[]): string[] {
  const folders = new Set<string>()
  for (const path of paths) {
    const parts = path.split('/')
    for (let depth = 1; depth < parts.length; depth++) folders.add(`${parts.slice(0, depth).join('/')}/`)
  }
  return [...folders]
}

describe('seedcast get of a torrent with unsafe names, pad files and symlinks', () => {
  const cleanups: (() => Promise<void>)[] = []
  afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

  async function seeded (): Promise<{ dir: string, torrentPath: string, odd: OddTorrent, oracle: { name: string, files: OracleFile[] } }> {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const tracker = await startTracker({ ws: false, interval: 1000 })
    cleanups.push(tracker.close)
    const odd = everyOddCase(tracker.httpUrl)
    // The seeder's data, laid out where libtorrent itself looks for it.
    const { torrentPath, seedDir, oracle } = await layOutForLibtorrent(tmp.path, odd.bytes, odd.data)
    const seeder = await startLibtorrentSeeder(torrentPath, seedDir, await freePort())
    cleanups.push(seeder.stop)
    return { dir: tmp.path, torrentPath, odd, oracle }
  }

  it('writes every file under the output folder at its sanitised name, no pad file, only safe symlinks; bytes equal', async () => {
    const { dir, torrentPath, odd, oracle } = await seeded()
    const out = join(dir, 'out')
    const result = await runCli(['get', torrentPath, '-o', out, '--no-dht', '--timeout', '30', '--json'], { timeoutMs: 120_000 })
    expect(result.code, result.stdout + result.stderr).toBe(0)
    const events = jsonLines(result.stdout)
    const dataFiles = oracle.files.flatMap((file, index) => file.pad || file.symlink ? [] : [{ ...file, index }])
    const metadata = events.find(event => event.event === 'metadata')
    // Pad files are not files of the download; the rest are listed by their safe paths.
    expect(metadata.files.map((file: { path: string }) => file.path)).toEqual(oracle.files.filter(file => !file.pad).map(file => file.path))
    const done = events.at(-1)
    expect(done).toMatchObject({ event: 'done', total: dataFiles.reduce((sum, file) => sum + file.size, 0), hashFailures: 0 })
    expect(events).toContainEqual({ event: 'warning', kind: 'layout', message: 'symlink ..odd show/evil-link not made: it points outside the torrent' })

    // Exactly the files libtorrent names, the one safe symlink, and nothing else: no pad
    // file, no `..` escape (the temp folder holds only what the test put there).
    const link = oracle.files.find(file => file.symlink && file.target !== file.path)!
    expect(await tree(out)).toEqual([
      ...dataFiles.map(file => file.path),
      ...foldersOf(oracle.files.filter(file => !file.pad && file.target !== file.path).map(file => file.path)),
      `${link.path} -> abs/a.mp3`
    ].sort())
    expect((await readdir(dir)).sort()).toEqual(['odd.torrent', 'out', 'seed'])
    for (const file of dataFiles) {
      const bytes = await readFile(join(out, file.path))
      expect(createHash('sha1').update(bytes).digest('hex'), file.path).toBe(createHash('sha1').update(odd.data[file.index]!).digest('hex'))
    }
    // The symlink leads to the file it names, inside the folder.
    expect((await lstat(join(out, link.path))).isSymbolicLink()).toBe(true)
    expect(await readFile(join(out, link.path))).toEqual(odd.data[0])

    // seedcast verify and libtorrent both find the data complete where it is.
    const verify = await runCli(['verify', torrentPath, join(out, oracle.name)])
    expect(verify.code, verify.stdout + verify.stderr).toBe(0)
    expect(await libtorrentCheck(torrentPath, out)).toMatchObject({ checked: true, progress: 1, pieces: 5, total: 5 })

    // A second run finds it all on disk and fetches no piece. (`received` counts every
    // byte from peers, so a handshake with the seeder, if it gets that far, is in it;
    // the smallest piece is 15,332 bytes.)
    const again = await runCli(['get', torrentPath, '-o', out, '--no-dht', '--timeout', '30', '--json'], { timeoutMs: 120_000 })
    expect(again.code, again.stdout + again.stderr).toBe(0)
    const resumed = jsonLines(again.stdout).at(-1)
    expect(resumed).toMatchObject({ event: 'done', resumedBytes: done.total, hashFailures: 0 })
    expect(resumed.received).toBeLessThan(15332)
  })

  it('gets the same torrent from a bare magnet link: the metadata from the peer is read the same way', async () => {
    const { dir, odd, oracle } = await seeded()
    const out = join(dir, 'out')
    const magnet = `magnet:?xt=urn:btih:${odd.infoHash}&tr=${encodeURIComponent(odd.tracker!)}`
    const result = await runCli(['get', magnet, '-o', out, '--no-dht', '--timeout', '30', '--json'], { timeoutMs: 120_000 })
    expect(result.code, result.stdout + result.stderr).toBe(0)
    expect(jsonLines(result.stdout)[0]).toMatchObject({ event: 'started', source: 'magnet', infoHash: odd.infoHash })
    for (const [index, file] of oracle.files.entries()) {
      if (file.pad || file.symlink) continue
      expect(await readFile(join(out, file.path)), file.path).toEqual(odd.data[index])
    }
    expect((await tree(out)).filter(path => path.includes('.pad'))).toEqual([])
    expect(await libtorrentCheck(join(dir, 'odd.torrent'), out)).toMatchObject({ checked: true, progress: 1 })
  })

  it('gets a torrent with the odd cases aria2c opens from an aria2c seeder: sanitised names, no pad file, bytes equal', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const tracker = await startTracker({ ws: false, interval: 1000 })
    cleanups.push(tracker.close)
    const odd = aria2OddCase(tracker.httpUrl)
    const torrentPath = join(tmp.path, 'odd.torrent')
    await writeFile(torrentPath, odd.bytes)
    // aria2c's data where aria2c looks for it: every entry at its raw name, pad files as
    // zeros and the symlink as an empty file (aria2c knows neither); it checks it all (-V).
    const seedDir = join(tmp.path, 'seed')
    for (const index of ARIA2_ODD_FILES.keys()) {
      const path = join(seedDir, ...aria2OddPath(index))
      await mkdir(dirname(path), { recursive: true })
      await writeFile(path, odd.data[index]!)
    }
    const seeder = await startAria2Seeder(torrentPath, seedDir)
    cleanups.push(seeder.stop)

    const out = join(tmp.path, 'out')
    const result = await runCli(['get', torrentPath, '-o', out, '--no-dht', '--timeout', '30', '--json'], { timeoutMs: 120_000 })
    expect(result.code, result.stdout + result.stderr + seeder.log()).toBe(0)
    const [oracle] = await libtorrentRead([odd.bytes])
    if (oracle!.error !== undefined) throw new Error(oracle!.error)
    const dataFiles = oracle!.files.flatMap((file, index) => file.pad || file.symlink ? [] : [{ ...file, index }])
    expect(jsonLines(result.stdout).at(-1)).toMatchObject({ event: 'done', total: dataFiles.reduce((sum, file) => sum + file.size, 0), hashFailures: 0 })
    // The sanitised names (libtorrent's): `abs/a.mp3`, `back.mp3`, `subdir/xy.mp3`, `_/e.mp3`, `escape.1.mp3`...
    expect(dataFiles.map(file => file.path)).toContain('odd show/subdir/xy.mp3')
    for (const file of dataFiles) expect(await readFile(join(out, file.path)), file.path).toEqual(odd.data[file.index])
    expect((await tree(out)).filter(path => path.includes('.pad'))).toEqual([])
    expect(await libtorrentCheck(torrentPath, out)).toMatchObject({ checked: true, progress: 1, pieces: 5, total: 5 })
  })
})
