import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadShow } from '../../src/show/load.js'
import { publish } from '../../src/show/publish.js'
import { binPath, runCli, runCliJson } from '../helpers/cli.js'
import { seededRandom } from '../helpers/prng.js'
import { exists, mp3Variant, readFeeds, tempShow, torrentMatches } from './publish-helpers.js'

/** The show's catalog and feeds agree: every file parses and each feed lists exactly the published episodes. */
async function expectConsistent (show: string): Promise<string[]> {
  const { catalog } = await loadShow(show) // schema-validates show.json and episodes.json
  const published = catalog.episodes.filter(episode => !episode.draft).map(episode => episode.guid).sort()
  const feeds = await readFeeds(show)
  expect(feeds.guids).toEqual({ rss: published, p2p: published, atom: published, json: published })
  for (const episode of catalog.episodes) {
    const media = join(show, 'public', episode.mediaPath)
    expect((await torrentMatches(join(show, 'public', episode.torrentPath), media)).infoHash).toBe(episode.infoHash)
  }
  return published
}

describe('publish safety', () => {
  let tmp: { path: string, cleanup: () => Promise<void> }
  let show: string
  beforeEach(async () => {
    ({ show, ...tmp } = await tempShow())
  })
  afterEach(async () => { await tmp.cleanup() })

  it('10 publish processes started at once end with 10 episodes and valid feeds; same bytes twice at once add one', { timeout: 120_000 }, async () => {
    const files = await Promise.all(Array.from({ length: 10 }, (_, n) => mp3Variant(join(tmp.path, `take-${n}.mp3`), n)))
    const runs = await Promise.all([...files, files[0]!, files[0]!].map(file => runCliJson(['publish', file, '--show', show], { timeoutMs: 100_000 })))
    for (const { result, json } of runs) expect(result.code, JSON.stringify(json)).toBe(0)
    expect(runs.filter(run => run.json.duplicate)).toHaveLength(2)
    const { catalog } = await loadShow(show)
    expect(catalog.episodes).toHaveLength(10)
    expect(new Set(catalog.episodes.map(episode => episode.sha256)).size).toBe(10)
    // Unique slugs, numbered from the title with no gaps: a publisher of bytes another is
    // publishing waits for it instead of holding a number (or the bare slug) of its own.
    const base = 'episode-2-chapters-and-cover-art'
    expect(catalog.episodes.map(episode => episode.slug).sort()).toEqual([base, ...Array.from({ length: 9 }, (_, n) => `${base}-${n + 2}`)].sort())
    expect(await expectConsistent(show)).toHaveLength(10)
    // Each published media is the file its publisher was given.
    for (const run of runs.slice(0, 10)) {
      const episode = catalog.episodes.find(candidate => candidate.sha256 === run.json.episode.sha256)!
      expect(episode.slug).toBe(run.json.episode.slug)
    }
    expect(await readFile(join(show, 'public', catalog.episodes[0]!.mediaPath))).toBeInstanceOf(Buffer)
  })

  it('a publisher of bytes another live publisher has claimed waits for that claim, then takes the slug it frees', { timeout: 60_000 }, async () => {
    const file = await mp3Variant(join(tmp.path, 'same.mp3'), 1)
    const sha256 = createHash('sha256').update(await readFile(file)).digest('base64')
    // Another publisher of these bytes, alive and between its claim and its commit.
    const other = spawn('sleep', ['60'], { stdio: 'ignore' })
    try {
      const claim = join(show, '.seedcast', 'reservations', 'episode-2-chapters-and-cover-art')
      await mkdir(dirname(claim), { recursive: true })
      await writeFile(claim, `${other.pid}\n${sha256}\n`)
      const child = spawn(process.execPath, [binPath, 'publish', file, '--show', show, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] })
      let stdout = ''
      let stderr = ''
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
      const exited = new Promise<number | null>(resolve => child.on('close', resolve))
      // It says whom it waits for, on stderr (stdout stays one JSON document).
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no wait announced; stderr: ${stderr}`)), 30_000)
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
          stderr += chunk
          if (stderr.includes('is publishing the same bytes')) { clearTimeout(timer); resolve() }
        })
        void exited.then(() => { clearTimeout(timer); reject(new Error(`exited before waiting; stderr: ${stderr}`)) })
      })
      expect(stderr).toBe(`seedcast: process ${other.pid} is publishing the same bytes; waiting for it to finish\n`)
      expect((await loadShow(show)).catalog.episodes).toEqual([])
      expect(await exists(join(show, 'public', 'media', 'episode-2-chapters-and-cover-art-2.mp3'))).toBe(false)
      // The other publisher failed and released its claim: this one takes the bare slug.
      await rm(claim)
      expect(await exited, stderr).toBe(0)
      const json = JSON.parse(stdout)
      expect(json.duplicate).toBe(false)
      expect(json.episode.slug).toBe('episode-2-chapters-and-cover-art')
      expect(json.episode.sha256).toBe(sha256)
      expect(await expectConsistent(show)).toEqual([json.episode.guid])
    } finally {
      other.kill()
    }
  })

  it('a publish waits for a claim of the same bytes made in its own process (two uploads to one server)', { timeout: 60_000 }, async () => {
    const file = await mp3Variant(join(tmp.path, 'same.mp3'), 3)
    const sha256 = createHash('sha256').update(await readFile(file)).digest('base64')
    // Another publish of this process (the server's API), between its claim and its commit.
    const claim = join(show, '.seedcast', 'reservations', 'episode-2-chapters-and-cover-art')
    await mkdir(dirname(claim), { recursive: true })
    await writeFile(claim, `${process.pid}\n${sha256}\nanother-upload\n`)
    let waitedFor: number | undefined
    let announced: () => void = () => {}
    const waiting = new Promise<void>(resolve => { announced = resolve })
    const publishing = publish(show, file, { onWaitForTwin: pid => { waitedFor = pid; announced() } })
    // Settled by the wait, or by the publish ending without one (the old behaviour).
    await Promise.race([waiting, publishing.then(() => undefined, () => undefined)])
    // Before, a claim of its own pid was passed over: it took episode-…-2 at once.
    expect(waitedFor).toBe(process.pid)
    expect((await loadShow(show)).catalog.episodes).toEqual([])
    // The other upload failed and released its claim: this one takes the bare slug.
    await rm(claim)
    const result = await publishing
    expect(result.duplicate).toBe(false)
    expect(result.episode.slug).toBe('episode-2-chapters-and-cover-art')
    expect(await readdir(join(show, '.seedcast', 'reservations'))).toEqual([])
  })

  it('a claim for the same bytes whose publisher was killed does not hold a publish back', { timeout: 60_000 }, async () => {
    const file = await mp3Variant(join(tmp.path, 'same.mp3'), 2)
    const sha256 = createHash('sha256').update(await readFile(file)).digest('base64')
    const killed = spawn('sleep', ['60'], { stdio: 'ignore' })
    const gone = new Promise(resolve => killed.on('exit', resolve))
    killed.kill('SIGKILL')
    await gone
    const claim = join(show, '.seedcast', 'reservations', 'episode-2-chapters-and-cover-art')
    await mkdir(dirname(claim), { recursive: true })
    await writeFile(claim, `${killed.pid}\n${sha256}\n`)
    const { result, json } = await runCliJson(['publish', file, '--show', show], { timeoutMs: 50_000 })
    expect(result.code, result.stderr).toBe(0)
    expect(json.episode.slug).toBe('episode-2-chapters-and-cover-art')
    expect(await readdir(join(show, '.seedcast', 'reservations'))).toEqual([])
  })

  it('a publish killed with SIGKILL at any moment leaves the catalog and feeds valid; the next publish succeeds', { timeout: 180_000 }, async () => {
    const delays: number[] = []
    const random = seededRandom()
    // Printed with every failure: SEEDCAST_TEST_SEED=<seed> replays the same kill delays.
    const replay = () => `kill delays ${delays.join(', ')} ms; replay with SEEDCAST_TEST_SEED=${random.seed}`
    let staleSeen = 0
    for (let round = 0; round < 10; round++) {
      const file = await mp3Variant(join(tmp.path, `kill-${round}.mp3`), round)
      // Spread over startup, probing, hashing, file placement and the catalog/feed writes (a publish takes ~0.5 s).
      const delay = 50 + round * 80 + random.int(80)
      delays.push(delay)
      const child = spawn(process.execPath, [binPath, 'publish', file, '--show', show], { stdio: 'ignore' })
      const exited = new Promise(resolve => child.on('exit', resolve))
      await new Promise(resolve => setTimeout(resolve, delay))
      child.kill('SIGKILL')
      await exited

      // Right after the kill: every file parses, old or new state.
      const { catalog } = await loadShow(show)
      const published = catalog.episodes.filter(episode => !episode.draft).map(episode => episode.guid).sort()
      const feeds = await readFeeds(show)
      if (await exists(join(show, '.seedcast', 'feeds-stale'))) {
        // Killed between the catalog write and the last feed write: each feed is the old or the new list.
        staleSeen++
        const older = published.filter(guid => guid !== catalog.episodes.at(-1)!.guid)
        for (const guids of Object.values(feeds.guids)) expect([published, older], replay()).toContainEqual(guids)
      } else {
        expect(feeds.guids, replay()).toEqual({ rss: published, p2p: published, atom: published, json: published })
      }
      // The next seedcast command repairs what the kill left, then catalog and feeds agree
      // exactly and no stale mark is left for a later reader.
      const list = await runCli(['episodes', 'list', '--show', show])
      expect(list.code, `${list.stderr} (${replay()})`).toBe(0)
      await expectConsistent(show)
      expect(await exists(join(show, '.seedcast', 'feeds-stale')), replay()).toBe(false)
    }
    const after = await runCliJson(['publish', await mp3Variant(join(tmp.path, 'after.mp3'), 99), '--show', show], { timeoutMs: 60_000 })
    expect(after.result.code, `${after.result.stderr} (${replay()})`).toBe(0)
    expect(after.json.duplicate).toBe(false)
    const published = await expectConsistent(show)
    expect(published).toContain(after.json.episode.guid)
    // What killed runs left is swept or harmless: no temp files in public/ or the show root,
    // no temp copies or slug claims in .seedcast/; at most media/torrents of uncommitted slugs.
    expect((await readdir(show)).sort()).toEqual(['.seedcast', 'episodes.json', 'public', 'show.json'])
    // (assets/ and seedcast-sw.js are there too once the player is built.)
    expect((await readdir(join(show, 'public'))).filter(name => name !== 'assets' && name !== 'seedcast-sw.js').sort())
      .toEqual(['atom.xml', 'chapters', 'cover.jpg', 'episodes', 'feed.json', 'index.html', 'media', 'p2p.xml', 'rss.xml', 'torrents'])
    for (const name of await readdir(join(show, 'public', 'episodes'))) expect(await readdir(join(show, 'public', 'episodes', name))).toEqual(['index.html'])
    for (const name of await readdir(join(show, 'public', 'media'))) expect(name).toMatch(/^[a-z0-9-]+\.mp3$/)
    for (const name of await readdir(join(show, 'public', 'torrents'))) expect(name).toMatch(/^[a-z0-9-]+\.torrent$/)
    expect(await readdir(join(show, '.seedcast', 'tmp'))).toEqual([])
    expect(await readdir(join(show, '.seedcast', 'reservations'))).toEqual([])
    // Some kills land before the commit, some after: the loop exercised both sides.
    const { catalog } = await loadShow(show)
    console.log(`SIGKILL seed ${random.seed}, delays ${delays.join(', ')} ms: ${catalog.episodes.length - 1} of 10 killed publishes had committed, ${staleSeen} left stale feeds`)
  })
})
