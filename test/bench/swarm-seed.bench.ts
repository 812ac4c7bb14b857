// Seeding benchmarks (issue 5), over loopback with a local http tracker started here:
//  1. One 1 GiB file: `seedcast seed` -> aria2c leecher vs aria2c seeder -> aria2c leecher.
//     End to end (leecher start to exit) and transfer-only (first byte on the leecher's
//     disk to completion) throughput, seeder CPU time and peak RSS (from /proc).
//     Goals: >= 1.0x aria2c's throughput, CPU <= 1.5x aria2c's, RSS <= 100 MiB.
//  2. 1,000 small torrents seeded by one `seedcast seed` process, started again with
//     fast resume: time to the last "seeding" event (goal <= 5 s) and RSS (<= 300 MiB).
// BENCH_SIZE_MIB changes the big file's size; BENCH_RUNS the runs per seeder (median).
// Runs on the built CLI (npm run bench builds first). Run it inside `unshare -n` too, so
// nothing leaves loopback.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { randomFillSync } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createTorrent } from '../../dist/src/index.js'
import { makeBigFile, median, mib, startTracker, waitExit } from './swarm-common.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))
const bin = join(root, 'bin', 'run.js')
const SIZE = Number(process.env.BENCH_SIZE_MIB ?? 1024) * 1024 * 1024
const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const SMALL = Number(process.env.BENCH_SMALL ?? 1000)
const work = mkdtempSync(join(tmpdir(), 'seedcast-bench-seed-'))
const CLK_TCK = 100
const PAGE = 4096

/** CPU seconds (user + system) of a live process, from /proc/<pid>/stat. */
function cpuSeconds (pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK
}

/** Peak resident set (VmHWM) of a live process, bytes. */
function peakRss (pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return Number(match?.[1] ?? 0) * 1024
}

function currentRss (pid: number): number {
  const fields = readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')
  return Number(fields[1]) * PAGE
}

/** Spawns `seedcast seed --json` and resolves once `count` torrents are seeding. */
function startSeedcast (args: string[], count: number, env: NodeJS.ProcessEnv = {}): Promise<{ child: ChildProcess, readyMs: number }> {
  const started = performance.now()
  const child = spawn(process.execPath, [...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []), bin, 'seed', ...args, '--json', '--no-dht', '--no-lsd', '--no-webrtc'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let seeding = 0
  let buffered = ''
  let stderr = ''
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; if (process.env.BENCH_DEBUG) process.stdout.write('  seedcast stderr: ' + chunk) })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`seedcast not ready in 120 s: ${stderr}`)) }, 120_000)
    child.on('close', code => { clearTimeout(timer); reject(new Error(`seedcast exited ${code}: ${stderr}`)) })
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      if (process.env.BENCH_DEBUG) process.stdout.write('  seedcast: ' + chunk.slice(0, 120) + '\n')
      buffered += chunk
      const lines = buffered.split('\n')
      buffered = lines.pop()!
      for (const line of lines) {
        if (line.includes('"event":"seeding"')) seeding++
        if (line.includes('"event":"warning"')) process.stderr.write(`  seedcast warning: ${line}\n`)
      }
      if (seeding >= count) { clearTimeout(timer); child.removeAllListeners('close'); resolve({ child, readyMs: performance.now() - started }) }
    })
  })
}

function startAria2Seeder (torrent: string, dataDir: string): ChildProcess {
  return spawn('aria2c', ['--enable-dht=false', '--enable-dht6=false', '--bt-enable-lpd=false', '--enable-peer-exchange=false',
    '--seed-ratio=0.0', '--bt-seed-unverified=true', '--check-integrity=false', '--file-allocation=none',
    '--listen-port=' + (20000 + Math.floor(Math.random() * 20000)), '--console-log-level=error', '--summary-interval=0',
    '--dir', dataDir, torrent], { stdio: 'ignore' })
}

interface Transfer { endToEnd: number, transferOnly: number }

/** Runs an aria2c leecher to completion; polls the file for the first byte on disk. */
async function leech (torrent: string, name: string): Promise<Transfer> {
  const dir = mkdtempSync(join(work, 'leech-'))
  const file = join(dir, name)
  const started = performance.now()
  const child = spawn('aria2c', ['--enable-dht=false', '--enable-dht6=false', '--bt-enable-lpd=false', '--enable-peer-exchange=false',
    '--seed-time=0', '--file-allocation=none', '--bt-stop-timeout=60', '--console-log-level=error', '--summary-interval=0',
    '--listen-port=' + (40000 + Math.floor(Math.random() * 20000)), ...(process.env.BENCH_DEBUG ? ['--log=/tmp/bench-leech.log', '--log-level=info'] : []), '--dir', dir, torrent], { stdio: 'ignore' })
  let firstByte = 0
  const poll = setInterval(() => {
    if (firstByte) return
    try { if (statSync(file).size > 0) firstByte = performance.now() } catch { /* not yet */ }
  }, 5)
  const code = await waitExit(child)
  const done = performance.now()
  clearInterval(poll)
  if (code !== 0) throw new Error(`aria2c leecher exited ${code}`)
  if (statSync(file).size !== SIZE) throw new Error('leecher file has the wrong size')
  rmSync(dir, { recursive: true, force: true })
  return { endToEnd: (done - started) / 1000, transferOnly: (done - (firstByte || started)) / 1000 }
}

interface SeederFigures { endToEnd: number, transferOnly: number, cpu: number, rss: number }

async function benchBigFile (): Promise<void> {
  const tracker = await startTracker()
  const data = join(work, 'data')
  mkdirSync(data)
  const name = 'big.bin'
  makeBigFile(join(data, name), SIZE)
  if (process.env.BENCH_DEBUG) console.log('  file written')
  const created = await createTorrent(join(data, name), { announce: [[tracker.url]], pieceLength: 1024 * 1024 })
  const torrent = join(work, 'big.torrent')
  writeFileSync(torrent, created.torrent)
  const state = join(work, 'state-big')
  if (process.env.BENCH_DEBUG) console.log('  torrent created')
  // Fast-resume record first (unmeasured), so neither seeder hashes during the runs.
  const prime = await startSeedcast([torrent, '--data', data, '--state', state], 1)
  prime.child.kill('SIGTERM')
  await waitExit(prime.child)

  const runs: Record<'aria2c' | 'seedcast', SeederFigures[]> = { aria2c: [], seedcast: [] }
  for (let run = 0; run < RUNS; run++) {
    for (const who of ['aria2c', 'seedcast'] as const) {
      if (process.env.BENCH_DEBUG) console.log('  starting', who)
      const seeder = who === 'aria2c'
        ? startAria2Seeder(torrent, data)
        : (await startSeedcast([torrent, '--data', data, '--state', state], 1)).child
      if (who === 'aria2c') await new Promise(resolve => setTimeout(resolve, 500)) // let it announce first
      if (process.env.BENCH_DEBUG) console.log('  leeching from', who)
      const cpuBefore = cpuSeconds(seeder.pid!)
      const transfer = await leech(torrent, name)
      const figures = { ...transfer, cpu: cpuSeconds(seeder.pid!) - cpuBefore, rss: peakRss(seeder.pid!) }
      runs[who].push(figures)
      seeder.kill('SIGTERM')
      await waitExit(seeder)
      if (process.env.BENCH_DEBUG) console.log('  seeder exited')
      console.log(`  run ${run + 1} ${who.padEnd(8)} end-to-end ${(mib(SIZE) / figures.endToEnd).toFixed(0)} MiB/s, transfer-only ${(mib(SIZE) / figures.transferOnly).toFixed(0)} MiB/s, seeder CPU ${figures.cpu.toFixed(2)} s, peak RSS ${mib(figures.rss).toFixed(0)} MiB`)
    }
  }
  await tracker.close()
  const med = (who: 'aria2c' | 'seedcast', key: keyof SeederFigures) => median(runs[who].map(r => r[key]))
  const row = (label: string, a: number, s: number, better: 'higher' | 'lower', goal: string) =>
    console.log(`| ${label.padEnd(30)} | ${a.toFixed(2).padStart(8)} | ${s.toFixed(2).padStart(8)} | ${(better === 'higher' ? s / a : s / a).toFixed(2).padStart(5)}x | ${goal.padEnd(8)} |`)
  console.log(`\n${mib(SIZE).toFixed(0)} MiB file, 1 MiB pieces, loopback, medians of ${RUNS} runs (leecher: aria2c; seedcast node flags: ${process.env.BENCH_NODE_FLAGS || 'none'})`)
  console.log('| figure                         |   aria2c | seedcast | ratio  | goal     |')
  console.log('|--------------------------------|----------|----------|--------|----------|')
  row('end-to-end MiB/s', mib(SIZE) / med('aria2c', 'endToEnd'), mib(SIZE) / med('seedcast', 'endToEnd'), 'higher', '>= 1.0x')
  row('transfer-only MiB/s', mib(SIZE) / med('aria2c', 'transferOnly'), mib(SIZE) / med('seedcast', 'transferOnly'), 'higher', '>= 1.0x')
  row('seeder CPU s', med('aria2c', 'cpu'), med('seedcast', 'cpu'), 'lower', '<= 1.5x')
  row('seeder peak RSS MiB', mib(med('aria2c', 'rss')), mib(med('seedcast', 'rss')), 'lower', '<= 100MiB')
}

async function benchManyTorrents (): Promise<void> {
  const tracker = await startTracker()
  const dir = join(work, 'many')
  mkdirSync(dir)
  const torrents: string[] = []
  const chunk = Buffer.allocUnsafe(32 * 1024)
  for (let i = 0; i < SMALL; i++) {
    const file = join(dir, `episode-${i}.bin`)
    writeFileSync(file, randomFillSync(chunk))
    const created = await createTorrent(file, { announce: [[tracker.url]], pieceLength: 16 * 1024, creationDate: null })
    const path = join(dir, `episode-${i}.torrent`)
    writeFileSync(path, created.torrent)
    torrents.push(path)
  }
  const state = join(work, 'state-many')
  const figures: Array<{ label: string, ms: number, rss: number }> = []
  for (const label of ['cold (hash all)', 'warm (fast resume)']) {
    const { child, readyMs } = await startSeedcast([...torrents, '--state', state], SMALL)
    await new Promise(resolve => setTimeout(resolve, 3000)) // announces done, steady state
    figures.push({ label, ms: readyMs, rss: Math.max(peakRss(child.pid!), currentRss(child.pid!)) })
    child.kill('SIGTERM')
    await waitExit(child)
  }
  await tracker.close()
  console.log(`\n${SMALL} torrents of 32 KiB in one seedcast process (start = spawn to last "seeding" event, incl. Node start)`)
  console.log('| start                | time s | peak RSS MiB | goal              |')
  console.log('|----------------------|--------|--------------|-------------------|')
  for (const f of figures) console.log(`| ${f.label.padEnd(20)} | ${(f.ms / 1000).toFixed(2).padStart(6)} | ${mib(f.rss).toFixed(0).padStart(12)} | ${f.label.startsWith('warm') ? '<= 5 s, <= 300 MiB' : ''.padEnd(17)} |`)
}

try {
  if (!process.env.BENCH_ONLY || process.env.BENCH_ONLY === 'big') await benchBigFile()
  if (!process.env.BENCH_ONLY || process.env.BENCH_ONLY === 'many') await benchManyTorrents()
} finally {
  rmSync(work, { recursive: true, force: true })
}
