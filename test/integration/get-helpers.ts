// Shared pieces of the `seedcast get` integration tests: torrents made on the fly, an
// aria2c seeder, a web seed with Range support, and the CLI run as a child process.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createReadStream } from 'node:fs'
import { stat, writeFile } from 'node:fs/promises'
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { join } from 'node:path'
import { ARIA2_LISTEN_PORTS } from '../helpers/aria2.ts'
import { binPath, repoRoot } from '../helpers/cli.ts'
import { startJsonProcess } from '../helpers/json-process.ts'

export const fixtureMp3 = join(repoRoot, 'fixtures', 'episode.mp3')

interface CreateTorrentOptions { announceList: string[][], urlList?: string[], pieceLength?: number, name?: string, createdBy?: string }
type CreateTorrentFn = (input: string | string[], options: CreateTorrentOptions, callback: (error: Error | null, torrent: Uint8Array) => void) => void
const createTorrentModule = 'create-torrent'

/** A .torrent of `input` (file or folder) written to `out`; never any public tracker. */
export async function makeTorrent (input: string, out: string, options: { trackers?: string[], webSeeds?: string[], pieceLength?: number } = {}): Promise<Buffer> {
  const { default: createTorrent } = await import(createTorrentModule) as { default: CreateTorrentFn }
  const torrent = await new Promise<Uint8Array>((resolve, reject) => {
    createTorrent(input, {
      announceList: (options.trackers ?? []).map(url => [url]),
      urlList: options.webSeeds ?? [],
      pieceLength: options.pieceLength ?? 16384,
      createdBy: 'seedcast-test'
    }, (error, bytes) => error ? reject(error) : resolve(bytes))
  })
  await writeFile(out, torrent)
  return Buffer.from(torrent)
}

export interface Aria2Seeder { process: ChildProcess, stop: () => Promise<void>, log: () => string }

/**
 * aria2c seeding `torrentPath` with its data in `dataDir`, forever, on 127.0.0.1.
 * `unverified` skips the hash check, so it serves whatever bytes are on disk (the
 * corrupt-peer test); `uploadLimit` in bytes per second throttles it. Peers find it through
 * the torrent's tracker. It listens on the first port of ARIA2_LISTEN_PORTS it can bind: one
 * port found free beforehand could be taken by another process before aria2c binds it, and
 * aria2c then exits ("failed to bind TCP port").
 */
export async function startAria2Seeder (torrentPath: string, dataDir: string, options: { unverified?: boolean, uploadLimit?: number } = {}): Promise<Aria2Seeder> {
  const args = [
    '--seed-ratio=0.0', '--enable-dht=false', '--enable-dht6=false', '--bt-enable-lpd=false', '--enable-peer-exchange=false',
    `--listen-port=${ARIA2_LISTEN_PORTS}`, `--dir=${dataDir}`, '--quiet=true', '--console-log-level=warn', '--summary-interval=0',
    '--bt-tracker-interval=1', '--bt-stop-timeout=0', '--disable-ipv6=true', '--allow-overwrite=false', '--auto-file-renaming=false',
    '--file-allocation=none'
  ]
  if (options.unverified) args.push('--bt-seed-unverified=true')
  else args.push('-V')
  if (options.uploadLimit) args.push(`--max-upload-limit=${options.uploadLimit}`)
  args.push(torrentPath)
  const child = spawn('aria2c', args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let log = ''
  child.stdout!.on('data', (chunk: Buffer) => { log += chunk.toString() })
  child.stderr!.on('data', (chunk: Buffer) => { log += chunk.toString() })
  return {
    process: child,
    log: () => log,
    stop: () => stopProcess(child)
  }
}

export async function stopProcess (child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill('SIGKILL')
  await Promise.race([exited, new Promise(resolve => setTimeout(resolve, 3000))])
}

export interface WebSeed {
  url: string
  /** http://127.0.0.1:<port>, for the extra routes. */
  origin: string
  server: Server
  requests: { url?: string, range?: string, bytes: number }[]
  bytesServed: () => number
  /** Changes the pacing of responses started from now on (undefined = full speed). */
  setRate: (bytesPerSecond?: number) => void
  close: () => Promise<void>
}

/**
 * A plain HTTP server serving `file` at /<name> with Range support, as any web host or CDN
 * serves an episode. `bytesPerSecond` slows each response down; with `holdUntil`, requests
 * are taken (and recorded) at once but answered only once that promise has resolved, so a
 * test can make the web seed wait for an event on the downloader's side.
 */
export async function startWebSeed (file: string, name: string, options: { bytesPerSecond?: number, routes?: Record<string, Buffer>, holdUntil?: Promise<void> } = {}): Promise<WebSeed> {
  const { size } = await stat(file)
  const requests: { url?: string, range?: string, bytes: number }[] = []
  let served = 0
  let rate = options.bytesPerSecond
  const hold = options.holdUntil
  const server = createHttpServer((req, res) => {
    const entry = { url: req.url, range: req.headers.range, bytes: 0 }
    requests.push(entry)
    if (hold) hold.then(() => { if (!res.destroyed) answer(req, res, entry) }, () => res.destroy())
    else answer(req, res, entry)
  })
  const answer = (req: IncomingMessage, res: ServerResponse, entry: { bytes: number }): void => {
    const route = options.routes?.[req.url ?? '']
    if (route) { res.writeHead(200, { 'content-type': 'application/x-bittorrent', 'content-length': route.length }).end(route); return }
    if (decodeURIComponent(req.url ?? '') !== `/${name}`) { res.writeHead(404).end(); return }
    let start = 0
    let end = size - 1
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '')
    if (range) {
      start = range[1] ? Number(range[1]) : size - Number(range[2])
      end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1
      if (start > end || start >= size) { res.writeHead(416, { 'content-range': `bytes */${size}` }).end(); return }
      res.writeHead(206, { 'content-range': `bytes ${start}-${end}/${size}`, 'content-length': end - start + 1, 'accept-ranges': 'bytes' })
    } else {
      res.writeHead(200, { 'content-length': size, 'accept-ranges': 'bytes' })
    }
    if (req.method === 'HEAD') { res.end(); return }
    const stream = createReadStream(file, { start, end, highWaterMark: 16384 })
    const bytesPerSecond = rate
    if (!bytesPerSecond) {
      stream.on('data', (chunk: Buffer | string) => { served += chunk.length; entry.bytes += chunk.length })
      stream.pipe(res)
      return
    }
    // Throttled: one 16 KiB chunk at a time, paced to the rate.
    const pace = 16384 / bytesPerSecond * 1000
    stream.on('data', (chunk: Buffer | string) => {
      stream.pause()
      served += chunk.length
      entry.bytes += chunk.length
      res.write(chunk)
      setTimeout(() => stream.resume(), pace)
    })
    stream.on('end', () => res.end())
    res.on('close', () => stream.destroy())
  }
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}/${name}`,
    origin: `http://127.0.0.1:${port}`,
    server,
    requests,
    bytesServed: () => served,
    setRate: bytesPerSecond => { rate = bytesPerSecond },
    close: () => new Promise<void>(resolve => { server.closeAllConnections(); server.close(() => resolve()) })
  }
}

export interface GetProcess { child: ChildProcess, events: any[], stderr: () => string, exited: Promise<number | null> }

/** `seedcast get ... --json` as a child process whose events can be watched while it runs. */
export function spawnGet (args: string[]): GetProcess {
  const proc = startJsonProcess([binPath, 'get', ...args, '--json', '--no-dht'], { NO_COLOR: '1' })
  return { child: proc.child, events: proc.lines, stderr: proc.stderr, exited: proc.exited.then(exit => exit.code) }
}

/** The CLI with stdout kept as raw bytes (for --stdout), stderr as text. */
export function runGetRaw (args: string[], timeoutMs = 60_000, options: { cwd?: string, env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number | null, stdout: Buffer, stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binPath, 'get', ...args, '--no-dht'], { cwd: options.cwd ?? repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', ...options.env } })
    const chunks: Buffer[] = []
    let stderr = ''
    child.stdout!.on('data', (chunk: Buffer) => chunks.push(chunk))
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`seedcast get timed out; stderr: ${stderr}`)) }, timeoutMs)
    child.on('close', code => { clearTimeout(timer); resolve({ code, stdout: Buffer.concat(chunks), stderr }) })
  })
}

/** Parses the JSON lines `seedcast get --json` printed. */
export function jsonLines (text: string): any[] {
  return text.split('\n').filter(line => line.trim()).map(line => JSON.parse(line))
}

/** Polls `check` until it returns true, failing after `timeoutMs`. */
export async function waitUntil (check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}
