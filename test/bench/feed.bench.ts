// Feed rendering benchmark (issue 4): renderFeeds for a show of 5,000 episodes (synthetic
// catalog, every episode naming a chapters file, SRI and magnet), median of several runs, per feed
// and for all four. Goal: < 100 ms for all four. The reference is JSON.stringify of the same
// catalog: the least any serialiser of it must do (a ratio near it means feeds cost little
// more than writing the catalog).
// Runs on the built library (npm run bench builds first).
// BENCH_BASELINE=<another built checkout> (e.g. main's) adds the three `feed build` rows run
// with that checkout's buildFeeds too, on a show folder of its own, each step taken by both in
// turn: a before/after under the same load.
import { createHash } from 'node:crypto'
import { availableParallelism, loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { generateRssFeed } from 'feedsmith'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { episodeUrls, podcastGuid, renderFeeds } from '../../dist/src/index.js'
import { renderFeedsReusing } from '../../dist/src/feed/render.js'
import type { Episode, ShowConfig } from '../../src/model/show.ts'

const EPISODES = 5000
/** Timed full builds (and builds with nothing changed); builds after one publish. */
const FULL_BUILDS = 5
const PUBLISHES = 15
const RUNS = 15

const baseUrl = 'https://cdn.example.org/shows/bench/'
const show: ShowConfig = {
  version: 1,
  title: 'Benchmark show & friends',
  description: 'A synthetic show with a long back catalogue.',
  author: 'seedcast bench',
  owner: { name: 'Bench Owner', email: 'owner@example.org' },
  language: 'en',
  category: 'Technology',
  explicit: false,
  image: 'cover.jpg',
  link: 'https://example.org/',
  baseUrl,
  license: 'CC-BY-SA-4.0',
  trackers: ['udp://tracker.example.org:6969/announce', 'wss://tracker.example.org/'],
  funding: { url: 'https://example.org/support', title: 'Support' },
  podcastGuid: podcastGuid(`${baseUrl}rss.xml`),
  locked: true
}

const episodes: Episode[] = Array.from({ length: EPISODES }, (_, i) => {
  const slug = `episode-${i + 1}`
  return {
    slug,
    guid: `seedcast-${slug}`,
    title: `Episode ${i + 1}: notes & news <${i % 7}>`,
    description: `What we talked about in episode ${i + 1}: peers, pieces, web seeds and feeds. `.repeat(3),
    pubDate: new Date(Date.UTC(2010, 0, 1) + i * 86_400_000).toISOString(),
    season: Math.floor(i / 100) + 1,
    episode: (i % 100) + 1,
    explicit: i % 10 === 0,
    draft: i % 500 === 499,
    duration: 1800 + (i % 600),
    mimeType: 'audio/mpeg',
    length: 40_000_000 + i,
    mediaPath: `media/${slug}.mp3`,
    torrentPath: `torrents/${slug}.torrent`,
    chaptersPath: `chapters/${slug}.json`,
    infoHash: createHash('sha1').update(slug).digest('hex'),
    sha256: createHash('sha256').update(slug).digest('base64'),
    pieceLength: 262144
  }
})

function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

interface Timing { median: number, min: number, cpu: number }

// Wall time (median and best) and the CPU time of this process (median): on a loaded shared
// machine the wall time includes waiting for a core, the CPU time does not.
function time (work: () => unknown): Timing {
  const wall: number[] = []
  const cpu: number[] = []
  work() // warm up: JIT and lazy module state
  for (let run = 0; run < RUNS; run++) {
    const cpuStart = process.cpuUsage()
    const started = performance.now()
    work()
    wall.push(performance.now() - started)
    const used = process.cpuUsage(cpuStart)
    cpu.push((used.user + used.system) / 1000)
  }
  return { median: median(wall), min: Math.min(...wall), cpu: median(cpu) }
}

// `feed build` end to end on a show folder (load + validate, render, four atomic fsynced
// writes, the item index, and the web pages: the show page and one page per episode): full
// builds, then a build after each of PUBLISHES publishes, then builds with nothing changed.
// Each builder (this checkout's, and BENCH_BASELINE's) runs in a process of its own, on a
// folder of its own, as `seedcast feed build` does (so neither pays for collecting the
// other's garbage, nor for the renderings timed here), taking each step in turn.
/** A build's timing, with the median CPU time of the main thread alone (the rest is the thread pool's reads, writes and fsyncs, and V8's helpers). */
type BuildTiming = Timing & { mainCpu: number }
interface Builds { full: BuildTiming, afterPublish: BuildTiming, unchanged: BuildTiming, afterPublishChapters: BuildTiming, loadFresh: BuildTiming, loadEdited: BuildTiming }
interface Sample { wall: number, cpu: number, mainCpu: number }
/**
 * `chapters`: in the second show folder, where every episode's chapters file exists (in the first, none does).
 * `load`: times loading the catalog for a build (loadShowForBuild) instead of a build: with no record of the last
 * build ('fresh': a fresh clone), or with the record of a build of EPISODES and episode EDITED's title edited by hand.
 */
interface Step { episodes: number, fresh: boolean, chapters?: boolean, load?: 'fresh' | 'edited' }
const EDITED = 2500

/** In a builder's process: takes steps from stdin (one JSON line each), answers each with its timing. */
async function buildWorker (root: string): Promise<void> {
  const { buildFeeds } = await import(pathToFileURL(join(root, 'dist', 'src', 'show', 'feeds.js')).href) as { buildFeeds: (dir: string) => Promise<unknown> }
  const { loadShowForBuild } = await import(pathToFileURL(join(root, 'dist', 'src', 'show', 'load.js')).href) as { loadShowForBuild: (dir: string) => Promise<unknown> }
  /** The record of the last build of all EPISODES in the first folder (checked-episodes.json), for the 'edited' loads. */
  let record: Buffer | undefined
  const folders: string[] = []
  const folder = async (chapters: boolean): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), 'seedcast-feed-bench-'))
    folders.push(dir)
    await mkdir(join(dir, 'public'))
    await mkdir(join(dir, '.seedcast'))
    await writeFile(join(dir, 'show.json'), JSON.stringify(show, null, 2))
    if (chapters) {
      await mkdir(join(dir, 'public', 'chapters'))
      for (const episode of episodes) await writeFile(join(dir, 'public', episode.chaptersPath!), JSON.stringify({ version: '1.2.0', chapters: [{ startTime: 0, title: 'Start' }, { startTime: 600, title: `${episode.title}, part two` }] }))
    }
    return dir
  }
  const plain = await folder(false)
  let withChapters: string | undefined
  try {
    for await (const line of createInterface({ input: process.stdin })) {
      const step = JSON.parse(line) as Step
      const dir = step.chapters ? (withChapters ??= await folder(true)) : plain
      const checkedFile = join(dir, '.seedcast', 'checked-episodes.json')
      if (step.load === 'edited' && !record) {
        await writeFile(join(dir, 'episodes.json'), JSON.stringify({ version: 1, episodes }, null, 2))
        await buildFeeds(dir)
        record = await readFile(checkedFile)
      }
      const catalog = step.load === 'edited' ? episodes.map((episode, at) => at === EDITED - 1 ? { ...episode, title: `${episode.title} (edited)` } : episode) : episodes.slice(0, step.episodes)
      await writeFile(join(dir, 'episodes.json'), JSON.stringify({ version: 1, episodes: catalog }, null, 2))
      if (step.load) {
        if (step.load === 'fresh') await rm(checkedFile, { force: true })
        else await writeFile(checkedFile, record!)
        const cpuStart = process.cpuUsage()
        const started = performance.now()
        await loadShowForBuild(dir)
        const wall = performance.now() - started
        const used = process.cpuUsage(cpuStart)
        process.stdout.write(JSON.stringify({ wall, cpu: (used.user + used.system) / 1000, mainCpu: (used.user + used.system) / 1000 } satisfies Sample) + '\n')
        continue
      }
      if (step.fresh) {
        // A full build: neither the feeds' item index, nor the site's page records and show page record, nor the list of checked catalog entries.
        for (const state of ['feed-items.json', 'site-pages.json', 'show-page.json', 'checked-episodes.json']) await rm(join(dir, '.seedcast', state), { force: true })
      }
      const cpuStart = process.cpuUsage()
      const mainStart = process.threadCpuUsage()
      const started = performance.now()
      await buildFeeds(dir)
      const wall = performance.now() - started
      const used = process.cpuUsage(cpuStart)
      const main = process.threadCpuUsage(mainStart)
      process.stdout.write(JSON.stringify({ wall, cpu: (used.user + used.system) / 1000, mainCpu: (main.user + main.system) / 1000 } satisfies Sample) + '\n')
    }
  } finally {
    for (const dir of folders) await rm(dir, { recursive: true, force: true })
  }
}

async function timeBuilds (roots: string[]): Promise<Builds[]> {
  const workers = roots.map(root => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url)], { env: { ...process.env, FEED_BENCH_WORKER: root }, stdio: ['pipe', 'pipe', 'inherit'] })
    return { child, answers: createInterface({ input: child.stdout! })[Symbol.asyncIterator]() }
  })
  const take = async (at: number, step: Step): Promise<Sample> => {
    workers[at]!.child.stdin!.write(JSON.stringify(step) + '\n')
    const answer = await workers[at]!.answers.next()
    if (answer.done) throw new Error(`feed bench worker for ${roots[at]} ended early`)
    return JSON.parse(answer.value as string) as Sample
  }
  const samples = roots.map(() => ({ full: [] as Sample[], after: [] as Sample[], same: [] as Sample[], chapters: [] as Sample[], loadFresh: [] as Sample[], loadEdited: [] as Sample[] }))
  try {
    // Full builds of the show PUBLISHES episodes short.
    for (let run = 0; run < FULL_BUILDS; run++) {
      for (const at of roots.keys()) samples[at]!.full.push(await take(at, { episodes: EPISODES - PUBLISHES, fresh: true }))
    }
    // Then the show grows one episode at a time, a build after each publish, up to EPISODES.
    for (let run = 1; run <= PUBLISHES; run++) {
      for (const at of roots.keys()) samples[at]!.after.push(await take(at, { episodes: EPISODES - PUBLISHES + run, fresh: false }))
    }
    // Again with nothing changed: everything is checked, nothing is written.
    for (let run = 0; run < FULL_BUILDS; run++) {
      for (const at of roots.keys()) samples[at]!.same.push(await take(at, { episodes: EPISODES, fresh: false }))
    }
    // The same publishes on a show whose every episode has its chapters file, as publish
    // writes one for media with chapters: a build stats each file (a hand edit re-renders
    // its page), where in the first folder a listing of public/chapters/ finds none.
    for (const at of roots.keys()) await take(at, { episodes: EPISODES - PUBLISHES, fresh: true, chapters: true })
    for (let run = 1; run <= PUBLISHES; run++) {
      for (const at of roots.keys()) samples[at]!.chapters.push(await take(at, { episodes: EPISODES - PUBLISHES + run, fresh: false, chapters: true }))
    }
    // Loading the catalog alone (parse, layout, hashes, schema), with no record and after a hand edit.
    for (let run = 0; run < RUNS; run++) {
      for (const at of roots.keys()) samples[at]!.loadFresh.push(await take(at, { episodes: EPISODES, fresh: false, load: 'fresh' }))
      for (const at of roots.keys()) samples[at]!.loadEdited.push(await take(at, { episodes: EPISODES, fresh: false, load: 'edited' }))
    }
  } finally {
    for (const { child } of workers) child.stdin!.end()
    await Promise.all(workers.map(({ child }) => child.exitCode === null ? once(child, 'exit') : undefined))
  }
  const timing = (list: Sample[]): BuildTiming => ({ median: median(list.map(run => run.wall)), min: Math.min(...list.map(run => run.wall)), cpu: median(list.map(run => run.cpu)), mainCpu: median(list.map(run => run.mainCpu)) })
  return samples.map(({ full, after, same, chapters, loadFresh, loadEdited }) => ({ full: timing(full), afterPublish: timing(after), unchanged: timing(same), afterPublishChapters: timing(chapters), loadFresh: timing(loadFresh), loadEdited: timing(loadEdited) }))
}

if (process.env.FEED_BENCH_WORKER) {
  await buildWorker(process.env.FEED_BENCH_WORKER)
  process.exit(0)
}
const baselineRoot = process.env.BENCH_BASELINE
const [builds, baselineBuilds] = await timeBuilds([fileURLToPath(new URL('../..', import.meta.url)), ...(baselineRoot ? [resolve(baselineRoot)] : [])]) as [Builds, Builds?]
let output: ReturnType<typeof renderFeeds> | undefined
const all = time(() => { output = renderFeeds(show, episodes) })
const reference = time(() => JSON.stringify(episodes))
// After one publish: the previous build's items are copied, the new one rendered.
const before = renderFeedsReusing(show, episodes.slice(1))
let reused = 0
const incremental = time(() => { reused = renderFeedsReusing(show, episodes, { feeds: before.feeds, index: before.index }).reused })
const reusedBytes = renderFeedsReusing(show, episodes, { feeds: before.feeds, index: before.index }).feeds
const sameBytes = Object.entries(renderFeeds(show, episodes)).every(([name, text]) => Buffer.from(text).equals(reusedBytes[name as keyof typeof reusedBytes]))
// feedsmith alone on a minimal item list of the same length: what the library costs by itself.
const minimalItems = episodes.map(episode => ({ title: episode.title, guid: { value: episode.guid }, enclosures: [{ url: baseUrl + episode.mediaPath, length: episode.length, type: episode.mimeType }] }))
// feedsmith rendering rss.xml alone with the full podcast items seedcast writes: why seedcast writes items itself.
const fullItems = episodes.filter(episode => !episode.draft).map(episode => {
  const urls = episodeUrls(show, episode)
  return {
    title: episode.title,
    description: episode.description,
    enclosures: [{ url: urls.media, length: episode.length, type: episode.mimeType }],
    guid: { value: episode.guid, isPermaLink: false },
    pubDate: new Date(episode.pubDate),
    itunes: { duration: Math.round(episode.duration), explicit: episode.explicit, episodeType: 'full', season: episode.season, episode: episode.episode },
    podcast: {
      chapters: { url: urls.chapters!, type: 'application/json+chapters' },
      alternateEnclosures: [{
        type: episode.mimeType,
        length: episode.length,
        default: true,
        sources: [{ uri: urls.media }, { uri: urls.torrent, contentType: 'application/x-bittorrent' }, { uri: urls.magnet }],
        integrity: { type: 'sri', value: `sha256-${episode.sha256}` }
      }]
    }
  }
})
const feedsmithFull = time(() => generateRssFeed({ title: show.title, link: baseUrl, description: show.description, items: fullItems }))
const feedsmithMinimal = time(() => generateRssFeed({ title: show.title, link: baseUrl, description: show.description, items: minimalItems }))

const sizes = Object.fromEntries(Object.entries(output!).map(([name, text]) => [name, (Buffer.byteLength(text) / 1048576).toFixed(1) + ' MiB']))
const published = episodes.filter(episode => !episode.draft).length
const row = (what: string, timing: Timing) =>
  `| ${what} | ${timing.median.toFixed(1)} | ${timing.min.toFixed(1)} | ${timing.cpu.toFixed(1)} | ${(timing.median / reference.median).toFixed(1)}x |`
console.log(`renderFeeds, ${EPISODES} episodes (${published} published), ${RUNS} runs after a warm-up; load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`)
console.log('| what | median ms | best ms | CPU ms (median) | ratio to JSON.stringify(catalog), medians |')
console.log('|---|---:|---:|---:|---:|')
console.log(row('renderFeeds, all four feeds, full', all))
console.log(row(`renderFeedsReusing after one publish (${reused} items copied, 1 rendered; same bytes as full: ${sameBytes ? 'yes' : 'NO'})`, incremental))
const main = (timing: BuildTiming) => `; main thread ${timing.mainCpu.toFixed(1)} ms CPU`
for (const [what, timings] of [['', builds], [', BENCH_BASELINE', baselineBuilds]] as const) {
  if (!timings) continue
  console.log(row(`feed build (buildFeeds: load, validate, render, fsynced writes), full${what}${main(timings.full)}`, timings.full))
  console.log(row(`feed build after one publish${what} (goal < 100 ms${main(timings.afterPublish)})`, timings.afterPublish))
  console.log(row(`feed build with nothing changed (writes nothing)${what}${main(timings.unchanged)}`, timings.unchanged))
  console.log(row(`feed build after one publish, every episode with a chapters file${what}${main(timings.afterPublishChapters)}`, timings.afterPublishChapters))
  console.log(row(`catalog load for a build (loadShowForBuild), no record of a last build (fresh clone)${what}`, timings.loadFresh))
  console.log(row(`catalog load for a build, record of the last build, episode ${EDITED} edited by hand${what}`, timings.loadEdited))
}
console.log(row('feedsmith generateRssFeed, rss.xml only, same full items', feedsmithFull))
console.log(row('feedsmith generateRssFeed, bare items (title, guid, enclosure)', feedsmithMinimal))
console.log(row('JSON.stringify(catalog) (reference)', reference))
console.log(`sizes: ${Object.entries(sizes).map(([name, size]) => `${name} ${size}`).join(', ')}`)
const goal = builds.afterPublish
console.log(goal.median < 100 ? `OK: feed build after one publish, median ${goal.median.toFixed(1)} ms < 100 ms` : `OVER GOAL: feed build after one publish, median ${goal.median.toFixed(1)} ms >= 100 ms (best ${goal.min.toFixed(1)} ms, CPU ${goal.cpu.toFixed(1)} ms)`)
