import { mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, runCliJson } from '../helpers/cli.js'
import { libtorrentRead, type OracleFile } from '../helpers/libtorrent.js'
import { bdict, bint, bstr, everyOddCase, type OddTorrent } from '../helpers/odd-torrents.js'
import { tempDir } from '../helpers/tmp.js'

/** Every file below `root`, relative, `/`-separated, folders marked with a trailing `/`. */
async function tree (root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true })
  return entries.map(entry => `${join(entry.parentPath, entry.name).slice(root.length + 1)}${entry.isDirectory() ? '/' : ''}`).sort()
}

describe('seedcast info and verify on a torrent with every odd case (issue 14)', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let odd: OddTorrent
  let torrentPath: string
  let oracle: { name: string, files: OracleFile[] }
  beforeAll(async () => {
    dir = await tempDir()
    odd = everyOddCase()
    torrentPath = join(dir.path, 'odd.torrent')
    await writeFile(torrentPath, odd.bytes)
    const [read] = await libtorrentRead([odd.bytes])
    if (read!.error !== undefined) throw new Error(read!.error)
    oracle = read!
  })
  afterAll(() => dir.cleanup())

  it('info says what was sanitised, in text', async () => {
    const result = await runCli(['info', torrentPath])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain('name:        ../odd show\nsaved as:    ..odd show\n')
    expect(result.stdout).toContain(`infohash:    ${odd.infoHash}\n`)
    expect(result.stdout).toContain('pad files:   2 (BEP 47 padding, never written to disk)\n')
    expect(result.stdout).toContain('note:        1 stray byte after the end of the .torrent, ignored\n')
    expect(result.stdout).toContain('files (11):\n')
    expect(result.stdout).toContain('  link  ../odd show/link.mp3  -> ..odd show/abs/a.mp3\n')
    expect(result.stdout).toContain('  link  ../odd show/evil-link  (symlink pointing outside the torrent: not made)\n')
    expect(result.stdout).toContain('sanitised (9), saved under the safe name:\n')
    expect(result.stdout).toContain('  ../odd show/../../escape.mp3 -> ..odd show/escape.mp3  (".." removed)\n')
    expect(result.stdout).toContain('  ../odd show// -> ..odd show/_.1  (slashes removed; renamed: another file or folder has this name)\n')
    expect(result.stdout).toContain('  ../odd show//empty-dir.mp3 -> ..odd show/_/empty-dir.mp3  (empty name written as "_")\n')
    expect(result.stdout).toContain('  ../odd show/foo/../../../bar/hidden.mp3 -> ..odd show/foo......bar/hidden.mp3  (slashes removed)\n')
  })

  it('info --json gives each file its path as written, its safe path (libtorrent\'s) and its type', async () => {
    const { result, json } = await runCliJson(['info', torrentPath])
    expect(result.code, result.stderr).toBe(0)
    expect(json).toMatchObject({ name: '../odd show', safeName: '..odd show', infoHash: odd.infoHash, padFiles: 2, trailingBytes: 1, hybrid: false })
    expect(json.files).toHaveLength(oracle.files.length)
    json.files.forEach((file: { safePath: string, type: string, target?: string | null }, index: number) => {
      const theirs = oracle.files[index]!
      expect(file.safePath).toBe(theirs.path)
      expect(file.type).toBe(theirs.pad ? 'pad' : theirs.symlink ? 'symlink' : 'file')
    })
    expect(json.files[8]).toEqual({ path: '../odd show/link.mp3', safePath: '..odd show/link.mp3', length: 0, offset: 39268, type: 'symlink', target: '..odd show/abs/a.mp3' })
    expect(json.files[9]).toMatchObject({ type: 'symlink', target: null })
    expect(json.sanitised).toContainEqual({ file: 2, original: '../odd show/../../escape.mp3', safe: '..odd show/escape.mp3', reasons: ['parent'] })
    expect(json.sanitised).toContainEqual({ file: 10, original: '../odd show/Escape.MP3', safe: '..odd show/Escape.1.MP3', reasons: ['duplicate'] })
  })

  it('verify reads the data where libtorrent puts it, and finds what is missing there', async () => {
    const data = join(dir.path, 'data')
    for (const [index, theirs] of oracle.files.entries()) {
      if (theirs.pad || theirs.symlink) continue
      await mkdir(dirname(join(data, theirs.path)), { recursive: true })
      await writeFile(join(data, theirs.path), odd.data[index]!)
    }
    const before = await tree(data)
    const { result, json } = await runCliJson(['verify', torrentPath, join(data, oracle.name)])
    expect(result.code, result.stdout + result.stderr).toBe(0)
    expect(json.ok).toBe(true)
    expect(json.files.map((file: { safePath: string }) => file.safePath)).toEqual(oracle.files.filter(file => !file.pad && !file.symlink).map(file => file.path))
    expect(await tree(data)).toEqual(before) // nothing written, no pad file appeared

    // The same data at the names as written would not be found: remove one sanitised file.
    await rm(join(data, '..odd show', 'escape.mp3'))
    const broken = await runCli(['verify', torrentPath, join(data, oracle.name)])
    expect(broken.code).toBe(1)
    expect(broken.stdout).toContain('  missing    ..odd show/escape.mp3 (pieces 2)\n')
  })

  it('info and get refuse a BitTorrent v2-only torrent in one line naming v2 and what to do', async () => {
    const v2Path = join(dir.path, 'v2.torrent')
    await writeFile(v2Path, bdict(['info', bdict(
      ['file tree', bdict(['a.mp3', bdict(['', bdict(['length', bint(5)], ['pieces root', bstr(Buffer.alloc(32, 7))])])])],
      ['meta version', bint(2)], ['name', bstr('a.mp3')], ['piece length', bint(16384)])]))
    for (const args of [['info', v2Path], ['get', v2Path, '-o', join(dir.path, 'v2-out'), '--no-dht']]) {
      const result = await runCli(args)
      expect(result.code, result.stderr).toBe(1)
      expect(result.stdout).toBe('')
      const lines = result.stderr.trimEnd().split('\n')
      expect(lines, result.stderr).toHaveLength(1)
      expect(lines[0]).toMatch(/^seedcast: .*this is a BitTorrent v2-only torrent, which seedcast cannot read yet/)
      expect(lines[0]).toContain('hybrid (v1 + v2) torrent')
    }
  })
})
