// Bad input for seedcast get: one line on stderr, non-zero exit, no stack trace, bounded
// waits, and nothing already downloaded is lost.
import bencode from 'bencode'
import { createHash } from 'node:crypto'
import { mkdir, readFile, truncate, writeFile, copyFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { once } from 'node:events'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, type CliResult } from '../helpers/cli.js'
import { tempDir } from '../helpers/tmp.js'
import { freePort } from '../helpers/ports.js'
import { fixtureMp3, makeTorrent } from './get-helpers.js'

function expectOneLineError (result: CliResult, pattern: RegExp): void {
  expect(result.code).not.toBe(0)
  expect(result.stdout).toBe('')
  const lines = result.stderr.trim().split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toMatch(/^seedcast: /)
  expect(lines[0]).toMatch(pattern)
  expect(result.stderr).not.toMatch(/\n\s+at /)
}

describe('seedcast get with bad input', () => {
  let dir: string
  let cleanup: () => Promise<void>
  let torrentPath: string
  let infoHash: string
  beforeAll(async () => {
    const tmp = await tempDir()
    dir = tmp.path
    cleanup = tmp.cleanup
    torrentPath = join(dir, 'episode.torrent')
    // Its only tracker is a closed port: nobody will ever answer.
    const bytes = await makeTorrent(fixtureMp3, torrentPath, { trackers: [`http://127.0.0.1:${await freePort()}/announce`] })
    const info = bencode.encode((bencode.decode(bytes) as { info: unknown }).info)
    infoHash = createHash('sha1').update(info).digest('hex')
  })
  afterAll(async () => { await cleanup() })

  it('rejects a bad magnet link', async () => {
    expectOneLineError(await runCli(['get', 'magnet:?xt=urn:btih:nothex&dn=x', '--no-dht']), /not a valid magnet link/)
  })

  it('rejects an invalid --download-limit as a usage error (exit 2)', async () => {
    const result = await runCli(['get', torrentPath, '--download-limit', 'fast', '--no-dht', '-o', join(dir, 'x')])
    expectOneLineError(result, /invalid --download-limit "fast"/)
    expect(result.code).toBe(2)
  })

  it('rejects a truncated .torrent and a file that is not a torrent', async () => {
    const truncated = join(dir, 'truncated.torrent')
    await writeFile(truncated, (await readFile(torrentPath)).subarray(0, 200))
    expectOneLineError(await runCli(['get', truncated, '--no-dht', '-o', join(dir, 'x')]), /truncated\.torrent: not a valid \.torrent/)
    expectOneLineError(await runCli(['get', fixtureMp3, '--no-dht', '-o', join(dir, 'x')]), /episode\.mp3: not a valid \.torrent/)
    expectOneLineError(await runCli(['get', join(dir, 'missing.torrent'), '--no-dht']), /missing\.torrent: no such file/)
  })

  it('reports an HTTP 404 for a .torrent URL', async () => {
    const server = createServer((_req, res) => { res.writeHead(404).end('not here') })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const { port } = server.address() as { port: number }
    try {
      expectOneLineError(await runCli(['get', `http://127.0.0.1:${port}/ep.torrent`, '--no-dht']), /cannot fetch http:\/\/127\.0\.0\.1:\d+\/ep\.torrent: HTTP 404/)
      expectOneLineError(await runCli(['get', `http://127.0.0.1:${await freePort()}/ep.torrent`, '--no-dht']), /cannot fetch .*ECONNREFUSED/)
    } finally {
      server.close()
    }
  })

  it('gives up on an unknown infohash with no peers after --timeout, and on an unreachable tracker', async () => {
    const unknown = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00'
    // Each run's span, for a lower bound only: the command gave up by its own timer, not before it.
    const timed = async (args: string[]) => {
      const started = performance.now()
      const result = await runCli(args, { timeoutMs: 100_000 })
      return { result, seconds: (performance.now() - started) / 1000 }
    }
    const [noPeers, deadTracker] = await Promise.all([
      // Its tracker a closed port: a magnet naming no tracker at all, with --no-dht, fails at once (get-bare-magnet).
      timed(['get', `magnet:?xt=urn:btih:${unknown}&tr=${encodeURIComponent(`http://127.0.0.1:${await freePort()}/announce`)}`, '--no-dht', '--timeout', '10', '-o', join(dir, 'unknown')]),
      timed(['get', torrentPath, '--no-dht', '--timeout', '3', '-o', join(dir, 'dead'), '--json'])
    ])
    expectOneLineError(noPeers.result, new RegExp(`no peers found for ${unknown} within 10 s`))
    expect(noPeers.result.code).toBe(1)
    expect(noPeers.seconds).toBeGreaterThanOrEqual(10)
    // With --json the error names its code: the no-peers timeout (not a crash, a kill or another error).
    expect(deadTracker.result.signal).toBeNull()
    expect(deadTracker.result.code).toBe(1)
    const lines = deadTracker.result.stdout.trim().split('\n').map(line => JSON.parse(line) as Record<string, any>)
    expect(lines[0]).toMatchObject({ event: 'started', infoHash })
    expect(lines.at(-1)).toEqual({ error: expect.objectContaining({ code: 'ENOPEERS', exitCode: 1, message: `no peers found for ${infoHash} within 3 s` }) })
    // Waited with no peer and no byte the whole time.
    expect(lines.filter(line => line.event === 'progress' && (line.peers !== 0 || line.received !== 0))).toEqual([])
    expect(deadTracker.seconds).toBeGreaterThanOrEqual(3)
  }, 120_000)

  it('refuses an output folder that is a file, and creates a missing one', async () => {
    const file = join(dir, 'a-file')
    await writeFile(file, 'x')
    expectOneLineError(await runCli(['get', torrentPath, '--no-dht', '-o', file]), /a-file: exists and is not a directory/)
    expectOneLineError(await runCli(['get', torrentPath, '--no-dht', '-o', join(file, 'sub')]), /a-file\/sub: exists and is not a directory|not a directory/)
    const missing = join(dir, 'new', 'deeper')
    const result = await runCli(['get', torrentPath, '--no-dht', '--timeout', '1', '-o', missing])
    expectOneLineError(result, /no peers found/)
    expect((await import('node:fs')).statSync(missing).isDirectory()).toBe(true)
  })

  it('fails before downloading when the disk cannot hold the torrent', async () => {
    // 64 TiB in 1 GiB pieces: bigger than any test machine's free space.
    const pieceLength = 2 ** 30
    const length = 64 * 2 ** 40
    const huge = bencode.encode({ info: { name: 'huge.bin', length, 'piece length': pieceLength, pieces: Buffer.alloc(20 * (length / pieceLength)) } })
    const hugePath = join(dir, 'huge.torrent')
    await writeFile(hugePath, huge)
    expectOneLineError(await runCli(['get', hugePath, '--no-dht', '--timeout', '5', '-o', join(dir, 'huge')]), /not enough disk space: the download needs 64 TiB more/)
  })

  it('keeps existing data when a resume fails', async () => {
    const out = join(dir, 'resume')
    await mkdir(out)
    // Half of the episode is already there (a previous run); this run finds no peer.
    await copyFile(fixtureMp3, join(out, 'episode.mp3'))
    await truncate(join(out, 'episode.mp3'), 150_000)
    const before = await readFile(join(out, 'episode.mp3'))
    expectOneLineError(await runCli(['get', torrentPath, '--no-dht', '--timeout', '2', '-o', out]), /no peers found/)
    expect(await readFile(join(out, 'episode.mp3'))).toEqual(before)
  })

  it('reports errors with --json as every command does: one line {"error": {...}}', async () => {
    const result = await runCli(['get', 'magnet:?xt=urn:btih:nothex', '--no-dht', '--json'])
    expect(result.code).toBe(1)
    expect(result.stdout.trim().split('\n')).toHaveLength(1)
    expect(JSON.parse(result.stdout)).toEqual({ error: { code: 'EMAGNET', exitCode: 1, message: expect.stringMatching(/^not a valid magnet link: /), hint: expect.any(String) } })
    // The same shape as a command that is not a stream of events.
    const other = await runCli(['info', join(dir, 'missing.torrent'), '--json'])
    expect(Object.keys(JSON.parse(other.stdout).error).sort()).toEqual(['code', 'exitCode', 'hint', 'message'])
  })

  it('with --stdout --json keeps standard output for the file: the error goes to standard error', async () => {
    const result = await runCli(['get', 'magnet:?xt=urn:btih:nothex', '--no-dht', '--json', '--stdout'])
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(JSON.parse(result.stderr.trim().split('\n').at(-1)!)).toMatchObject({ error: { code: 'EMAGNET', exitCode: 1 } })
  })
})
