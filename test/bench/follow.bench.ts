// Follow benchmark (issue 11): 100 feeds × 20 episodes (16 KiB each, HTTP enclosures, CC
// license) served by an HTTP server in this process. Measured with the built CLI:
//   1. the first `follow run --once` (2,000 downloads + 2,000 torrents made): time and peak RSS,
//      against aria2c fetching the same 2,000 URLs (-j 16), the download alone;
//   2. a second `--once` with nothing new: requests and bytes (conditional GETs only);
//   3. `follow run` seeding all 2,000 episodes: time until every one is seeding and peak RSS,
//      first start (hashes every piece) and second start (fast resume), against `seedcast seed`
//      given the same 2,000 .torrent files and state folder.
import { spawn, spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const FEEDS = Number(process.env.FOLLOW_BENCH_FEEDS ?? 100)
const EPISODES = 20
const SIZE = 16 * 1024
const bin = fileURLToPath(new URL('../../bin/run.js', import.meta.url))

const files = new Map<string, { body: Buffer, etag: string, type: string }>()
let requests = 0
let bytes = 0
const server = createServer((req, res) => {
  requests++
  const file = files.get(req.url ?? '')
  if (!file) { res.writeHead(404).end(); return }
  if (req.headers['if-none-match'] === file.etag) { res.writeHead(304, { etag: file.etag }).end(); return }
  bytes += file.body.length
  res.writeHead(200, { 'content-type': file.type, 'content-length': file.body.length, etag: file.etag }).end(file.body)
})
await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
const put = (path: string, body: Buffer, type: string) => files.set(path, { body, type, etag: `"${createHash('sha1').update(body).digest('hex')}"` })

const urls: string[] = []
const outlines: string[] = []
for (let f = 0; f < FEEDS; f++) {
  const items: string[] = []
  for (let e = 0; e < EPISODES; e++) {
    const path = `/f${f}/e${e}.mp3`
    put(path, randomBytes(SIZE), 'audio/mpeg')
    urls.push(base + path)
    items.push(`<item><title>Episode ${e}</title><guid>f${f}-e${e}</guid><pubDate>${new Date(Date.UTC(2026, 0, 1 + e)).toUTCString()}</pubDate><enclosure url="${base}${path}" length="${SIZE}" type="audio/mpeg"/></item>`)
  }
  put(`/f${f}/feed.xml`, Buffer.from(`<?xml version="1.0"?><rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel><title>Feed ${f}</title><link>${base}/</link><description>d</description><podcast:license>CC-BY-4.0</podcast:license>${items.join('')}</channel></rss>`), 'application/rss+xml')
  outlines.push(`<outline text="Feed ${f}" type="rss" xmlUrl="${base}/f${f}/feed.xml"/>`)
}

const tmp = await mkdtemp(join(tmpdir(), 'seedcast-follow-bench-'))
const lib = join(tmp, 'library')
const state = join(tmp, 'state')
await writeFile(join(tmp, 'subs.opml'), `<?xml version="1.0"?><opml version="2.0"><head><title>b</title></head><body>${outlines.join('')}</body></opml>`)

/** Runs a command to its end under GNU time (async: the feed server lives in this process): seconds and peak RSS (MiB). */
function timed (command: string, args: string[]): Promise<{ seconds: number, rssMiB: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', '%e %M', '-o', join(tmp, 'time.txt'), command, ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
    child.on('error', reject)
    child.on('close', code => {
      if (code !== 0) return reject(new Error(`${command} ${args.slice(0, 3).join(' ')} failed: ${stderr.slice(-500)}`))
      readFile(join(tmp, 'time.txt'), 'utf8').then(text => {
        const [seconds, kib] = text.trim().split('\n').at(-1)!.split(' ').map(Number)
        resolve({ seconds: seconds!, rssMiB: kib! / 1024 })
      }, reject)
    })
  })
}

/** Starts a seeding process and waits for `count` 'seeding' events: seconds, peak RSS (MiB). */
function seedStart (args: string[], count: number): Promise<{ seconds: number, rssMiB: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let seeding = 0
    let buffered = ''
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`only ${seeding} of ${count} seeding after 600 s`)) }, 600_000)
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk
      const lines = buffered.split('\n')
      buffered = lines.pop()!
      for (const line of lines) if (line.includes('"event":"seeding"')) seeding++
      if (seeding === count) {
        const seconds = (performance.now() - started) / 1000
        readFile(`/proc/${child.pid}/status`, 'utf8').then(status => {
          const rssMiB = Number(/VmHWM:\s+(\d+)/.exec(status)![1]) / 1024
          clearTimeout(timer)
          child.once('close', () => resolve({ seconds, rssMiB }))
          child.kill('SIGTERM')
        }, reject)
        seeding = -Infinity
      }
    })
    child.on('error', reject)
  })
}

const node = process.execPath
const rows: string[][] = []
try {
  await timed(node, [bin, 'follow', 'import', join(tmp, 'subs.opml'), '--dir', lib])
  requests = 0
  bytes = 0
  const first = await timed(node, [bin, 'follow', 'run', '--once', '--keep', '0', '--no-dht', '--dir', lib, '--json'])
  const firstRequests = requests
  const aria = await timed('aria2c', ['-q', '-j', '16', '--dir', join(tmp, 'aria2'), '-i', await writeList(urls)])
  rows.push([`first --once (${FEEDS * EPISODES} episodes)`, `${first.seconds.toFixed(2)} s`, `${first.rssMiB.toFixed(0)} MiB`, `${(first.seconds / aria.seconds).toFixed(2)}x aria2c -j16 (${aria.seconds.toFixed(2)} s)`, `${firstRequests} requests`])

  requests = 0
  bytes = 0
  const second = await timed(node, [bin, 'follow', 'run', '--once', '--keep', '0', '--no-dht', '--dir', lib, '--json'])
  rows.push(['second --once (nothing new)', `${second.seconds.toFixed(2)} s`, `${second.rssMiB.toFixed(0)} MiB`, `${requests} requests, ${bytes} body bytes`, ''])

  const seedArgs = ['--no-dht', '--no-lsd', '--no-webrtc', '--state', state, '--json']
  const cold = await seedStart(['follow', 'run', '--keep', '0', '--dir', lib, ...seedArgs], FEEDS * EPISODES)
  const warm = await seedStart(['follow', 'run', '--keep', '0', '--dir', lib, ...seedArgs], FEEDS * EPISODES)
  const torrents = spawnSync('find', [lib, '-name', '*.torrent'], { encoding: 'utf8' }).stdout.trim().split('\n')
  const seed = await seedStart(['seed', ...torrents, ...seedArgs], torrents.length)
  rows.push([`follow run: seeding all ${torrents.length}, first start (hashing)`, `${cold.seconds.toFixed(2)} s`, `${cold.rssMiB.toFixed(0)} MiB`, '', ''])
  rows.push(['follow run: seeding all, fast resume', `${warm.seconds.toFixed(2)} s`, `${warm.rssMiB.toFixed(0)} MiB`, `${(warm.seconds / seed.seconds).toFixed(2)}x time, ${(warm.rssMiB / seed.rssMiB).toFixed(2)}x RSS of seed`, ''])
  rows.push(['seedcast seed, same torrents (reference)', `${seed.seconds.toFixed(2)} s`, `${seed.rssMiB.toFixed(0)} MiB`, '', ''])
} finally {
  server.close()
  await rm(tmp, { recursive: true, force: true })
}

async function writeList (list: string[]): Promise<string> {
  const path = join(tmp, 'urls.txt')
  await writeFile(path, list.join('\n') + '\n')
  return path
}

console.log(`load ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`)
console.log('| run | time | peak RSS | ratio / requests | |')
console.log('|---|---|---|---|---|')
for (const row of rows) console.log(`| ${row.join(' | ')} |`)
