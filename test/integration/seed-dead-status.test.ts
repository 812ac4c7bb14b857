// A seeder starting on a state folder removes the status files killed seeders left (one
// per kill -9 or crash, each the whole torrent list, kept for ever before; and the half-written
// temporary file of a kill in mid-write) and leaves the files of live ones, which `seedcast
// peers` reads.
import { spawnSync } from 'node:child_process'
import { mkdir, readdir, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.js'
import { tempDir } from '../helpers/tmp.ts'
import { fixture } from './publish-helpers.js'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

describe('seeder status files', () => {
  it('removes the status files of dead seeders when a seeder starts', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const state = join(tmp.path, 'state')
    await mkdir(join(state, 'status'), { recursive: true })
    // A pid that has certainly ended: a process that ran and was waited for.
    const dead = spawnSync(process.execPath, ['-e', '']).pid!
    const status = (pid: number) => JSON.stringify({ version: 1, pid, startedAt: '', updatedAt: '', port: 1, peerId: '', torrents: [] })
    await writeFile(join(state, 'status', `${dead}.json`), status(dead))
    // The temporary file of an atomic write the kill cut short.
    await writeFile(join(state, 'status', `${dead}.json.3989896950`), status(dead).slice(0, 20))
    await writeFile(join(state, 'status', `${process.pid}.json`), status(process.pid))

    const torrent = join(tmp.path, 'episode.torrent')
    expect((await runCli(['create', fixture('episode.mp3'), '-o', torrent])).code).toBe(0)
    const run = await runCli(['seed', torrent, '--data', join(fixture('episode.mp3'), '..'), '--state', state, '--duration', '1', '--no-dht', '--no-lsd', '--host', '127.0.0.1', '--json'], { timeoutMs: 60_000 })
    expect(run.code, run.stderr).toBe(0)

    expect(await readdir(join(state, 'status'))).toEqual([`${process.pid}.json`])
  }, 90_000)

  it('removes the old temporary resume files of a seeder killed in mid-write, not a fresh one', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const state = join(tmp.path, 'state')
    await mkdir(join(state, 'resume'), { recursive: true })
    const old = `${'a'.repeat(40)}.json.2631571010`
    const fresh = `${'b'.repeat(40)}.json.1843002217`
    await writeFile(join(state, 'resume', old), '{"version":1,"inf')
    await writeFile(join(state, 'resume', fresh), '{"version":1,"inf')
    const hourAgo = new Date(Date.now() - 3_600_000)
    await utimes(join(state, 'resume', old), hourAgo, hourAgo)

    const torrent = join(tmp.path, 'episode.torrent')
    expect((await runCli(['create', fixture('episode.mp3'), '-o', torrent])).code).toBe(0)
    const run = await runCli(['seed', torrent, '--data', join(fixture('episode.mp3'), '..'), '--state', state, '--duration', '1', '--no-dht', '--no-lsd', '--host', '127.0.0.1', '--json'], { timeoutMs: 60_000 })
    expect(run.code, run.stderr).toBe(0)

    const left = await readdir(join(state, 'resume'))
    expect(left).not.toContain(old)
    // Another seeder sharing the folder may be writing this one right now.
    expect(left).toContain(fresh)
  }, 90_000)
})
