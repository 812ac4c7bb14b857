// Feed rendering benchmark (issue 4): renderFeeds for a show of 5,000 episodes (synthetic
// catalog, every episode with chapters, SRI and magnet), median of several runs, per feed
// and for all four. Goal: < 100 ms for all four. The reference is JSON.stringify of the same
// catalog: the least any serialiser of it must do (a ratio near it means feeds cost little
// more than writing the catalog).
// Runs on the built library (npm run bench builds first).
import { createHash } from 'node:crypto'
import { availableParallelism, loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { generateRssFeed } from 'feedsmith'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { episodeUrls, podcastGuid, renderFeeds } from '../../dist/src/index.js'
import { renderFeedsReusing } from '../../dist/src/feed/render.js'
import { buildFeeds } from '../../dist/src/show/feeds.js'
import type { Episode, ShowConfig } from '../../src/model/show.ts'

const EPISODES = 5000
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

let output: ReturnType<typeof renderFeeds> | undefined
const all = time(() => { output = renderFeeds(show, episodes) })
const reference = time(() => JSON.stringify(episodes))
// After one publish: the previous build's items are copied, the new one rendered.
const before = renderFeedsReusing(show, episodes.slice(1))
let reused = 0
const incremental = time(() => { reused = renderFeedsReusing(show, episodes, { feeds: before.feeds, index: before.index }).reused })
const reusedBytes = renderFeedsReusing(show, episodes, { feeds: before.feeds, index: before.index }).feeds
const sameBytes = Object.entries(renderFeeds(show, episodes)).every(([name, text]) => Buffer.from(text).equals(reusedBytes[name as keyof typeof reusedBytes]))

// `feed build` end to end on a show folder (load + validate, render, four atomic fsynced
// writes, the item index, and the web pages: the show page and one page per episode): a full build, then builds after one more episode each time.
async function timeBuilds (): Promise<{ full: Timing, afterPublish: Timing, unchanged: Timing }> {
  const dir = await mkdtemp(join(tmpdir(), 'seedcast-feed-bench-'))
  try {
    await mkdir(join(dir, 'public'))
    await mkdir(join(dir, '.seedcast'))
    await writeFile(join(dir, 'show.json'), JSON.stringify(show, null, 2))
    const setCatalog = (list: Episode[]) => writeFile(join(dir, 'episodes.json'), JSON.stringify({ version: 1, episodes: list }, null, 2))
    const full: number[] = []
    const fullCpu: number[] = []
    const after: number[] = []
    const afterCpu: number[] = []
    const same: number[] = []
    const sameCpu: number[] = []
    const measure = async (wall: number[], cpuList: number[]) => {
      const cpuStart = process.cpuUsage()
      const started = performance.now()
      await buildFeeds(dir)
      wall.push(performance.now() - started)
      const used = process.cpuUsage(cpuStart)
      cpuList.push((used.user + used.system) / 1000)
    }
    for (let run = 0; run < 7; run++) {
      await setCatalog(episodes.slice(0, EPISODES - 8 + run))
      // A full build: neither the feeds' item index, nor the site's page records, nor the list of checked catalog entries.
      await rm(join(dir, '.seedcast', 'feed-items.json'), { force: true })
      await rm(join(dir, '.seedcast', 'site-pages.json'), { force: true })
      await rm(join(dir, '.seedcast', 'checked-episodes.json'), { force: true })
      await measure(full, fullCpu)
      await setCatalog(episodes.slice(0, EPISODES - 7 + run))
      await measure(after, afterCpu)
      // Again with nothing changed: everything is checked, nothing is written.
      await measure(same, sameCpu)
    }
    return {
      full: { median: median(full), min: Math.min(...full), cpu: median(fullCpu) },
      afterPublish: { median: median(after), min: Math.min(...after), cpu: median(afterCpu) },
      unchanged: { median: median(same), min: Math.min(...same), cpu: median(sameCpu) }
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
const builds = await timeBuilds()
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
console.log(row('feed build (buildFeeds: load, validate, render, fsynced writes), full (goal < 100 ms)', builds.full))
console.log(row('feed build after one publish (goal < 100 ms)', builds.afterPublish))
console.log(row('feed build with nothing changed (writes nothing)', builds.unchanged))
console.log(row('feedsmith generateRssFeed, rss.xml only, same full items', feedsmithFull))
console.log(row('feedsmith generateRssFeed, bare items (title, guid, enclosure)', feedsmithMinimal))
console.log(row('JSON.stringify(catalog) (reference)', reference))
console.log(`sizes: ${Object.entries(sizes).map(([name, size]) => `${name} ${size}`).join(', ')}`)
const goal = builds.afterPublish
console.log(goal.median < 100 ? `OK: feed build after one publish, median ${goal.median.toFixed(1)} ms < 100 ms` : `OVER GOAL: feed build after one publish, median ${goal.median.toFixed(1)} ms >= 100 ms (best ${goal.min.toFixed(1)} ms, CPU ${goal.cpu.toFixed(1)} ms)`)
