// Helpers shared by the publish-*.test.ts files: a show made through the library (alone or
// in a fresh temp folder), a hash
// of a whole folder tree, the feeds parsed back, and .torrent pieces checked against bytes.
import { createHash } from 'node:crypto'
import { access, readdir, readFile, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from 'feedsmith'
import { initShow } from '../../src/show/init.js'
import type { Catalog } from '../../src/model/show.js'
import { tempDir } from '../helpers/tmp.js'

export const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url))
export const BASE_URL = 'https://pod.example.org/show/'

/** The init flags of a valid show (CLI form). */
export const initFlags = [
  '--title', 'Test Show', '--description', 'A show for the tests', '--author', 'Tester',
  '--owner-name', 'Tester', '--owner-email', 'tester@example.org', '--language', 'en-us',
  '--category', 'Technology', '--base-url', 'https://pod.example.org/show', '--image', fixture('cover.jpg')
]

export async function makeShow (dir: string): Promise<void> {
  await initShow(dir, {
    title: 'Test Show', description: 'A show for the tests', author: 'Tester', ownerName: 'Tester',
    ownerEmail: 'tester@example.org', language: 'en', category: 'Technology', baseUrl: BASE_URL,
    image: fixture('cover.jpg'), trackers: ['udp://tracker.example.org:6969/announce']
  })
}

/** A fresh temp folder (`path`) with a valid show in its `show` folder; cleanup removes both. */
export async function tempShow (): Promise<{ path: string, show: string, cleanup: () => Promise<void> }> {
  const tmp = await tempDir()
  const show = join(tmp.path, 'show')
  try {
    await makeShow(show)
  } catch (error) {
    await tmp.cleanup()
    throw error
  }
  return { ...tmp, show }
}

export const exists = (path: string) => access(path).then(() => true, () => false)

/** Every path below dir with its kind and the SHA-256 of its content: equal iff nothing changed. */
export async function treeHash (dir: string): Promise<string> {
  const entries: string[] = []
  async function walk (folder: string): Promise<void> {
    for (const entry of (await readdir(folder, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(folder, entry.name)
      if (entry.isDirectory()) {
        entries.push(`d ${relative(dir, path)}`)
        await walk(path)
      } else {
        entries.push(`f ${relative(dir, path)} ${createHash('sha256').update(await readFile(path)).digest('hex')}`)
      }
    }
  }
  await walk(dir)
  return entries.join('\n')
}

export async function readCatalogFile (showDir: string): Promise<Catalog> {
  return JSON.parse(await readFile(join(showDir, 'episodes.json'), 'utf8')) as Catalog
}

/** Parses the four feeds of a show with feedsmith; `guids` are each feed's item ids, sorted. */
export async function readFeeds (showDir: string) {
  const read = (name: string) => readFile(join(showDir, 'public', name), 'utf8')
  const rss = parseRssFeed(await read('rss.xml'))
  const p2p = parseRssFeed(await read('p2p.xml'))
  const atom = parseAtomFeed(await read('atom.xml'))
  const json = parseJsonFeed(JSON.parse(await read('feed.json')))
  const sorted = (values: (string | undefined)[]) => values.map(value => String(value)).sort()
  return {
    rss, p2p, atom, json,
    guids: {
      rss: sorted((rss.items ?? []).map(item => item.guid?.value)),
      p2p: sorted((p2p.items ?? []).map(item => item.guid?.value)),
      atom: sorted((atom.entries ?? []).map(entry => entry.id?.replace(/^urn:uuid:/, ''))),
      json: sorted((json.items ?? []).map(item => item.id?.replace(/^urn:uuid:/, '')))
    }
  }
}

// parse-torrent ships no types; a non-literal specifier keeps TypeScript from asking for them.
const parseTorrentName = 'parse-torrent'
async function parseTorrentModule (): Promise<(data: Buffer) => Promise<unknown>> {
  return (await import(parseTorrentName)).default
}

/** Checks a .torrent's every SHA-1 piece, length and name against a file's bytes. */
export async function torrentMatches (torrentPath: string, mediaPath: string): Promise<{ infoHash: string, name: string, webSeeds: string[], announce: string[] }> {
  const torrent = await (await parseTorrentModule())(await readFile(torrentPath)) as { infoHash: string, name: string, length: number, pieceLength: number, pieces: string[], urlList: string[], announce: string[] }
  const data = await readFile(mediaPath)
  if (torrent.length !== data.length) throw new Error(`length ${torrent.length} != ${data.length}`)
  const count = Math.ceil(data.length / torrent.pieceLength)
  if (torrent.pieces.length !== count) throw new Error(`${torrent.pieces.length} pieces, expected ${count}`)
  torrent.pieces.forEach((piece, index) => {
    const bytes = data.subarray(index * torrent.pieceLength, (index + 1) * torrent.pieceLength)
    if (createHash('sha1').update(bytes).digest('hex') !== piece) throw new Error(`piece ${index} does not match`)
  })
  return { infoHash: torrent.infoHash, name: torrent.name, webSeeds: torrent.urlList, announce: torrent.announce }
}

/**
 * A valid MP3 with its own SHA-256: episode-2.mp3 with one byte changed inside the
 * audio data of its last frame (headers and tags untouched, so it probes the same).
 */
export async function mp3Variant (path: string, n: number): Promise<string> {
  const data = Buffer.from(await readFile(fixture('episode-2.mp3')))
  const at = data.length - 40 - (n % 30)
  data[at] = data[at]! ^ (1 + Math.floor(n / 30))
  await writeFile(path, data)
  return path
}
