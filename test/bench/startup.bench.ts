// Start-up benchmark: `npm run bench -- startup`. Times `seedcast --version`,
// `seedcast create --help`, a command that fails (`seedcast info` of a missing file, after
// loading the command and oclif's parser; also with an empty compile cache) and
// `seedcast create` of a 1 MiB file (a command that succeeds: the fast run of
// cli/fast-start.ts, with its hash worker) against `node -e 0` under the same Node,
// interleaved, median of BENCH_ROUNDS (default 21). Needs a build and
// /usr/bin/time (for peak RSS). Goal: --version and help <= 1.5x node -e 0.
// BENCH_BASELINE=<another built checkout> (e.g. main's) adds each seedcast row run from
// there too, in the same rounds: a before/after under the same load.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 21)
const cli = fileURLToPath(new URL('../../bin/run.js', import.meta.url))

// The last case runs with an empty compile cache each round (NODE_COMPILE_CACHE, which
// bin/run.js keeps): a user's first run after an install or an upgrade.
const COLD = 'seedcast info, compile cache empty (first run)'
const cases: [string, string[], boolean][] = [
  ['node -e 0', ['-e', '0'], true],
  ['seedcast --version', [cli, '--version'], true],
  ['seedcast create --help', [cli, 'create', '--help'], true],
  ['seedcast --help', [cli, '--help'], true],
  ['seedcast info (one command, error exit)', [cli, 'info', '/nonexistent.torrent'], false],
  [COLD, [cli, 'info', '/nonexistent.torrent'], false]
]
const coldCache = mkdtempSync(join(tmpdir(), 'seedcast-bench-compile-cache-'))
const work = mkdtempSync(join(tmpdir(), 'seedcast-bench-startup-'))
const smallFile = join(work, 'one-mib.bin')
writeFileSync(smallFile, Buffer.alloc(1024 * 1024, 7))
cases.push(['seedcast create, 1 MiB file', [cli, 'create', smallFile, '--no-date', '-o', join(work, 'one-mib.torrent'), '--force'], true])
const baseline = process.env.BENCH_BASELINE
if (baseline) {
  const baselineCli = join(baseline, 'bin', 'run.js')
  for (const [label, [first, ...rest], mustSucceed] of [...cases]) {
    if (first === cli) cases.push([`${label}, baseline`, [baselineCli, ...rest], mustSucceed])
  }
}

const wall: number[][] = cases.map(() => [])
const cpu: number[][] = cases.map(() => [])
const rss: number[][] = cases.map(() => [])
for (let round = 0; round < ROUNDS; round++) {
  for (const [index, [label, args, mustSucceed]] of cases.entries()) {
    const started = process.hrtime.bigint()
    if (label.startsWith(COLD)) rmSync(coldCache, { recursive: true, force: true })
    const env = label.startsWith(COLD) ? { ...process.env, NODE_COMPILE_CACHE: coldCache } : process.env
    const result = spawnSync('/usr/bin/time', ['-f', '%U %S %M', process.execPath, ...args], { encoding: 'utf8', env })
    wall[index]!.push(Number(process.hrtime.bigint() - started) / 1e6)
    if (mustSucceed && result.status !== 0) throw new Error(`${label} failed: ${result.stderr}`)
    const [user, system, rssKiB] = result.stderr.trim().split('\n').at(-1)!.split(' ').map(Number)
    cpu[index]!.push((user! + system!) * 1000)
    rss[index]!.push(rssKiB! / 1024)
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const base = median(wall[0]!)
console.log(`median of ${ROUNDS} interleaved rounds`)
console.log('| what | wall ms | vs node -e 0 | CPU ms | peak RSS MiB |')
console.log('|---|---:|---:|---:|---:|')
for (const [index, [label]] of cases.entries()) {
  console.log(`| ${label} | ${median(wall[index]!).toFixed(0)} | ${(median(wall[index]!) / base).toFixed(2)}x | ${median(cpu[index]!).toFixed(0)} | ${median(rss[index]!).toFixed(0)} |`)
}
rmSync(coldCache, { recursive: true, force: true })
rmSync(work, { recursive: true, force: true })
console.log(`load average while measuring: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} on ${availableParallelism()} cores (ratios assume a quiet machine)`)
console.log(`goal <= 1.5x node -e 0: --version ${(median(wall[1]!) / base).toFixed(2)}x, create --help ${(median(wall[2]!) / base).toFixed(2)}x`)
