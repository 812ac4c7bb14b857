// Where `seedcast create` of a large file spends its time (issue 13), as a timeline in ms from
// the spawn: not part of `npm run bench` (it measures nothing against a goal; the torrent bench
// does). Copies this built checkout's bin/ and dist/ into a temp folder, adds trace marks to the
// copy (text inserted at fixed places of the compiled files: this fails, naming the place, when
// the code there has moved), then runs `create` on a 1 GiB file (BENCH_BYTES) ROUNDS times
// (default 11) and prints the median of each mark: process start, bin/run.js, the hash worker's
// thread started, its isolate booted, the command loaded, the first and last pieces of each
// thread, the .torrent written, the 'exit' event and the end of the process as its parent sees
// it. BASELINE=<another built checkout> (e.g. main's) is run alternately in the same rounds.
// node test/bench/create-timeline.ts (after `npm run build`)
import { spawn } from 'node:child_process'
import { randomFillSync } from 'node:crypto'
import { closeSync, cpSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, symlinkSync, writeFileSync, writeSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROUNDS = Number(process.env.ROUNDS ?? 11)
const SIZE = Number(process.env.BENCH_BYTES ?? 1024 ** 3)
const here = fileURLToPath(new URL('../..', import.meta.url))

// The marks: the anchor text of a compiled file and what replaces it (the same code with
// __t(label) calls around it). `optional` marks are skipped when their anchor is missing (a
// baseline older than the code they trace). __t writes "T <epoch ms> <thread> <label>" to stderr.
const DEFINE = 'globalThis.__t ??= (label) => process.stderr.write(`T ${(performance.timeOrigin + performance.now()).toFixed(2)} ${globalThis.__thread ?? \'main\'} ${label}\\n`);'
interface Mark { file: string, anchor: string, with: string, optional?: boolean }
const LANE_LOOP = '    for (let count = lane.step(); count > 0; count = lane.step())\n            hashed += count;'
const MARKS: Mark[] = [
  { file: 'bin/run.js', anchor: "const root = new URL('..', import.meta.url)\n", with: `const root = new URL('..', import.meta.url)\n${DEFINE} process.stderr.write('O ' + performance.timeOrigin + '\\n'); __t('bin/run.js runs'); process.on('exit', () => __t('exit event'));\n` },
  { file: 'dist/src/torrent/hash-worker-thread.js', anchor: '    const worker = new Worker(workerUrl', with: "    __t('worker thread started early'); const worker = new Worker(workerUrl", optional: true },
  { file: 'dist/src/torrent/hash-worker.js', anchor: "from 'node:worker_threads';\n", with: `from 'node:worker_threads';\nimport { isMainThread as __isMain } from 'node:worker_threads'; if (!__isMain) globalThis.__thread = 'worker'; ${DEFINE} if (!__isMain) __t('isolate booted (worker module runs)');\n` },
  { file: 'dist/src/torrent/hash-worker.js', anchor: LANE_LOOP, with: "    for (let count = lane.step(); count > 0; count = lane.step()) { if (hashed === 0) __t('first pieces hashed'); hashed += count; }\n        __t('last pieces hashed');" },
  { file: 'dist/src/torrent/hash-pool.js', anchor: 'hashWorkers(count = defaultWorkerCount()) {\n', with: "hashWorkers(count = defaultWorkerCount()) {\n    if (!workers[0]) __t('hash pool takes its first worker');\n" },
  { file: 'dist/cli/fast-start.js', anchor: '        Command = (await import(url)).default;', with: "        __t('command module loading'); Command = (await import(url)).default; __t('command module loaded');" },
  { file: 'dist/src/torrent/hash-lanes.js', anchor: '                    report();\n', with: "                    globalThis.__first ??= __t('first pieces hashed') ?? true; report();\n" },
  { file: 'dist/src/torrent/hash-lanes.js', anchor: '        await Promise.all(workers);', with: "        __t('last pieces hashed'); await Promise.all(workers); __t('all threads done');" },
  { file: 'dist/bundle/commands/create.js', anchor: 'await writeTorrentFile(output, created.torrent, { force: flags.force });', with: "await writeTorrentFile(output, created.torrent, { force: flags.force }); __t('.torrent written');" }
]

/** A copy of a built checkout at `to`, with the marks; node_modules is linked, not copied. */
function tracedCopy (from: string, to: string): void {
  for (const part of ['bin', 'dist', 'package.json', 'oclif.manifest.json']) cpSync(join(from, part), join(to, part), { recursive: true })
  symlinkSync(join(from, 'node_modules'), join(to, 'node_modules'))
  for (const mark of MARKS) {
    const path = join(to, mark.file)
    const text = existsSync(path) ? readFileSync(path, 'utf8') : ''
    if (text.includes(mark.anchor)) writeFileSync(path, text.replace(mark.anchor, mark.with))
    else if (!mark.optional) throw new Error(`${from}: ${mark.file} has no "${mark.anchor.trim()}" any more: move this mark (test/bench/create-timeline.ts)`)
  }
}

type Run = Record<string, number>

/** One traced `create`; each mark's first time (per thread) in ms from the spawn. */
function traced (root: string, data: string, output: string): Promise<Run> {
  const now = () => performance.timeOrigin + performance.now()
  return new Promise((resolve, reject) => {
    const started = now()
    const child = spawn(process.execPath, [join(root, 'bin', 'run.js'), 'create', data, '--no-date', '-o', output, '--force'], { stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
    child.on('error', reject)
    child.on('exit', code => {
      const run: Run = { 'process ended (parent sees it)': now() - started }
      if (code !== 0) return reject(new Error(`create failed (${code}): ${stderr}`))
      for (const line of stderr.split('\n')) {
        const origin = /^O (\S+)/.exec(line)
        if (origin) run['process start (timeOrigin)'] = Number(origin[1]) - started
        const mark = /^T (\S+) (\S+) (.*)/.exec(line)
        // The last-pieces mark is the last one of its thread; every other its first.
        if (mark) {
          const key = `${mark[2]}: ${mark[3]}`
          if (run[key] === undefined || mark[3]!.startsWith('last')) run[key] = Number(mark[1]) - started
        }
      }
      resolve(run)
    })
  })
}

const work = mkdtempSync(join(tmpdir(), 'seedcast-create-timeline-'))
try {
  const data = join(work, 'episode.bin')
  const block = Buffer.alloc(64 * 1024 * 1024)
  randomFillSync(block)
  const fd = openSync(data, 'w')
  for (let written = 0; written < SIZE; written += block.length) writeSync(fd, block, 0, Math.min(block.length, SIZE - written))
  closeSync(fd)
  const read = openSync(data, 'r')
  while (readSync(read, block, 0, block.length, null) > 0) { /* warm the page cache */ }
  closeSync(read)

  const checkouts = [['this checkout', here], ...(process.env.BASELINE ? [['BASELINE', resolve(process.env.BASELINE)]] : [])] as const
  const copies = checkouts.map(([label, from], index) => {
    const to = join(work, `copy${index}`)
    tracedCopy(from, to)
    return { label, root: to, runs: [] as Run[] }
  })
  for (let round = 0; round < ROUNDS; round++) {
    for (const copy of copies) copy.runs.push(await traced(copy.root, data, join(work, 'out.torrent')))
  }

  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
  const keys = [...new Set(copies.flatMap(copy => copy.runs.flatMap(run => Object.keys(run))))]
  const at = (copy: typeof copies[number], key: string) => median(copy.runs.map(run => run[key]).filter((value): value is number => value !== undefined))
  keys.sort((a, b) => (at(copies[0]!, a) ?? Infinity) - (at(copies[0]!, b) ?? Infinity))
  console.log(`seedcast create, ${(SIZE / 1024 ** 3).toFixed(2)} GiB file (page cache warm): ms from the spawn, median of ${ROUNDS} rounds${copies.length > 1 ? ' alternated' : ''}`)
  console.log(`| mark | ${copies.map(copy => copy.label).join(' | ')} |`)
  console.log(`|---|${copies.map(() => '---:').join('|')}|`)
  for (const key of keys) console.log(`| ${key} | ${copies.map(copy => at(copy, key)?.toFixed(1) ?? '-').join(' | ')} |`)
  console.log(`load average: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} on ${availableParallelism()} cores`)
} finally {
  rmSync(work, { recursive: true, force: true })
}
