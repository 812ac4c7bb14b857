// Benchmark of the torrent engine: `npm run bench -- torrent`. Makes a 1 GiB file in a temp
// folder, warms the page cache, then times (median of BENCH_ROUNDS interleaved rounds, default 5,
// as the machines are shared and noisy) `seedcast create` (CLI and library), `seedcast verify`,
// `mktorrent -t2` with the same piece length, `openssl sha1` (one core) and the floor of any
// Node program doing this work (node-hash-floor.js: Node's start, a worker's boot, the
// hashing, nothing else). Prints ratios and peak RSS. Needs a build (dist/) and Debian's mktorrent, openssl and /usr/bin/time.
// BENCH_BASELINE=<another built checkout> (e.g. main's) adds its `seedcast create` to every
// round: a before/after under the same load.
import { spawnSync } from 'node:child_process'
import { createHash, randomFillSync } from 'node:crypto'
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const GiB = 1024 ** 3
const SIZE = Number(process.env.BENCH_BYTES ?? GiB)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const PIECE_LOG2 = 20 // 1 MiB pieces, what choosePieceLength picks for 1 GiB
const root = fileURLToPath(new URL('../..', import.meta.url))
const cli = join(root, 'bin', 'run.js')
const library = new URL('../../dist/src/torrent/create.js', import.meta.url).href
const inspector = new URL('../../dist/src/torrent/inspect.js', import.meta.url).href
const decoder = new URL('../../dist/src/torrent/bencode.js', import.meta.url).href

interface Run { seconds: number, cpuSeconds?: number, rssMiB?: number, stdout?: string }

/** Runs a command under /usr/bin/time; wall time measured here, CPU time and peak RSS (KiB) from time. */
function timed (command: string, args: string[]): Run {
  const started = process.hrtime.bigint()
  const result = spawnSync('/usr/bin/time', ['-f', '%U %S %M', command, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr}`)
  const [user, system, rssKiB] = result.stderr.trim().split('\n').at(-1)!.split(' ').map(Number)
  return { seconds, cpuSeconds: user! + system!, rssMiB: rssKiB! / 1024, stdout: result.stdout }
}

function median (runs: Run[]): Run {
  const sorted = [...runs].sort((a, b) => a.seconds - b.seconds)
  return sorted[Math.floor(sorted.length / 2)]!
}

function makeFile (path: string): void {
  const block = Buffer.alloc(64 * 1024 * 1024)
  randomFillSync(block)
  const fd = openSync(path, 'w')
  for (let written = 0; written < SIZE; written += block.length) {
    block.writeUInt32LE(written / block.length, 0) // no two blocks alike
    writeSync(fd, block, 0, Math.min(block.length, SIZE - written))
  }
  closeSync(fd)
}

function warm (path: string): void {
  const buffer = Buffer.alloc(16 * 1024 * 1024)
  const fd = openSync(path, 'r')
  while (readSync(fd, buffer, 0, buffer.length, null) > 0) { /* read to fill the page cache */ }
  closeSync(fd)
}

const dir = mkdtempSync(join(tmpdir(), 'seedcast-bench-'))
try {
  const data = join(dir, 'episode.bin')
  makeFile(data)
  warm(data)
  warm(data)

  // The library call, in a child so its RSS is its own: a first (cold) call, which also
  // boots the hash worker, then a second one in the same process, the steady-state rate.
  const libraryScript = `(async () => {
    const { createTorrent } = await import(${JSON.stringify(library)})
    const measure = async () => {
      const started = performance.now()
      const cpu = process.cpuUsage()
      const made = await createTorrent(${JSON.stringify(data)}, { pieceLength: ${2 ** PIECE_LOG2}, creationDate: null })
      const used = process.cpuUsage(cpu)
      return { seconds: (performance.now() - started) / 1000, cpu: (used.user + used.system) / 1e6, infoHash: made.infoHash }
    }
    const cold = await measure()
    const warm = await measure()
    console.log(JSON.stringify({ cold, warm, rss: process.resourceUsage().maxRSS / 1024 }))
  })()`

  const baseline = process.env.BENCH_BASELINE
  const runs: Record<string, Run[]> = { mktorrent: [], create: [], baseline: [], library: [], warm: [], verify: [], openssl: [], floor: [] }
  const floorScript = fileURLToPath(new URL('node-hash-floor.js', import.meta.url))
  let floorHash = ''
  let libraryHash = ''
  for (let round = 0; round < ROUNDS; round++) {
    runs.mktorrent!.push(timed('mktorrent', ['-t2', '-l', String(PIECE_LOG2), '-d', '-o', join(dir, `mk${round}.torrent`), data]))
    runs.create!.push(timed(process.execPath, [cli, 'create', data, '--piece-length', `2^${PIECE_LOG2}`, '--no-date', '-o', join(dir, 'sc.torrent'), '--force']))
    if (baseline) runs.baseline!.push(timed(process.execPath, [join(baseline, 'bin', 'run.js'), 'create', data, '--piece-length', `2^${PIECE_LOG2}`, '--no-date', '-o', join(dir, 'base.torrent'), '--force']))
    const child = spawnSync(process.execPath, ['-e', libraryScript], { encoding: 'utf8' })
    if (child.status !== 0) throw new Error(`library run failed: ${child.stderr}`)
    type Measured = { seconds: number, cpu: number, infoHash: string }
    const parsed = JSON.parse(child.stdout) as { cold: Measured, warm: Measured, rss: number }
    runs.library!.push({ seconds: parsed.cold.seconds, cpuSeconds: parsed.cold.cpu, rssMiB: parsed.rss })
    runs.warm!.push({ seconds: parsed.warm.seconds, cpuSeconds: parsed.warm.cpu })
    libraryHash = parsed.cold.infoHash
    runs.verify!.push(timed(process.execPath, [cli, 'verify', join(dir, 'sc.torrent'), data]))
    runs.openssl!.push(timed('openssl', ['sha1', data]))
    const floor = timed(process.execPath, [floorScript, data, String(2 ** PIECE_LOG2)])
    runs.floor!.push(floor)
    floorHash = floor.stdout?.trim() ?? ''
  }

  const { inspectTorrent } = await import(inspector) as { inspectTorrent: (path: string) => { infoHash: string } }
  const mkHash = inspectTorrent(join(dir, 'mk0.torrent')).infoHash
  const same = mkHash === inspectTorrent(join(dir, 'sc.torrent')).infoHash && mkHash === libraryHash
  const mk = median(runs.mktorrent!)
  const openssl = median(runs.openssl!)
  const mib = SIZE / 1024 ** 2
  const rows = [
    ['mktorrent -t2 (create)', mk],
    ['seedcast create (CLI)', median(runs.create!)],
    ...(baseline ? [['seedcast create (CLI, BENCH_BASELINE)', median(runs.baseline!)] as const] : []),
    ['createTorrent() (library, first call)', median(runs.library!)],
    ['createTorrent() (library, second call)', median(runs.warm!)],
    ['Node floor: main + worker hashing, no CLI (node-hash-floor.js)', median(runs.floor!)],
    ['seedcast verify (CLI)', median(runs.verify!)],
    ['openssl sha1 (1 core)', openssl]
  ] as const
  console.log(`${(SIZE / GiB).toFixed(2)} GiB file, ${2 ** PIECE_LOG2 / 1024} KiB pieces, page cache warm, median of ${ROUNDS} rounds`)
  console.log('| what | wall s | MiB/s | vs mktorrent -t2 | vs openssl sha1 | CPU s | peak RSS MiB |')
  console.log('|---|---:|---:|---:|---:|---:|---:|')
  for (const [label, run] of rows) {
    console.log(`| ${label} | ${run.seconds.toFixed(3)} | ${(mib / run.seconds).toFixed(0)} | ${(mk.seconds / run.seconds).toFixed(2)}x | ${(openssl.seconds / run.seconds).toFixed(2)}x | ${run.cpuSeconds?.toFixed(2) ?? '-'} | ${run.rssMiB?.toFixed(0) ?? '-'} |`)
  }
  const create = median(runs.create!)
  console.log(`same infohash as mktorrent (CLI and library): ${same ? 'yes' : 'NO'} (${mkHash})`)
  // The floor prints the SHA-1 of its piece hashes: the same pieces as mktorrent's, or its figure means nothing.
  const { bdecode } = await import(decoder) as { bdecode: (input: Uint8Array) => { value: { info: { pieces: Buffer } } } }
  const mkPieces = createHash('sha1').update(bdecode(readFileSync(join(dir, 'mk0.torrent'))).value.info.pieces).digest('hex')
  console.log(`Node floor hashed the same pieces as mktorrent: ${floorHash === mkPieces ? 'yes' : 'NO'}`)
  console.log(`load average while measuring: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} on ${availableParallelism()} cores (ratios assume a quiet machine)`)
  console.log(`goal creation >= 1.0x mktorrent -t2: CLI ${(mk.seconds / create.seconds).toFixed(2)}x, library ${(mk.seconds / median(runs.library!).seconds).toFixed(2)}x (warm ${(mk.seconds / median(runs.warm!).seconds).toFixed(2)}x)${baseline ? `, baseline CLI ${(mk.seconds / median(runs.baseline!).seconds).toFixed(2)}x` : ''}; goal RSS <= 100 MiB: CLI ${create.rssMiB?.toFixed(0)} MiB`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
