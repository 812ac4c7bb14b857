// Publishing benchmarks (issue 4):
//  1. `publish` of a 100 MB MP3 end to end (probe, copy, SHA-1 pieces + SHA-256, .torrent,
//     catalog, four feeds), in process and through the CLI, against `mktorrent` alone on the
//     same file with the same piece length (issue 4's goal, <= 1.3x, was replaced by issue 13's:
//     mktorrent alone does a third of the work), and against the C pipeline doing the same work
//     in parallel: mktorrent -t2, sha256sum, cp + sync of the copy (goal: <= 1.0x).
//  2. `feed build` on a show of 5,000 episodes (synthetic catalog). Goal: < 100 ms.
// Runs on the built library (npm run bench builds first). The CLI runs, the C pipeline and,
// with BENCH_BASELINE=<another built checkout> (e.g. main's), that checkout's `seedcast
// publish` alternate in each of BENCH_PUBLISH_RUNS rounds (default 3): a before/after under
// the same load.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { buildFeeds, createTorrent, initShow, loadShow, publish, removeEpisode, renderFeeds } from '../../dist/src/index.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const fixture = (name: string) => join(root, 'fixtures', name)
const work = mkdtempSync(join(tmpdir(), 'seedcast-bench-publish-'))
const RUNS = Number(process.env.BENCH_PUBLISH_RUNS ?? 3)
const baseline = process.env.BENCH_BASELINE

function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

/**
 * A valid ~100 MB CBR MP3: the audio frames of episode-2.mp3 (ID3 tag and LAME Info frame
 * dropped, so nothing claims a shorter length) repeated. Frames are self-contained in
 * CBR Layer III without bit reservoir across the seam, and decoders resync anyway.
 */
function make100MbMp3 (path: string): void {
  const data = readFileSync(fixture('episode-2.mp3'))
  const tagSize = data.subarray(0, 3).toString('latin1') === 'ID3'
    ? 10 + ((data[6]! << 21) | (data[7]! << 14) | (data[8]! << 7) | data[9]!)
    : 0
  let audio = data.subarray(tagSize)
  // The first frame is the Info/Xing header when it names itself within its first bytes.
  const head = audio.subarray(0, 200).toString('latin1')
  if (head.includes('Info') || head.includes('Xing')) {
    const frameLength = frameSize(audio)
    audio = audio.subarray(frameLength)
  }
  const copies = Math.ceil(100 * 1024 * 1024 / audio.length)
  writeFileSync(path, Buffer.concat(Array.from({ length: copies }, () => audio)))
}

// MPEG audio frame length from its 4-byte header (Layer III).
function frameSize (frame: Buffer): number {
  const header = frame.readUInt32BE(0)
  const version = (header >> 19) & 3 // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
  const bitrateIndex = (header >> 12) & 15
  const rateIndex = (header >> 10) & 3
  const padding = (header >> 9) & 1
  const mpeg1 = version === 3
  const bitrates = mpeg1
    ? [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
    : [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
  const rates = mpeg1 ? [44100, 48000, 32000] : version === 2 ? [22050, 24000, 16000] : [11025, 12000, 8000]
  return Math.floor((mpeg1 ? 144000 : 72000) * bitrates[bitrateIndex]! / rates[rateIndex]!) + padding
}

async function newShow (name: string, baseUrl = 'https://bench.example.org/show/'): Promise<string> {
  const dir = join(work, name)
  await initShow(dir, {
    title: 'Bench Show', description: 'Benchmark show', author: 'Bench', ownerName: 'Bench', ownerEmail: 'bench@example.org',
    language: 'en', category: 'Technology', baseUrl, image: fixture('cover.jpg'), trackers: ['udp://tracker.example.org:6969/announce']
  })
  return dir
}

const rows: string[][] = []

// 1. publish 100 MB vs mktorrent
const mp3 = join(work, 'big-episode.mp3')
make100MbMp3(mp3)
const size = statSync(mp3).size
const show = await newShow('show')
const publishTimes: number[] = []
let pieceLength = 0
for (let run = 0; run < RUNS; run++) {
  const started = performance.now()
  const result = await publish(show, mp3, { title: 'Big episode' })
  publishTimes.push(performance.now() - started)
  pieceLength = result.episode.pieceLength
  await removeEpisode(show, result.episode.slug)
}
const log2 = Math.log2(pieceLength)
const cliTimes: number[] = []
const baselineTimes: number[] = []
const pipelineTimes: number[] = []
/** `seedcast publish` of the MP3 through the CLI of the checkout at checkoutRoot, timed; the episode removed again. */
async function publishCli (checkoutRoot: string): Promise<number> {
  const started = performance.now()
  const cli = spawnSync(process.execPath, [join(checkoutRoot, 'bin/run.js'), 'publish', mp3, '--show', show, '--json'], { encoding: 'utf8' })
  const took = performance.now() - started
  if (cli.status !== 0) throw new Error(`seedcast publish (${checkoutRoot}) failed: ${cli.stderr}`)
  await removeEpisode(show, JSON.parse(cli.stdout).episode.slug)
  return took
}
// The same work done by C tools, in parallel on all cores: SHA-1 pieces (mktorrent -t2),
// SHA-256 (sha256sum) and the copy into the show made durable (cp, then sync of the copy).
function pipelineRun (run: number): number {
  const out = join(work, `pipe-${run}.torrent`)
  const copy = join(work, `pipe-${run}.mp3`)
  const script = `mktorrent -t2 -l ${log2} -a udp://tracker.example.org:6969/announce -o "$2" "$1" >/dev/null & sha256sum "$1" >/dev/null & (cp "$1" "$3" && sync "$3") & wait`
  const started = performance.now()
  execFileSync('sh', ['-c', script, 'pipeline', mp3, out, copy], { stdio: 'ignore' })
  const took = performance.now() - started
  rmSync(copy, { force: true })
  return took
}
for (let run = 0; run < RUNS; run++) {
  cliTimes.push(await publishCli(root))
  if (baseline) baselineTimes.push(await publishCli(baseline))
  pipelineTimes.push(pipelineRun(run))
}
const mktorrentTimes: number[] = []
for (let run = 0; run < RUNS; run++) {
  const out = join(work, `mk-${run}.torrent`)
  const started = performance.now()
  execFileSync('mktorrent', ['-l', String(log2), '-a', 'udp://tracker.example.org:6969/announce', '-o', out, mp3], { stdio: 'ignore' })
  mktorrentTimes.push(performance.now() - started)
}
const mk = median(mktorrentTimes)
const pipeline = median(pipelineTimes)
// The hashing alone, to show what publishing adds around it (probe, copy, writes, feeds).
const hashTimes: number[] = []
for (let run = 0; run < RUNS; run++) {
  const started = performance.now()
  await createTorrent(mp3, { pieceLength, sha256: true, creationDate: null, announce: [['udp://tracker.example.org:6969/announce']] })
  hashTimes.push(performance.now() - started)
}
rows.push([`createTorrent alone, SHA-1 + SHA-256 (${(size / 1048576).toFixed(0)} MiB)`, `${median(hashTimes).toFixed(0)} ms`, `mktorrent -l ${log2}: ${mk.toFixed(0)} ms`, `${(median(hashTimes) / mk).toFixed(2)}x`, '-'])
rows.push([`publish ${(size / 1048576).toFixed(0)} MiB MP3 (library)`, `${median(publishTimes).toFixed(0)} ms`, `mktorrent -l ${log2}: ${mk.toFixed(0)} ms`, `${(median(publishTimes) / mk).toFixed(2)}x`, '- (issue 4: <= 1.3x; replaced by issue 13: the C pipeline below)'])
rows.push([`publish ${(size / 1048576).toFixed(0)} MiB MP3 (CLI process)`, `${median(cliTimes).toFixed(0)} ms`, `mktorrent -l ${log2}: ${mk.toFixed(0)} ms`, `${(median(cliTimes) / mk).toFixed(2)}x`, '- (issue 4: <= 1.3x; replaced by issue 13: the C pipeline below)'])
rows.push([`publish ${(size / 1048576).toFixed(0)} MiB MP3 (library) vs C pipeline`, `${median(publishTimes).toFixed(0)} ms`, `mktorrent -t2 & sha256sum & cp+sync: ${pipeline.toFixed(0)} ms`, `${(median(publishTimes) / pipeline).toFixed(2)}x`, '<= 1.0x'])
rows.push([`publish ${(size / 1048576).toFixed(0)} MiB MP3 (CLI process) vs C pipeline`, `${median(cliTimes).toFixed(0)} ms`, `mktorrent -t2 & sha256sum & cp+sync: ${pipeline.toFixed(0)} ms`, `${(median(cliTimes) / pipeline).toFixed(2)}x`, '<= 1.0x'])
if (baseline) rows.push([`publish ${(size / 1048576).toFixed(0)} MiB MP3 (CLI process, BENCH_BASELINE) vs C pipeline`, `${median(baselineTimes).toFixed(0)} ms`, `mktorrent -t2 & sha256sum & cp+sync: ${pipeline.toFixed(0)} ms`, `${(median(baselineTimes) / pipeline).toFixed(2)}x`, '<= 1.0x'])

// 2. feed build on 5,000 episodes
const bigShow = await newShow('show-5000')
const episodes = Array.from({ length: 5000 }, (_, n) => {
  const slug = `episode-${n + 1}`
  const hex = (n + 1).toString(16).padStart(40, '0')
  return {
    slug,
    guid: `00000000-0000-4000-8000-${(n + 1).toString(16).padStart(12, '0')}`,
    title: `Episode ${n + 1}: a title of ordinary length for a podcast`,
    description: 'A description of a few sentences, as podcasts have. '.repeat(4).trim(),
    pubDate: new Date(Date.UTC(2010, 0, 1) + n * 86_400_000).toISOString(),
    season: Math.floor(n / 100) + 1,
    episode: (n % 100) + 1,
    explicit: false,
    draft: n % 50 === 49,
    duration: 1800 + n,
    mimeType: 'audio/mpeg',
    length: 30_000_000 + n,
    mediaPath: `media/${slug}.mp3`,
    torrentPath: `torrents/${slug}.torrent`,
    ...(n % 3 === 0 ? { chaptersPath: `chapters/${slug}.json` } : {}),
    infoHash: hex,
    sha256: Buffer.alloc(32, n % 256).toString('base64'),
    pieceLength: 262144
  }
})
writeFileSync(join(bigShow, 'episodes.json'), JSON.stringify({ version: 1, episodes }, null, 2) + '\n')
const buildTimes: number[] = []
let published = 0
await buildFeeds(bigShow) // warm-up: module loading, JIT
for (let run = 0; run < 5; run++) {
  const started = performance.now()
  published = (await buildFeeds(bigShow)).published
  buildTimes.push(performance.now() - started)
}
// The parts: reading + validating the catalog, and rendering (src/feed); the rest is locking and writing.
const loadTimes: number[] = []
const renderTimes: number[] = []
for (let run = 0; run < 5; run++) {
  let started = performance.now()
  const loaded = await loadShow(bigShow)
  loadTimes.push(performance.now() - started)
  started = performance.now()
  renderFeeds(loaded.config, loaded.catalog.episodes)
  renderTimes.push(performance.now() - started)
}
const rssBytes = statSync(join(bigShow, 'public', 'rss.xml')).size
rows.push([`feed build, 5,000 episodes (${published} published, rss.xml ${(rssBytes / 1048576).toFixed(1)} MiB)`, `${median(buildTimes).toFixed(0)} ms`, '-', '-', '< 100 ms'])
rows.push(['  of which: load + validate episodes.json', `${median(loadTimes).toFixed(0)} ms`, '-', '-', '-'])
rows.push(['  of which: renderFeeds (four feeds)', `${median(renderTimes).toFixed(0)} ms`, '-', '-', '-'])

rmSync(work, { recursive: true, force: true })

const header = ['benchmark', 'seedcast (median)', 'reference', 'ratio', 'goal']
const widths = header.map((title, column) => Math.max(title.length, ...rows.map(row => row[column]!.length)))
const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`
console.log(line(header))
console.log(`|${widths.map(width => '-'.repeat(width + 2)).join('|')}|`)
for (const row of rows) console.log(line(row))
console.log(`(runs: createTorrent ${hashTimes.map(t => t.toFixed(0)).join('/')} ms, publish ${publishTimes.map(t => t.toFixed(0)).join('/')} ms, CLI ${cliTimes.map(t => t.toFixed(0)).join('/')} ms, ${baseline ? `baseline CLI ${baselineTimes.map(t => t.toFixed(0)).join('/')} ms, ` : ''}mktorrent ${mktorrentTimes.map(t => t.toFixed(0)).join('/')} ms, C pipeline ${pipelineTimes.map(t => t.toFixed(0)).join('/')} ms, feed build ${buildTimes.map(t => t.toFixed(0)).join('/')} ms)`)
console.log(`load average after the runs: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} (ratios assume a quiet machine)`)
