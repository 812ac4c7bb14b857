// feed build skips the schema for catalog entries an earlier build checked and found
// unchanged by it (.seedcast/checked-episodes.json); whatever the file says, a build loads
// exactly what the full schema check returns, and fails with the same error.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { episodeHash } from '../../src/feed/episode-hash.ts'
import type { Episode } from '../../src/model/show.ts'
import { buildFeeds } from '../../src/show/feeds.ts'
import { loadShow, loadShowForBuild, readCatalog, readCatalogForBuild } from '../../src/show/load.ts'
import { showPaths } from '../../src/model/paths.ts'
import { tempDir } from '../helpers/tmp.ts'
import { sampleEpisode, sampleShow } from '../integration/feed-lint-show.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

async function builtShow (episodes: unknown[]): Promise<string> {
  const tmp = await tempDir()
  cleanups.push(tmp.cleanup)
  await mkdir(join(tmp.path, 'public'))
  await writeFile(join(tmp.path, 'show.json'), JSON.stringify(sampleShow()))
  await setCatalog(tmp.path, episodes)
  await buildFeeds(tmp.path)
  return tmp.path
}

const setCatalog = (dir: string, episodes: unknown[], extra: Record<string, unknown> = {}) =>
  writeFile(join(dir, 'episodes.json'), JSON.stringify({ version: 1, episodes, ...extra }, null, 2))

/** The checked entries' hashes on record; `shared`: stored as "prefix" (the same list as the layout record's, not stored twice). */
async function checkedFile (dir: string): Promise<{ hashes: string[], shared: boolean }> {
  const stored = JSON.parse(await readFile(join(dir, '.seedcast', 'checked-episodes.json'), 'utf8')) as { hashes: string[] | 'prefix', prefix?: { raw: string[] } }
  return stored.hashes === 'prefix' ? { hashes: stored.prefix!.raw, shared: true } : { hashes: stored.hashes, shared: false }
}

/** What loadShowForBuild loads, or its error message; and the same for the full check. */
async function bothLoads (dir: string): Promise<[unknown, unknown]> {
  const outcome = (load: Promise<{ catalog: unknown }>) => load.then(loaded => loaded.catalog, (error: Error) => `error: ${error.message}`)
  return Promise.all([outcome(loadShowForBuild(dir)), outcome(loadShow(dir))])
}

const episodes = Array.from({ length: 5 }, (_, at) => sampleEpisode(at + 1))

describe('catalog check with the list of checked entries', () => {
  it('records the entries the schema returns unchanged, and loads what the full check loads', async () => {
    const dir = await builtShow(episodes)
    expect(await checkedFile(dir)).toEqual({ hashes: episodes.map(episodeHash), shared: true })
    const [fast, full] = await bothLoads(dir)
    expect(fast).toEqual(full)
    expect(fast).toEqual({ version: 1, episodes })
  })

  it('checks a changed entry again: an invalid one fails with the full check\'s error', async () => {
    const dir = await builtShow(episodes)
    await setCatalog(dir, episodes.map(episode => episode.slug === 'episode-3' ? { ...episode, title: '', infoHash: 'nope' } : episode))
    const [fast, full] = await bothLoads(dir)
    expect(fast).toMatch(/^error: episodes\.json: episodes\.2\.title: must not be empty; episodes\.2\.infoHash: /)
    expect(fast).toEqual(full)
    await expect(buildFeeds(dir)).rejects.toThrow('episodes.2.title: must not be empty')
  })

  it('trims and drops what the schema trims and drops, and never records such an entry as checked', async () => {
    const dir = await builtShow(episodes)
    const untidy: unknown[] = episodes.map(episode => episode.slug === 'episode-2' ? { ...episode, title: '  Spaced  ', extra: 'dropped' } : episode)
    await setCatalog(dir, untidy)
    for (let build = 0; build < 2; build++) {
      const [fast, full] = await bothLoads(dir)
      expect(fast).toEqual(full)
      expect((fast as { episodes: Episode[] }).episodes[1]).toEqual({ ...episodes[1], title: 'Spaced' })
      await buildFeeds(dir)
      expect(await checkedFile(dir)).toEqual({ hashes: episodes.filter(episode => episode.slug !== 'episode-2').map(episodeHash), shared: false })
    }
    expect(await readFile(join(dir, 'public', 'rss.xml'), 'utf8')).toContain('<title>Spaced</title>')
  })

  it('catches a duplicate slug and a catalog with other top-level fields as the full check does', async () => {
    const dir = await builtShow(episodes)
    await setCatalog(dir, [...episodes, { ...episodes[0]!, guid: 'another' }])
    const [duplicate, full] = await bothLoads(dir)
    expect(duplicate).toMatch(/duplicate slug "episode-1"/)
    expect(duplicate).toEqual(full)

    await setCatalog(dir, episodes, { note: 'dropped by the schema' })
    const [fast, fullAgain] = await bothLoads(dir)
    expect(fast).toEqual(fullAgain)
    expect(fast).toEqual({ version: 1, episodes })
  })

  it('takes the hashes of the entries the last build saw byte for byte from its record, and hashes the others', async () => {
    // Every entry's hash, whether taken from the record or computed, is the hash of the entry loaded.
    const loadChecked = async (dir: string) => {
      const { checks } = await loadShowForBuild(dir)
      const [fast, full] = await bothLoads(dir)
      expect(fast).toEqual(full)
      for (const episode of checks.catalog.episodes) expect(checks.hashes.get(episode)).toBe(episodeHash(episode))
      return checks
    }
    const many = Array.from({ length: 300 }, (_, at) => sampleEpisode(at + 1))
    const dir = await builtShow(many.slice(0, 299))
    // A publish appends an entry: every earlier one is the last build's.
    await setCatalog(dir, many)
    expect((await loadChecked(dir)).reused).toBe(299)
    await buildFeeds(dir)
    // An edit: the entries before the mark before it (one every 128 entries) are trusted.
    const edited = many.map(episode => episode.slug === 'episode-200' ? { ...episode, title: 'Edited' } : episode)
    await setCatalog(dir, edited)
    const afterEdit = await loadChecked(dir)
    expect(afterEdit.reused).toBe(128)
    expect(afterEdit.catalog.episodes[199]!.title).toBe('Edited')
    await buildFeeds(dir)
    expect((await loadChecked(dir)).reused).toBe(300)
    // A record that does not match the bytes (a digest changed): nothing trusted.
    const file = join(dir, '.seedcast', 'checked-episodes.json')
    const stored = JSON.parse(await readFile(file, 'utf8')) as { prefix: { marks: Array<[number, number, string]> } }
    for (const mark of stored.prefix.marks) mark[2] = 'x' + mark[2].slice(1)
    await writeFile(file, JSON.stringify(stored))
    expect((await loadChecked(dir)).reused).toBe(0)
    await buildFeeds(dir)
    expect((await loadChecked(dir)).reused).toBe(300)
  })

  it('parses a catalog in its own layout once, entry by entry, with no record or after a hand edit, and reads a broken one as before', async () => {
    const many = Array.from({ length: 300 }, (_, at) => sampleEpisode(at + 1))
    const dir = await builtShow(many)
    const catalogFile = join(dir, 'episodes.json')
    /** Loads for a build, counting the characters JSON.parse is given: the catalog's, and those of every parse. */
    const parsedCharacters = async () => {
      const catalog = (await readFile(catalogFile, 'utf8')).length
      const parse = vi.spyOn(JSON, 'parse')
      try {
        const { checks } = await loadShowForBuild(dir)
        const total = parse.mock.calls.reduce((sum, [text]) => sum + String(text).length, 0)
        return { catalog, total, checks }
      } finally {
        parse.mockRestore()
      }
    }
    const others = async () => (await readFile(join(dir, 'show.json'), 'utf8')).length + (await readFile(join(dir, '.seedcast', 'checked-episodes.json'), 'utf8').catch(() => '')).length
    // A first build (no record, as after a fresh clone): each entry parsed once, no whole-file parse on top.
    await rm(join(dir, '.seedcast', 'checked-episodes.json'))
    const first = await parsedCharacters()
    expect(first.checks.reused).toBe(0)
    expect(first.checks.prefix?.marks.at(-1)?.[1]).toBe(300)
    expect(first.total).toBeLessThan(first.catalog + await others() + 1000)
    expect(first.checks.catalog).toEqual({ version: 1, episodes: many })
    await buildFeeds(dir)
    // A hand edit in the same layout: the trusted entries in one parse, the others one by one.
    await setCatalog(dir, many.map(episode => episode.slug === 'episode-200' ? { ...episode, title: 'Edited by hand' } : episode))
    const edited = await parsedCharacters()
    expect(edited.checks.reused).toBe(128)
    expect(edited.total).toBeLessThan(edited.catalog + await others() + 1000)
    expect(edited.checks.catalog.episodes[199]!.title).toBe('Edited by hand')
    const [fast, full] = await bothLoads(dir)
    expect(fast).toEqual(full)
    // An entry that is not JSON: the whole file's parse error, as readCatalog gives it.
    const text = await readFile(catalogFile, 'utf8')
    await writeFile(catalogFile, text.replace('"title": "Edited by hand"', '"title": "Edited by hand",'))
    const [broken, fullBroken] = await bothLoads(dir)
    expect(broken).toMatch(/^error: episodes\.json: not valid JSON \(/)
    expect(broken).toEqual(fullBroken)
  })

  it("gives publish the catalog readCatalog gives, with every entry's hash", async () => {
    const dir = await builtShow(episodes)
    await setCatalog(dir, [...episodes, sampleEpisode(6)])
    const paths = showPaths(dir)
    const { catalog, hashes } = await readCatalogForBuild(paths)
    expect(catalog).toEqual(await readCatalog(paths))
    for (const episode of catalog.episodes) expect(hashes.get(episode)).toBe(episodeHash(episode))
    await setCatalog(dir, [{ ...episodes[0]!, title: '' }])
    await expect(readCatalogForBuild(paths)).rejects.toThrow('episodes.0.title: must not be empty')
  })

  it('trusts nothing in a layout seedcast does not write, nor when a second "episodes" follows the recorded bytes', async () => {
    const dir = await builtShow(episodes)
    const pretty = await readFile(join(dir, 'episodes.json'), 'utf8')
    // The same entries, then a second array under the same key: JSON.parse keeps the second.
    const replaced = [{ ...episodes[0]!, title: 'From the second array' }]
    const trailing = pretty.replace(/\n {2}\]\n\}\n?$/, `\n  ],\n  "episodes": ${JSON.stringify(replaced, null, 2)}\n}\n`)
    expect(trailing.startsWith(pretty.replace(/\n {2}\]\n\}\n?$/, ''))).toBe(true)
    await writeFile(join(dir, 'episodes.json'), trailing)
    const { checks } = await loadShowForBuild(dir)
    expect(checks.reused).toBe(0)
    expect(checks.catalog.episodes.map(episode => episode.title)).toEqual(['From the second array'])
    const [fast, full] = await bothLoads(dir)
    expect(fast).toEqual(full)
    // One line per entry (hand formatted): parsed and hashed as before, no layout recorded.
    await writeFile(join(dir, 'episodes.json'), `{"version": 1, "episodes": [\n${episodes.map(episode => JSON.stringify(episode)).join(',\n')}\n]}\n`)
    for (let build = 0; build < 2; build++) {
      const compact = await loadShowForBuild(dir)
      expect(compact.checks.reused).toBe(0)
      expect(compact.checks.prefix).toBeUndefined()
      expect(compact.catalog).toEqual({ version: 1, episodes })
      await buildFeeds(dir)
    }
  })

  it('ignores a list made by another schema or a torn list', async () => {
    const dir = await builtShow(episodes)
    const file = join(dir, '.seedcast', 'checked-episodes.json')
    // A list from another schema (an older seedcast) naming an entry this schema refuses: checked again, refused.
    const invalid = { ...episodes[0]!, sha256: 'not base64' }
    await setCatalog(dir, [invalid, ...episodes.slice(1)])
    await writeFile(file, JSON.stringify({ schema: 'another schema', hashes: [episodeHash(invalid)] }))
    const [refused, full] = await bothLoads(dir)
    expect(refused).toMatch(/^error: episodes\.json: episodes\.0\.sha256: /)
    expect(refused).toEqual(full)
    await setCatalog(dir, episodes)
    await writeFile(file, '{"schema": "x", "hashes": [')
    const [torn, fullAgain] = await bothLoads(dir)
    expect(torn).toEqual(fullAgain)
    await buildFeeds(dir)
    expect((await checkedFile(dir)).hashes).toHaveLength(5)
  })
})
