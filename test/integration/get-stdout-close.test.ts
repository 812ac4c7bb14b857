// `get --stdout` when standard output stops taking bytes: a reader closing early
// (`| head -c 100`) ends get quietly with exit 0, as `cat` does; a full disk
// (`> /dev/full`) is one line naming standard output, exit 1, no stack trace.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { closeSync, openSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { binPath, repoRoot } from '../helpers/cli.js'
import { tempDir } from '../helpers/tmp.js'
import { fixtureMp3, makeTorrent, startWebSeed, stopProcess, type WebSeed } from './get-helpers.js'

/** Bound on each run, so a regression fails instead of hanging. */
const RUN_BOUND_MS = 60_000

function getToStdout (torrent: string, stdout: 'pipe' | number) {
  const child = spawn(process.execPath, [binPath, 'get', torrent, '--stdout', '--no-dht', '--timeout', '20'], { cwd: repoRoot, stdio: ['ignore', stdout, 'pipe'], env: { ...process.env, NO_COLOR: '1' } })
  let stderr = ''
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  const timer = setTimeout(() => { void stopProcess(child) }, RUN_BOUND_MS)
  const exited = once(child, 'close').then(([code, signal]) => { clearTimeout(timer); return { code: code as number | null, signal: signal as NodeJS.Signals | null, stderr } })
  return { child, exited }
}

describe('seedcast get --stdout when standard output goes away', () => {
  let dir: string
  let cleanup: () => Promise<void>
  let seed: WebSeed
  let torrent: string
  beforeAll(async () => {
    const tmp = await tempDir()
    dir = tmp.path
    cleanup = tmp.cleanup
    seed = await startWebSeed(fixtureMp3, 'episode.mp3')
    torrent = join(dir, 'episode.torrent')
    await makeTorrent(fixtureMp3, torrent, { webSeeds: [seed.url], pieceLength: 16384 })
  })
  afterAll(async () => { await seed.close(); await cleanup() })

  it('a reader closing the pipe after 100 bytes ends get quietly, exit 0', async () => {
    // The file is several times a pipe's buffer: get is still writing when the reader leaves.
    expect((await stat(fixtureMp3)).size).toBeGreaterThan(4 * 65536)
    const run = getToStdout(torrent, 'pipe')
    let taken = 0
    run.child.stdout!.on('data', (chunk: Buffer) => {
      taken += chunk.length
      if (taken >= 100) run.child.stdout!.destroy()
    })
    const result = await run.exited
    expect(taken).toBeGreaterThanOrEqual(100)
    expect(result.signal).toBeNull()
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
  }, RUN_BOUND_MS + 10_000)

  it('a full disk behind standard output (/dev/full) is one line naming standard output, exit 1', async () => {
    const full = openSync('/dev/full', 'w')
    try {
      const run = getToStdout(torrent, full)
      const result = await run.exited
      expect(result.signal).toBeNull()
      expect(result.code).toBe(1)
      const lines = result.stderr.trim().split('\n')
      expect(lines, result.stderr).toHaveLength(1)
      expect(lines[0]).toMatch(/^seedcast: standard output: no space left on device/)
      expect(result.stderr).not.toMatch(/\n\s+at /)
    } finally {
      closeSync(full)
    }
  }, RUN_BOUND_MS + 10_000)
})
