// `seedcast seed` as a user runs it: bad inputs give one line and a non-zero exit;
// a show folder seeds its published episodes (not drafts) and stops after --duration.
import { copyFile, mkdir, truncate, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { publish } from '../../src/show/publish.js'
import { createTorrent } from '../../src/torrent/create.js'
import { binPath, repoRoot, runCli } from '../helpers/cli.js'
import { startJsonProcess, waitForLines, within } from '../helpers/json-process.js'
import { tempDir } from '../helpers/tmp.js'
import { makePublishedShow } from './serve-helpers.js'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0)) await cleanup() })

async function temp (): Promise<string> {
  const dir = await tempDir()
  cleanups.push(dir.cleanup)
  return dir.path
}

function expectOneLineError (result: { code: number | null, stderr: string, stdout: string }, text: string | RegExp): void {
  expect(result.code).not.toBe(0)
  const lines = result.stderr.trim().split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toMatch(/^seedcast: /)
  expect(lines[0]).toMatch(text)
  expect(result.stderr).not.toMatch(/\bat .+:\d+:\d+/) // no stack trace
}

const offline = ['--no-dht', '--no-lsd']

describe('seedcast seed: bad input', () => {
  it('a missing torrent file', async () => {
    const dir = await temp()
    const result = await runCli(['seed', join(dir, 'nope.torrent'), ...offline, '--state', join(dir, 'state')])
    expectOneLineError(result, /nope\.torrent: no such file or directory/)
  })

  it('a file that is not a torrent', async () => {
    const dir = await temp()
    const result = await runCli(['seed', join(repoRoot, 'fixtures', 'episode.mp3'), ...offline, '--state', join(dir, 'state')])
    expectOneLineError(result, /episode\.mp3: not a torrent: it does not start with a bencoded dictionary/)
  })

  it('a folder without show.json', async () => {
    const dir = await temp()
    const result = await runCli(['seed', dir, ...offline, '--state', join(dir, 'state')])
    expectOneLineError(result, /not a seedcast show folder \(no show\.json\)/)
  })

  it('a torrent whose data is nowhere', async () => {
    const dir = await temp()
    await copyFile(join(repoRoot, 'fixtures', 'episode.mp3'), join(dir, 'episode.mp3'))
    const { torrent } = await createTorrent(join(dir, 'episode.mp3'), { announce: [] })
    const alone = join(dir, 'alone')
    await mkdir(alone)
    await writeFile(join(alone, 'episode.torrent'), torrent)
    const result = await runCli(['seed', join(alone, 'episode.torrent'), ...offline, '--state', join(dir, 'state')])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('warning: episode.mp3: data not found')
    expect(result.stderr.trim().split('\n').at(-1)).toMatch(/^seedcast: none of the 1 torrent\(s\) can be seeded/)
  })

  it('an invalid --upload-limit', async () => {
    const dir = await temp()
    await copyFile(join(repoRoot, 'fixtures', 'episode.mp3'), join(dir, 'episode.mp3'))
    const { torrent } = await createTorrent(join(dir, 'episode.mp3'), { announce: [] })
    await writeFile(join(dir, 'episode.torrent'), torrent)
    const result = await runCli(['seed', join(dir, 'episode.torrent'), '--upload-limit', 'fast', ...offline, '--state', join(dir, 'state')])
    expectOneLineError(result, /invalid --upload-limit "fast"/)
    expect(result.code).toBe(2)
  })
})

describe('seedcast seed: show folder', () => {
  it('seeds the published episodes of a show folder, not drafts, and stops after --duration', async () => {
    const show = join(await temp(), 'show')
    await makePublishedShow(show, 'http://127.0.0.1:9/', [])
    const one = await publish(show, join(repoRoot, 'fixtures', 'episode.mp3'))
    await publish(show, join(repoRoot, 'fixtures', 'episode-2.mp3'), { draft: true })
    const pub = join(show, 'public')
    const episodes = [one.episode]

    const result = await runCli(['seed', show, ...offline, '--state', join(show, '.seedcast', 'seed'), '--duration', '2', '--json'], { timeoutMs: 30_000 })
    expect(result.code, result.stderr).toBe(0)
    const events = result.stdout.trim().split('\n').map(line => JSON.parse(line))
    expect(events[0]).toMatchObject({ event: 'started', torrents: 1 })
    expect(events.filter(e => e.event === 'seeding')).toEqual([expect.objectContaining({ name: basename(one.episode.mediaPath), infoHash: episodes[0]!.infoHash, dataPath: join(pub, 'media') })])
    expect(events.some(e => e.event === 'stats')).toBe(true)
    expect(events.at(-1)).toMatchObject({ event: 'stopped', reason: 'duration' })
  })
})

describe('seedcast seed: a signal during start-up', () => {
  it('SIGINT while the first check hashes stops cleanly (exit 0, "stopped"), and the check is kept for the next run', async () => {
    const dir = await temp()
    // A big sparse file: hashing it takes a moment, so the signal lands in the middle.
    const media = join(dir, 'episode.bin')
    await writeFile(media, '')
    await truncate(media, 1024 * 1024 * 1024)
    const { torrent } = await createTorrent(media, { announce: [], pieceLength: 1024 * 1024 })
    await writeFile(join(dir, 'episode.torrent'), torrent)
    const args = [binPath, 'seed', join(dir, 'episode.torrent'), ...offline, '--no-webrtc', '--state', join(dir, 'state'), '--json']

    const first = startJsonProcess(args)
    cleanups.push(async () => first.kill())
    await waitForLines('the started event', 20_000, () => first.lines.some(line => line.event === 'started'), [first])
    expect(first.lines.some(line => line.event === 'seeding')).toBe(false)
    first.child.kill('SIGINT')
    expect(await within(first.exited, 30_000, 'seeder stop after SIGINT')).toEqual({ code: 0, signal: null })
    expect(first.lines.at(-1)).toMatchObject({ event: 'stopped', reason: 'SIGINT' })
    expect(first.lines.find(line => line.event === 'seeding')).toMatchObject({ resumed: false, hashedPieces: 1024 })

    // The next start trusts that check (fast resume): nothing hashed again.
    const second = await runCli([...args.slice(1), '--duration', '1'], { timeoutMs: 30_000 })
    expect(second.code, second.stderr).toBe(0)
    const seeding = second.stdout.trim().split('\n').map(line => JSON.parse(line)).find(line => line.event === 'seeding')
    expect(seeding).toMatchObject({ resumed: true, hashedPieces: 0 })
  })
})
