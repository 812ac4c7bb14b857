// `seedcast serve` as a user runs it (the built CLI in a child process): the JSON line
// when listening on port 0, one line per show with its feeds, the base URL warning,
// --seed in the same process, clean stops on SIGTERM and SIGINT, and one-line errors.
import { spawn } from 'node:child_process'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { createServer as createNetServer, type AddressInfo, type Server } from 'node:net'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { binPath, repoRoot, runCli } from '../helpers/cli.js'
import { within } from '../helpers/json-process.js'
import { tempDir } from '../helpers/tmp.js'
import { makePublishedShow } from './serve-helpers.js'

let tmp: Awaited<ReturnType<typeof tempDir>>
let showDir: string
const cleanups: Array<() => Promise<void> | void> = []

beforeAll(async () => {
  tmp = await tempDir('seedcast-serve-cli-')
  showDir = join(tmp.path, 'show')
  await makePublishedShow(showDir, 'http://127.0.0.1:8080/', ['episode-2.mp3'], 'CLI Show')
})
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })
afterAll(async () => { await tmp?.cleanup() })

interface ServeProcess { stdoutLines: () => string[], stderr: () => string, waitForLine: (test: (line: string) => boolean, ms: number) => Promise<string>, waitForStderr: (text: string, ms: number) => Promise<void>, signal: (name: NodeJS.Signals) => Promise<{ code: number | null, ms: number }> }

function startServe (args: string[], env: Record<string, string> = {}): ServeProcess {
  const child = spawn(process.execPath, [binPath, 'serve', ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', ...env } })
  let stdout = ''
  let stderr = ''
  const waiters = new Set<() => void>()
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; for (const waiter of waiters) waiter() })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; for (const waiter of waiters) waiter() })
  const exited = new Promise<number | null>(resolve => child.on('close', code => resolve(code)))
  cleanups.push(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
  // Complete lines only: the last one may still be arriving.
  const lines = () => stdout.slice(0, stdout.lastIndexOf('\n') + 1).split('\n').filter(line => line.trim() !== '')
  return {
    stdoutLines: lines,
    stderr: () => stderr,
    waitForLine: (test, ms) => new Promise((resolve, reject) => {
      const check = () => { const line = lines().find(test); if (line !== undefined) { waiters.delete(check); clearTimeout(timer); resolve(line) } }
      const timer = setTimeout(() => { waiters.delete(check); reject(new Error(`serve: no matching line in ${ms} ms; stdout: ${stdout}; stderr: ${stderr}`)) }, ms)
      waiters.add(check)
      check()
    }),
    waitForStderr: (text, ms) => new Promise((resolve, reject) => {
      const check = () => { if (stderr.includes(text)) { waiters.delete(check); clearTimeout(timer); resolve() } }
      const timer = setTimeout(() => { waiters.delete(check); reject(new Error(`serve: stderr lacks ${JSON.stringify(text)} after ${ms} ms; stderr: ${stderr}`)) }, ms)
      waiters.add(check)
      check()
    }),
    signal: async name => {
      const started = Date.now()
      child.kill(name)
      const code = await within(exited, 2 * STOP_MS, `serve stop after ${name}`)
      return { code, ms: Date.now() - started }
    }
  }
}

/**
 * A stop must not sit out the drain deadline (--drain-timeout, 30 s by default): that is what
 * a connection left open costs. The bound is half of it, far above what load makes of a stop
 * (1.4-1.6 s at load ~10; a bound of 5 s left a loaded 2-core machine only 3x that).
 */
const STOP_MS = 15_000

describe('seedcast serve', () => {
  it('--port 0 --json prints one JSON line with the real URL and the shows, serves them, and stops on SIGTERM', async () => {
    const serve = startServe([showDir, '--port', '0', '--json'])
    const line = JSON.parse(await serve.waitForLine(() => true, 20_000)) as { url: string, shows: Array<{ title: string, path: string, feeds: Record<string, string>, episodes: number }>, warnings: string[] }
    expect(line.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    expect(line.url).not.toBe('http://127.0.0.1:0/')
    expect(line.shows).toHaveLength(1)
    expect(line.shows[0]).toMatchObject({ title: 'CLI Show', path: '/', episodes: 1, feeds: { rss: 'http://127.0.0.1:8080/rss.xml', p2p: 'http://127.0.0.1:8080/p2p.xml', atom: 'http://127.0.0.1:8080/atom.xml', json: 'http://127.0.0.1:8080/feed.json' } })
    expect(line.warnings).toHaveLength(1)
    // The library names its options (`host`/`port`); the command shows them as its flags.
    expect(line.warnings[0]).toContain("serve with the base URL's --host/--port")
    const rss = await fetch(new URL('rss.xml', line.url))
    expect(rss.status).toBe(200)
    expect(Buffer.from(await rss.arrayBuffer()).equals(await readFile(join(showDir, 'public', 'rss.xml')))).toBe(true)
    const stop = await serve.signal('SIGTERM')
    expect(stop.code).toBe(0)
    expect(stop.ms).toBeLessThan(STOP_MS)
    await expect(fetch(new URL('rss.xml', line.url))).rejects.toThrow()
  })

  it('prints one line per show with its feed URLs, warns when the base URL names another port, and stops on SIGINT', async () => {
    const serve = startServe([showDir, '--port', '0'])
    const header = await serve.waitForLine(line => line.startsWith('Serving'), 20_000)
    const url = /at (http:\/\/\S+) /.exec(header)![1]!
    const showLine = await serve.waitForLine(line => line.includes('CLI Show'), 5_000)
    for (const feed of ['rss.xml', 'p2p.xml', 'atom.xml', 'feed.json']) expect(showLine).toContain(`http://127.0.0.1:8080/${feed}`)
    expect(showLine).toContain(`at ${url}`)
    const port = new URL(url).port
    await serve.waitForStderr(`warning: CLI Show: http://127.0.0.1:8080/ names port 8080, this server listens on port ${port}`, 5_000)
    const stop = await serve.signal('SIGINT')
    expect(stop.code).toBe(0)
    expect(stop.ms).toBeLessThan(STOP_MS)
    expect(serve.stderr()).toContain('stopped (SIGINT)')
  })

  it('stops cleanly on a SIGTERM sent the moment the first line is printed (5 times)', async () => {
    for (let run = 1; run <= 5; run++) {
      const serve = startServe([showDir, '--port', '0'])
      await serve.waitForLine(line => line.startsWith('Serving'), 20_000)
      const stop = await serve.signal('SIGTERM')
      expect(stop.code, `run ${run}: ${serve.stderr()}`).toBe(0)
      expect(serve.stderr(), `run ${run}`).toContain('stopped (SIGTERM)')
    }
  })

  it('--seed seeds every episode of the shows in the same process; after a SIGTERM the next start checks nothing again', async () => {
    const args = [showDir, '--port', '0', '--seed', '--no-dht', '--state', join(tmp.path, 'state'), '--json']
    const serve = startServe(args)
    const first = JSON.parse(await serve.waitForLine(() => true, 20_000)) as { url: string }
    const seeding = JSON.parse(await serve.waitForLine(line => line.includes('"event":"seeding"'), 30_000)) as { name: string, length: number, resumed: boolean, hashedPieces: number }
    expect(seeding.resumed).toBe(false)
    expect(seeding.hashedPieces).toBeGreaterThan(0)
    const catalog = JSON.parse(await readFile(join(showDir, 'episodes.json'), 'utf8')) as { episodes: Array<{ mediaPath: string, length: number }> }
    expect(seeding.name).toBe(catalog.episodes[0]!.mediaPath.split('/').pop())
    expect(seeding.length).toBe(catalog.episodes[0]!.length)
    // The server keeps answering while it seeds.
    expect((await fetch(new URL('feed.json', first.url))).status).toBe(200)
    const stop = await serve.signal('SIGTERM')
    expect(stop.code).toBe(0)
    expect(stop.ms).toBeLessThan(STOP_MS)
    expect(serve.stdoutLines().some(line => line.includes('"event":"stopped"'))).toBe(true)

    // The swarm's state was kept: the episode is trusted, not hashed again.
    const again = startServe(args)
    const resumed = JSON.parse(await again.waitForLine(line => line.includes('"event":"seeding"'), 30_000)) as { resumed: boolean, hashedPieces: number }
    expect(resumed).toMatchObject({ resumed: true, hashedPieces: 0 })
    expect((await again.signal('SIGTERM')).code).toBe(0)
  })

  it('--log in a terminal: the access log is pretty-printed (pino-pretty), not JSON lines', async () => {
    // script(1) gives the command a pseudo-terminal and copies what it prints to its stdout.
    const command = [process.execPath, binPath, 'serve', showDir, '--port', '0', '--log'].map(arg => `'${arg.replaceAll("'", "'\\''")}'`).join(' ')
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, NO_COLOR: '1' } })
    let output = ''
    const grown = new Set<() => void>()
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { output += chunk; for (const check of grown) check() })
    const exited = new Promise<void>(resolve => child.on('close', () => resolve()))
    cleanups.push(async () => { if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL'); await within(exited, 5_000, 'script exit') })
    // Resolves when the output gathered so far matches, checked again on every chunk that arrives.
    const seen = (pattern: RegExp, what: string) => new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(output)
        if (match === null) return
        grown.delete(check); clearTimeout(timer); resolve(match)
      }
      const timer = setTimeout(() => { grown.delete(check); reject(new Error(`${what}: not within 20 s; output: ${output}`)) }, 20_000)
      grown.add(check)
      check()
    })
    const [url] = await seen(/http:\/\/127\.0\.0\.1:\d+\//, 'the serving line')
    expect((await fetch(new URL('rss.xml', url))).status).toBe(200)
    await seen(/INFO.*request/, 'a pretty access-log line')
    await seen(/url: "\/rss\.xml"/, 'its url field')
    expect(output).not.toMatch(/\{"level":/)
    process.kill(-child.pid!, 'SIGTERM')
    await within(exited, 15_000, 'serve stop')
  })

  it('logs a server error on stderr without --log, and tells the client only "internal error"', async () => {
    // A show whose catalog became unreadable while served (here: a folder in its place).
    const broken = join(tmp.path, 'broken-show')
    await makePublishedShow(broken, 'http://127.0.0.1:8080/', ['episode-2.mp3'], 'Broken Show')
    const serve = startServe([broken, '--port', '0', '--json'])
    const line = JSON.parse(await serve.waitForLine(() => true, 20_000)) as { url: string }
    const api = new URL('api/shows/broken-show/episodes', line.url)
    expect((await fetch(api)).status).toBe(200)
    await rename(join(broken, 'episodes.json'), join(broken, 'episodes.json.moved'))
    await mkdir(join(broken, 'episodes.json'))
    const failed = await fetch(api)
    expect(failed.status).toBe(500)
    const body = await failed.json() as Record<string, unknown>
    expect(body).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'internal error' })
    expect(JSON.stringify(body)).not.toContain(tmp.path)
    // The operator sees it: one pino line at level error naming the request and the cause.
    await serve.waitForStderr('"level":50', 5_000)
    const logged = serve.stderr().split('\n').filter(text => text.includes('"level":50')).map(text => JSON.parse(text) as { msg: string, url: string, err: { message: string } })
    expect(logged).toHaveLength(1)
    expect(logged[0]!.msg).toBe('internal error')
    expect(logged[0]!.url).toBe('/api/shows/broken-show/episodes')
    expect(logged[0]!.err.message).toContain('episodes.json')
    // A client error is not logged without --log.
    expect((await fetch(new URL('api/shows/no-such-show/episodes', line.url))).status).toBe(404)
    expect((await serve.signal('SIGTERM')).code).toBe(0)
    expect(serve.stderr().split('\n').filter(text => text.includes('"level":')).length).toBe(1)
  })

  it('refuses a folder that is no show with one line and a non-zero exit', async () => {
    const empty = join(tmp.path, 'empty')
    await mkdir(empty, { recursive: true })
    for (const dir of [empty, join(tmp.path, 'missing')]) {
      const result = await runCli(['serve', dir, '--port', '0'])
      expect(result.code, dir).not.toBe(0)
      expect(result.stderr.trim().split('\n'), dir).toHaveLength(1)
      expect(result.stderr, dir).toMatch(/^seedcast: .*(not a seedcast show folder|no such file or directory)/)
      expect(result.stdout).toBe('')
    }
  })

  it('refuses a port in use with one line', async () => {
    const blocker: Server = createNetServer()
    await new Promise<void>(resolve => blocker.listen(0, '127.0.0.1', () => resolve()))
    cleanups.push(() => new Promise<void>(resolve => blocker.close(() => resolve())))
    const port = (blocker.address() as { port: number }).port
    const result = await runCli(['serve', showDir, '--port', String(port)])
    expect(result.code).not.toBe(0)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr).toContain(`seedcast: cannot listen on 127.0.0.1:${port}: the port is in use`)
  })

  it('refuses two shows at the same path with one line', async () => {
    const other = join(tmp.path, 'other')
    await makePublishedShow(other, 'https://elsewhere.example/', [], 'Other Show')
    const result = await runCli(['serve', showDir, other, '--port', '0'])
    expect(result.code).not.toBe(0)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr).toContain('both want the URL path /')
  })

  it('takes settings from --config and SEEDCAST_* variables, flags first, then the environment, then the file', async () => {
    const config = join(tmp.path, 'serve.json')
    const blocker = createNetServer()
    await new Promise<void>(resolve => blocker.listen(0, '127.0.0.1', () => resolve()))
    const taken = (blocker.address() as AddressInfo).port
    try {
      // The file asks for a port in use, every interface and the access log; the command line
      // says port 0, the environment says loopback.
      await writeFile(config, JSON.stringify({ shows: [showDir], port: taken, host: '0.0.0.0', log: true, 'send-timeout': 5 }))
      const serve = startServe(['--config', config, '--port', '0', '--json'], { SEEDCAST_HOST: '127.0.0.1' })
      const line = JSON.parse(await serve.waitForLine(text => text.startsWith('{'), 30_000)) as { url: string }
      const url = new URL(line.url)
      expect(url.hostname).toBe('127.0.0.1')
      expect(Number(url.port)).not.toBe(taken)
      expect((await fetch(new URL('rss.xml', line.url))).status).toBe(200)
      // The access log, from the file's "log": true, on stderr.
      await serve.waitForStderr('"url":"/rss.xml"', 10_000)
      expect((await serve.signal('SIGTERM')).code).toBe(0)
      await writeFile(config, JSON.stringify({ shows: [showDir], colour: 'blue' }))
      const bad = await runCli(['serve', '--config', config])
      expect(bad.code).toBe(2)
      expect(bad.stderr).toContain('unknown setting "colour"')
    } finally {
      blocker.close()
    }
  })
})

