// Serving benchmark (issue 10): `seedcast serve` against nginx (1 worker, sendfile, gzip,
// started here with a temp config on 127.0.0.1) on the same public/, both measured by wrk.
// - random 1 MiB ranges of a 64 MiB file at 1, 4 and 16 connections: req/s ratio and p99
//   ratio (goal at 16: >= 0.6x nginx's req/s, p99 <= 2x);
// - rss.xml with Accept-Encoding: gzip, both answering gzip: req/s ratio (goal >= 0.5x);
// - soak: 200 connections for SOAK_SECONDS mixing feeds and ranges: errors and the
//   server's RSS at start and end.
//   RSS grew under the soak because V8's young generation grew to its 128 MiB maximum and
//   stayed committed (over 200 s / 170k requests with forced GCs: heap used flat at 30 MiB,
//   old space flat, no file descriptor or buffer left behind), levelling off near 290 MiB.
//   `seedcast serve` now keeps it at its initial size (--semi-space-growth-factor=1, as
//   `seed` does), and so does the server this bench starts.
// Env: SERVE_BENCH_SECONDS (per wrk run, default 5), SOAK_SECONDS (default 60).
// Runs on the built library (npm run bench builds first); seedcast runs in its own process.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomFillSync } from 'node:crypto'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from './swarm-common.ts'

const SECONDS = Number(process.env.SERVE_BENCH_SECONDS ?? 5)
const SOAK_SECONDS = Number(process.env.SOAK_SECONDS ?? 60)
const FILE_MIB = 64
const repoRoot = fileURLToPath(new URL('../..', import.meta.url))

const tmp = mkdtempSync(join(tmpdir(), 'seedcast-serve-bench-'))
// nginx's worker drops root for nobody, who must read the show.
chmodSync(tmp, 0o755)
const children: ChildProcess[] = []
/** Processes that are not our children: nginx's worker, which outlives a killed master (it then idles on for good). */
const strays: number[] = []
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL')
  for (const pid of strays) {
    try { process.kill(pid, 'SIGKILL') } catch { /* already gone */ }
  }
  rmSync(tmp, { recursive: true, force: true })
})

/** A show folder made by the library, with a 64 MiB random file at the root of public/. */
function makeShow (): string {
  const showDir = join(tmp, 'show')
  const script = `
    const { initShow, buildFeeds } = await import(${JSON.stringify(join(repoRoot, 'dist/src/index.js'))})
    await initShow(${JSON.stringify(showDir)}, { title: 'Bench', description: 'Serving benchmark', author: 'Bench', ownerName: 'Bench',
      ownerEmail: 'bench@example.org', language: 'en', category: 'Technology', baseUrl: 'http://127.0.0.1:8080/', trackers: [] })`
  const made = spawnSync(process.execPath, ['--input-type=module', '-e', script], { stdio: 'inherit' })
  if (made.status !== 0) throw new Error('could not make the bench show')
  // A feed of realistic size: the demo fixtures' rss.xml repeated would be invalid XML, and
  // rss.xml's content does not matter to either server; use the real one, padded with items.
  const rssPath = join(showDir, 'public', 'rss.xml')
  const rss = readFileSync(rssPath, 'utf8')
  const item = (i: number) => `<item><title>Episode ${i}</title><guid isPermaLink="false">bench-${i}</guid><description>What we talked about in episode ${i}: peers, pieces, web seeds and feeds.</description><enclosure url="http://127.0.0.1:8080/media/episode-${i}.mp3" length="${40_000_000 + i}" type="audio/mpeg"/><pubDate>Mon, 0${1 + i % 9} Nov 2026 09:00:00 GMT</pubDate></item>\n`
  writeFileSync(rssPath, rss.replace('</channel>', Array.from({ length: 30 }, (_, i) => item(i)).join('') + '</channel>'))
  const fd = openSync(join(showDir, 'public', 'big.bin'), 'w')
  const chunk = Buffer.alloc(1024 * 1024)
  for (let i = 0; i < FILE_MIB; i++) writeSync(fd, randomFillSync(chunk))
  closeSync(fd)
  return showDir
}

async function waitForHttp (port: number, path: string): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    const ok = await fetch(`http://127.0.0.1:${port}${path}`).then(response => response.ok, () => false)
    if (ok) return
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  throw new Error(`nothing answers on port ${port}`)
}

async function startSeedcast (showDir: string): Promise<{ port: number, pid: number }> {
  const port = await freePort()
  const script = `
    // What \`seedcast serve\` sets first (commands/serve.ts).
    ;(await import('node:v8')).setFlagsFromString('--semi-space-growth-factor=1')
    const { serveShows } = await import(${JSON.stringify(join(repoRoot, 'dist/src/index.js'))})
    await serveShows({ shows: [${JSON.stringify(showDir)}], port: ${port}, host: '127.0.0.1' })`
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'inherit'] })
  children.push(child)
  await waitForHttp(port, '/rss.xml')
  return { port, pid: child.pid! }
}

async function startNginx (showDir: string): Promise<{ port: number, pid: number }> {
  const port = await freePort()
  const prefix = join(tmp, 'nginx')
  spawnSync('mkdir', ['-p', join(prefix, 'logs')])
  const conf = join(prefix, 'nginx.conf')
  writeFileSync(conf, `
worker_processes 1;
daemon off;
pid ${join(prefix, 'nginx.pid')};
error_log ${join(prefix, 'logs', 'error.log')} warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  types { application/rss+xml xml; application/octet-stream bin; }
  gzip on;
  gzip_types application/rss+xml;
  gzip_vary on;
  client_body_temp_path ${prefix}/body; proxy_temp_path ${prefix}/proxy; fastcgi_temp_path ${prefix}/fastcgi; uwsgi_temp_path ${prefix}/uwsgi; scgi_temp_path ${prefix}/scgi;
  server { listen 127.0.0.1:${port}; root ${join(showDir, 'public')}; }
}
`)
  const child = spawn('nginx', ['-p', prefix, '-c', conf], { stdio: ['ignore', 'ignore', 'inherit'] })
  children.push(child)
  await waitForHttp(port, '/rss.xml')
  // The worker is the child of the master.
  const worker = spawnSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' }).stdout.trim().split('\n')[0]
  if (Number(worker)) strays.push(Number(worker))
  return { port, pid: Number(worker) || child.pid! }
}

function rssMib (pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024
}

/** CPU time (user + system) a process has used, in ms, from /proc (clock ticks of 10 ms). */
function cpuMs (pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10
}

/** A wrk run and the CPU the server spent on it, per request (steadier than req/s on a loaded machine). */
function wrkWithCpu (pid: number, ...args: Parameters<typeof wrk>): WrkResult & { cpuUsPerRequest: number } {
  const before = cpuMs(pid)
  const result = wrk(...args)
  return { ...result, cpuUsPerRequest: (cpuMs(pid) - before) * 1000 / Math.max(1, result.requests) }
}

interface WrkResult { requests: number, perSecond: number, p99Ms: number, errors: number, non2xx: number }

const toMs = (value: string, unit: string) => Number(value) * ({ us: 0.001, ms: 1, s: 1000, m: 60_000 }[unit] ?? 1)

function wrk (port: number, connections: number, seconds: number, script: string, extra: string[] = []): WrkResult {
  const scriptPath = join(tmp, `wrk-${Math.random().toString(36).slice(2)}.lua`)
  writeFileSync(scriptPath, script)
  const run = spawnSync('wrk', ['-t', String(Math.min(2, connections)), '-c', String(connections), '-d', `${seconds}s`, '--latency', '-s', scriptPath, ...extra, `http://127.0.0.1:${port}/`], { encoding: 'utf8' })
  const out = run.stdout
  const p99 = /^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$/m.exec(out)
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out)
  return {
    requests: Number(/(\d+) requests in/.exec(out)?.[1] ?? 0),
    perSecond: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0),
    p99Ms: p99 ? toMs(p99[1]!, p99[2]!) : Number.NaN,
    errors: errors ? errors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0)
  }
}

const rangeScript = `
math.randomseed(42)
request = function()
  local first = math.random(0, ${FILE_MIB - 1}) * 1048576
  return wrk.format("GET", "/big.bin", { ["Range"] = "bytes=" .. first .. "-" .. (first + 1048575) })
end`
const rssScript = `
request = function()
  return wrk.format("GET", "/rss.xml", { ["Accept-Encoding"] = "gzip" })
end`
const soakScript = `
math.randomseed(7)
local feeds = { "/rss.xml", "/p2p.xml", "/atom.xml", "/feed.json" }
request = function()
  if math.random() < 0.5 then
    return wrk.format("GET", feeds[math.random(1, 4)], { ["Accept-Encoding"] = "gzip, br" })
  end
  local first = math.random(0, ${FILE_MIB * 16 - 1}) * 65536
  return wrk.format("GET", "/big.bin", { ["Range"] = "bytes=" .. first .. "-" .. (first + 65535) })
end`

const showDir = makeShow()
const seedcast = await startSeedcast(showDir)
const nginx = await startNginx(showDir)
const gz = spawnSync('curl', ['-s', '-H', 'Accept-Encoding: gzip', '-o', '/dev/null', '-w', '%{size_download} %{content_type}', `http://127.0.0.1:${seedcast.port}/rss.xml`], { encoding: 'utf8' }).stdout
const gzNginx = spawnSync('curl', ['-s', '-H', 'Accept-Encoding: gzip', '-o', '/dev/null', '-w', '%{size_download} %{content_type}', `http://127.0.0.1:${nginx.port}/rss.xml`], { encoding: 'utf8' }).stdout
console.log(`load average ${loadavg().map(n => n.toFixed(1)).join(' ')}; ${SECONDS} s per wrk run; rss.xml gzipped: seedcast ${gz}, nginx ${gzNginx}`)
const rssStart = rssMib(seedcast.pid)

console.log('\n| test | seedcast req/s | nginx req/s | ratio | seedcast p99 | nginx p99 | p99 ratio | goal |')
console.log('|---|---|---|---|---|---|---|---|')
for (const connections of [1, 4, 16]) {
  // Alternate the order so neither server always runs on a cooler machine.
  const first = wrk(nginx.port, connections, SECONDS, rangeScript)
  const ours = wrk(seedcast.port, connections, SECONDS, rangeScript)
  const goal = connections === 16 ? '>= 0.6x, p99 <= 2x' : ''
  console.log(`| 1 MiB ranges, ${connections} conn | ${ours.perSecond.toFixed(0)} | ${first.perSecond.toFixed(0)} | ${(ours.perSecond / first.perSecond).toFixed(2)}x | ${ours.p99Ms.toFixed(1)} ms | ${first.p99Ms.toFixed(1)} ms | ${(ours.p99Ms / first.p99Ms).toFixed(2)}x | ${goal} |`)
  if (ours.errors + ours.non2xx > 0) console.log(`  (seedcast: ${ours.errors} socket errors, ${ours.non2xx} non-2xx)`)
}
const rssNginx = wrkWithCpu(nginx.pid, nginx.port, 16, SECONDS, rssScript)
const rssOurs = wrkWithCpu(seedcast.pid, seedcast.port, 16, SECONDS, rssScript)
console.log(`| rss.xml gzip, 16 conn | ${rssOurs.perSecond.toFixed(0)} | ${rssNginx.perSecond.toFixed(0)} | ${(rssOurs.perSecond / rssNginx.perSecond).toFixed(2)}x | ${rssOurs.p99Ms.toFixed(1)} ms | ${rssNginx.p99Ms.toFixed(1)} ms | ${(rssOurs.p99Ms / rssNginx.p99Ms).toFixed(2)}x | >= 0.5x |`)
// Each server is one process on one core, so requests per CPU second is what a core gives it,
// whatever else the machine runs: the steadier form of the same ratio.
console.log(`| rss.xml gzip, server CPU per request | ${rssOurs.cpuUsPerRequest.toFixed(0)} µs | ${rssNginx.cpuUsPerRequest.toFixed(0)} µs | ${(rssNginx.cpuUsPerRequest / rssOurs.cpuUsPerRequest).toFixed(2)}x | | | | >= 0.5x |`)
const rssAfterRuns = rssMib(seedcast.pid)

if (SOAK_SECONDS > 0) {
  // The server's RSS every tenth of the soak, by a sampler process (wrk blocks this one).
  const sampler = spawn(process.execPath, ['-e', `
    const { readFileSync } = require('node:fs')
    const sample = () => process.stdout.write((Number(/VmRSS:\\s+(\\d+)/.exec(readFileSync('/proc/${seedcast.pid}/status', 'utf8'))[1]) / 1024).toFixed(0) + ' ')
    setInterval(sample, ${SOAK_SECONDS * 100})`], { stdio: ['ignore', 'pipe', 'inherit'] })
  let samples = ''
  sampler.stdout.on('data', chunk => { samples += chunk })
  const soak = wrk(seedcast.port, 200, SOAK_SECONDS, soakScript, ['--timeout', '10s'])
  const rssEnd = rssMib(seedcast.pid)
  await new Promise(resolve => setTimeout(resolve, 200))
  sampler.kill()
  console.log(`\nsoak: 200 connections for ${SOAK_SECONDS} s, feeds (gzip/br) and 64 KiB ranges: ${soak.requests} requests, ${soak.perSecond.toFixed(0)} req/s, ${soak.errors} socket errors, ${soak.non2xx} non-2xx, p99 ${soak.p99Ms.toFixed(1)} ms`)
  console.log(`seedcast RSS: ${rssStart.toFixed(0)} MiB at start, ${rssAfterRuns.toFixed(0)} MiB after the wrk runs, ${rssEnd.toFixed(0)} MiB after the soak; nginx worker ${rssMib(nginx.pid).toFixed(0)} MiB`)
  console.log(`seedcast RSS during the soak, every ${SOAK_SECONDS / 10} s (MiB): ${samples.trim()}`)
} else {
  console.log(`\nseedcast RSS: ${rssStart.toFixed(0)} MiB at start, ${rssAfterRuns.toFixed(0)} MiB after the wrk runs; nginx worker ${rssMib(nginx.pid).toFixed(0)} MiB`)
}
process.exit(0)
