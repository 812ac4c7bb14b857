import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SeedcastError } from '../../src/errors.js'
import { parseMetainfo, type Metainfo } from '../../src/torrent/metainfo.js'
import { libtorrentCreate, libtorrentRead, type OracleTorrent } from '../helpers/libtorrent.js'
import { bdict, bint, blist, bstr, oddTorrent, type OddFile } from '../helpers/odd-torrents.js'
import { tempDir } from '../helpers/tmp.js'

/**
 * Issue 14: seedcast opens every torrent libtorrent 2.0 opens. Each case is a torrent
 * written byte by byte; libtorrent (python3-libtorrent) reads the same bytes and is the
 * oracle: same v1 infohash, same file count, and the same safe path for every file.
 */

const cases: Array<[string, string | Uint8Array, OddFile[], Buffer?]> = [
  ['an absolute component', 'show', [{ path: ['/foobar', 'a.mp3'], length: 100 }, { path: ['/abcde'], length: 10 }]],
  ['a lone slash and a lone backslash', 'show', [{ path: ['/'], length: 5 }, { path: ['\\', 'b.mp3'], length: 7 }, { path: ['/', 'c.mp3'], length: 3 }]],
  ['separators inside components', 'show', [{ path: ['a/b', 'c\\d.mp3'], length: 20000 }]],
  ['.. components', 'show', [{ path: ['..', '..', 'etc', 'passwd'], length: 50 }, { path: ['ok', '..', 'x.mp3'], length: 3 }, { path: ['..'], length: 1 }]],
  ['. components', 'show', [{ path: ['.', 'a.mp3'], length: 4 }]],
  ['empty components', 'show', [{ path: ['', 'x.mp3'], length: 4 }, { path: ['y', ''], length: 5 }, { path: [''], length: 6 }]],
  ['a parent folder hidden inside one component', 'show', [{ path: ['foo/../../../bar', 'bar'], length: 425 }, { path: ['..\\..\\win'], length: 3 }]],
  ['pad files without a path (BEP 47)', 'show', [
    { path: ['a.mp3'], length: 1000 }, { attr: 'p', length: 16384 - 1000 },
    { path: ['b.mp3'], length: 20000 }, { attr: 'p', length: 32768 - 20000 }, { path: ['c.mp3'], length: 10 }]],
  ['pad files with a path, and BitComet ones', 'show', [
    { path: ['a.mp3'], length: 100 }, { attr: 'p', path: ['.pad', String(16384 - 100)], length: 16384 - 100 },
    { path: ['b.mp3'], length: 200 }, { path: ['_____padding_file_0_'], length: 16384 - 200 }, { path: ['c.mp3'], length: 1 }]],
  ['symlinks, zero-size ones included', 'show', [
    { path: ['d', 'real.mp3'], length: 425 },
    { attr: 'l', path: ['d', 'link.mp3'], symlinkPath: ['d', 'real.mp3'] },
    { attr: 'l', path: ['to-folder'], symlinkPath: ['d'], length: 0 },
    { attr: 'l', path: ['sized-link'], symlinkPath: ['d', 'real.mp3'], length: 999 },
    { path: ['after.mp3'], length: 17 }]],
  ['symlinks pointing outside the torrent', 'show', [
    { path: ['real.mp3'], length: 42 },
    { attr: 'l', path: ['passwd'], symlinkPath: ['..', '..', 'etc', 'passwd'] },
    { attr: 'l', path: ['abs'], symlinkPath: ['/etc/passwd'] },
    { attr: 'l', path: ['self'], symlinkPath: ['self'] },
    { attr: 'l', path: ['nowhere'], symlinkPath: ['missing.mp3'] },
    { attr: 'l', path: ['no-target'], length: 0 }]],
  ['a stray byte after the top-level dictionary', 'show', [{ path: ['a.mp3'], length: 300 }], Buffer.from('\n')],
  ['several stray bytes after the top-level dictionary', 'show', [{ path: ['a.mp3'], length: 300 }], Buffer.from('garbage\0')],
  ['names that collide once sanitised or by case', 'show', [
    { path: ['a', 'b.txt'], length: 5 }, { path: ['a', '..', 'b.txt'], length: 6 }, { path: ['a', 'B.TXT'], length: 7 },
    { path: ['dir'], length: 8 }, { path: ['dir', 'f'], length: 9 }, { path: ['.bashrc'], length: 1 }, { path: ['.bashrc'], length: 2 },
    { path: ['b.1.txt'], length: 3 }, { path: ['b.txt'], length: 3 }, { path: ['b.txt'], length: 3 }]],
  ['bytes that are not UTF-8, control characters and bidi overrides', 'show', [
    { path: [Buffer.from([0x61, 0xff, 0xfe, 0x62]), Buffer.from('c\x01d\x00e')], length: 10 },
    { path: [Buffer.from('gpj\u202e.exe', 'utf8')], length: 11 },
    { path: [Buffer.from([0x61, 0xc2, 0x62, 0xe2, 0x82])], length: 12 },
    { path: [Buffer.from([0x61, 0xed, 0xa0, 0x80, 0xf8, 0x80, 0x80, 0x80, 0x80, 0xfc, 0x62, 0xc0, 0xae])], length: 13 }]],
  ['a component past 240 bytes', 'show', [
    { path: [`${'x'.repeat(300)}.mp3`], length: 1 }, { path: ['y'.repeat(400)], length: 2 }, { path: [`${'é'.repeat(150)}.flac`], length: 3 }]],
  ['an unsafe torrent name', '../../evil/name', [{ path: ['a.mp3'], length: 3 }]],
  ['a torrent name with nothing usable', '..', [{ path: ['a.mp3'], length: 3 }]],
  ['an empty torrent name', '', [{ path: ['a.mp3'], length: 3 }]]
]

/** Compares seedcast's reading of `bytes` with libtorrent's. */
function expectSameAsLibtorrent (ours: Metainfo, oracle: OracleTorrent): void {
  if (oracle.error !== undefined) throw new Error(`libtorrent refused the torrent: ${oracle.error}`)
  expect(ours.infoHash).toBe(oracle.infoHash)
  expect(ours.files.length).toBe(oracle.files.length)
  expect(ours.safeName).toBe(oracle.name)
  ours.files.forEach((file, index) => {
    const theirs = oracle.files[index]!
    const where = `file ${index} (${JSON.stringify(file.path)})`
    expect(file.pad, where).toBe(theirs.pad)
    expect(file.length, where).toBe(theirs.size)
    expect(file.offset, where).toBe(theirs.offset)
    // libtorrent 2.0.8 names pad files without a path `.pad/<size>` too; no pad file is ever on disk.
    expect(file.safePath, where).toBe(theirs.path)
    expect(file.symlink !== undefined, where).toBe(theirs.symlink)
    if (file.symlink) {
      // libtorrent points an unsafe link at itself; seedcast does not make it at all.
      expect(file.symlink.target ?? file.safePath, where).toBe(theirs.target)
    }
  })
}

describe('reading the torrents libtorrent reads (issue 14)', () => {
  const torrents = cases.map(([, name, files, trailing]) => oddTorrent(name, files, { trailing }))
  let oracle: OracleTorrent[]
  beforeAll(async () => { oracle = await libtorrentRead(torrents.map(torrent => torrent.bytes)) })

  it.each(cases.map(([label], index) => [label, index] as const))('reads %s as libtorrent does', (_label, index) => {
    const torrent = torrents[index]!
    const ours = parseMetainfo(torrent.bytes)
    expectSameAsLibtorrent(ours, oracle[index]!)
    expect(ours.infoHash).toBe(torrent.infoHash)
  })

  it('keeps every name as written for display and says what it changed', () => {
    const ours = parseMetainfo(torrents[3]!.bytes) // .. components
    expect(ours.files.map(file => file.path)).toEqual(['show/../../etc/passwd', 'show/ok/../x.mp3', 'show/..'])
    expect(ours.files.map(file => file.safePath)).toEqual(['show/etc/passwd', 'show/ok/x.mp3', 'show/_'])
    expect(ours.sanitised).toEqual([
      { file: 0, original: 'show/../../etc/passwd', safe: 'show/etc/passwd', reasons: ['parent'] },
      { file: 1, original: 'show/ok/../x.mp3', safe: 'show/ok/x.mp3', reasons: ['parent'] },
      { file: 2, original: 'show/..', safe: 'show/_', reasons: ['parent'] }
    ])
    const named = parseMetainfo(torrents[16]!.bytes) // an unsafe torrent name
    expect(named.name).toBe('../../evil/name')
    expect(named.safeName).toBe('....evilname')
    expect(named.sanitised[0]).toEqual({ original: '../../evil/name', safe: '....evilname', reasons: ['separator'] })
    const unnamed = parseMetainfo(torrents[17]!.bytes)
    expect(unnamed.safeName).toBe(unnamed.infoHash)
    expect(unnamed.sanitised[0]).toEqual({ original: '..', safe: unnamed.infoHash, reasons: ['parent', 'unnamed'] })
  })

  it('marks pad files and counts their bytes in the piece stream', () => {
    const ours = parseMetainfo(torrents[7]!.bytes)
    expect(ours.files.map(file => [file.path, file.pad, file.offset])).toEqual([
      ['show/a.mp3', false, 0], ['.pad/15384', true, 1000], ['show/b.mp3', false, 16384], ['.pad/12768', true, 36384], ['show/c.mp3', false, 49152]
    ])
    expect(ours.length).toBe(49162)
    expect(ours.sanitised).toEqual([])
  })

  it('keeps symlinks inside the torrent and drops the target of any other', () => {
    const inside = parseMetainfo(torrents[9]!.bytes)
    expect(inside.files.map(file => [file.safePath, file.length, file.symlink?.target])).toEqual([
      ['show/d/real.mp3', 425, undefined], ['show/d/link.mp3', 0, 'show/d/real.mp3'], ['show/to-folder', 0, 'show/d'],
      ['show/sized-link', 0, 'show/d/real.mp3'], ['show/after.mp3', 17, undefined]
    ])
    const outside = parseMetainfo(torrents[10]!.bytes)
    expect(outside.files.map(file => file.symlink)).toEqual([undefined, { target: undefined }, { target: undefined }, { target: undefined }, { target: undefined }, undefined])
    // attr l without a `symlink path` is an empty file, as libtorrent reads it.
    expect(outside.files[5]).toMatchObject({ length: 0, pad: false })
  })

  it('says how many stray bytes followed the dictionary', () => {
    expect(parseMetainfo(torrents[11]!.bytes).trailingBytes).toBe(1)
    expect(parseMetainfo(torrents[12]!.bytes).trailingBytes).toBe(8)
    expect(parseMetainfo(torrents[0]!.bytes).trailingBytes).toBe(0)
  })
})

/** A small deterministic PRNG (mulberry32), so a failure can be replayed. */
function random (seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let value = state
    value = Math.imul(value ^ (value >>> 15), value | 1)
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61)
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296
  }
}

const FRAGMENTS: Array<string | number[]> = [
  'a', 'B', 'mp3', '.', '..', '...', '/', '\\', ' ', '_', '?', ':', '-', 'é', '😀', '\u202e', '\u200f', '\u0001', '\u007f',
  [0], [0xff], [0x80], [0xc2], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf8, 0x80, 0x80, 0x80, 0x80], [0xc0, 0xae], [0xe0, 0x80, 0xae]
]

describe('sanitising random hostile paths as libtorrent does', () => {
  it('gives the same safe path as libtorrent for 400 random torrents', async () => {
    const next = random(14)
    const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)]!
    const component = (): Buffer => {
      if (next() < 0.05) return Buffer.alloc(0)
      if (next() < 0.03) return Buffer.from('z'.repeat(230 + Math.floor(next() * 30)) + pick(['.mp3', '.x', '', '.toolongextension']))
      const parts: Buffer[] = []
      const count = 1 + Math.floor(next() * 5)
      for (let index = 0; index < count; index++) {
        const fragment = pick(FRAGMENTS)
        parts.push(typeof fragment === 'string' ? Buffer.from(fragment, 'utf8') : Buffer.from(fragment))
      }
      return Buffer.concat(parts)
    }
    const torrents = Array.from({ length: 400 }, () => {
      const files: OddFile[] = Array.from({ length: 1 + Math.floor(next() * 4) }, () => ({
        path: Array.from({ length: 1 + Math.floor(next() * 3) }, component),
        length: Math.floor(next() * 3)
      }))
      if (files.every(file => file.length === 0)) files[0]!.length = 1
      return oddTorrent(next() < 0.2 ? component() : 'n', files)
    })
    const oracle = await libtorrentRead(torrents.map(torrent => torrent.bytes))
    const mismatches: string[] = []
    torrents.forEach((torrent, index) => {
      const theirs = oracle[index]!
      let ours: Metainfo | undefined
      try { ours = parseMetainfo(torrent.bytes) } catch (error) { mismatches.push(`${index}: we refused (${(error as Error).message}), libtorrent: ${theirs.error ?? 'read it'}`); return }
      if (theirs.error !== undefined) { mismatches.push(`${index}: libtorrent refused it: ${theirs.error}`); return }
      const got = JSON.stringify([ours.safeName, ours.files.map(file => file.safePath)])
      const want = JSON.stringify([theirs.name, theirs.files.map(file => file.path)])
      if (got !== want) mismatches.push(`${index}: ${got} != ${want}`)
    })
    expect(mismatches).toEqual([])
  })
})

describe('BitTorrent v2', () => {
  let folder: { path: string, cleanup: () => Promise<void> }
  beforeAll(async () => {
    folder = await tempDir()
    await mkdir(join(folder.path, 'album'))
    await writeFile(join(folder.path, 'album', 'one.mp3'), Buffer.alloc(20000, 1))
    await writeFile(join(folder.path, 'album', 'two.mp3'), Buffer.alloc(5000, 2))
  })
  afterAll(async () => { await folder.cleanup() })

  it('refuses a v2-only torrent naming BitTorrent v2 and what to do', async () => {
    const bytes = await libtorrentCreate(folder.path, join(folder.path, 'album'), 'v2')
    let error: unknown
    try { parseMetainfo(bytes) } catch (caught) { error = caught }
    expect(error).toBeInstanceOf(SeedcastError)
    expect((error as SeedcastError).message).toBe('this is a BitTorrent v2-only torrent, which seedcast cannot read yet')
    expect((error as SeedcastError).hint).toMatch(/hybrid \(v1 \+ v2\) torrent/)
    // The hand-made minimal v2 dictionary too (no `pieces`, a `file tree`).
    const handMade = bdict(['info', bdict(
      ['file tree', bdict(['a', bdict(['', bdict(['length', bint(5)], ['pieces root', bstr(Buffer.alloc(32, 7))])])])],
      ['meta version', bint(2)], ['name', bstr('a')], ['piece length', bint(16384)])])
    expect(() => parseMetainfo(handMade)).toThrow(/BitTorrent v2-only/)
  })

  it('reads a hybrid torrent through its v1 part, pad files included', async () => {
    const bytes = await libtorrentCreate(folder.path, join(folder.path, 'album'), 'hybrid')
    const [oracle] = await libtorrentRead([bytes])
    const ours = parseMetainfo(bytes)
    expect(oracle).toMatchObject({ hasV1: true, hasV2: true })
    expectSameAsLibtorrent(ours, oracle!)
    expect(ours.hybrid).toBe(true)
    expect(ours.files.map(file => [file.safePath, file.pad])).toEqual([['album/one.mp3', false], ['album/.pad/12768', true], ['album/two.mp3', false], ['album/.pad/11384', true]])
  })
})

describe('what libtorrent refuses, seedcast refuses too', () => {
  const refused: Array<[string, Buffer]> = [
    ['a file with no path that is not a pad file', oddTorrent('show', [{ path: ['a'], length: 1 }, { length: 5 }]).bytes],
    ['a path component that is not a string', bdict(['info', bdict(['files', blist(bdict(['length', bint(1)], ['path', blist(bstr('a'), bint(5))]))],
      ['name', bstr('n')], ['piece length', bint(16384)], ['pieces', bstr(Buffer.alloc(20))])])],
    ['a single file named ..', bdict(['info', bdict(['length', bint(1)], ['name', bstr('..')], ['piece length', bint(16384)], ['pieces', bstr(Buffer.alloc(20))])])],
    ['a negative file length', Buffer.from(oddTorrent('show', [{ path: ['a'], length: 1 }]).bytes.toString('latin1').replace('i1e', 'i-1e'), 'latin1')]
  ]

  it.each(refused.map(([label], index) => [label, index] as const))('refuses %s', async (_label, index) => {
    const bytes = refused[index]![1]
    const [oracle] = await libtorrentRead([bytes])
    expect(oracle!.error).toBeTruthy()
    expect(() => parseMetainfo(bytes)).toThrow(SeedcastError)
  })
})
