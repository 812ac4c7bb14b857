// One `seedcast serve` per show folder: a second one on the same folder (same catalog, same
// scheduled releases, same uploads' temporary files) is refused with one line before it
// listens; a server killed with SIGKILL does not block the next start, and a clean stop
// leaves nothing behind.
import { access } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { binPath, runCli } from '../helpers/cli.ts'
import { startJsonProcess, waitForLines, within, type JsonProcess } from '../helpers/json-process.ts'
import { tempDir } from '../helpers/tmp.ts'
import { makePublishedShow } from './serve-helpers.ts'

let tmp: Awaited<ReturnType<typeof tempDir>>
let showDir: string
const processes: JsonProcess[] = []

beforeAll(async () => {
  tmp = await tempDir('seedcast-serve-lock-')
  showDir = join(tmp.path, 'show')
  await makePublishedShow(showDir, 'http://127.0.0.1:8080/', ['episode-2.mp3'], 'Lock Show')
})
afterEach(() => { for (const proc of processes.splice(0)) proc.kill() })
afterAll(async () => { await tmp?.cleanup() })

async function startServe (): Promise<JsonProcess> {
  const serve = startJsonProcess([binPath, 'serve', showDir, '--port', '0', '--json'])
  processes.push(serve)
  await waitForLines('serve listening', 20_000, () => serve.lines.length > 0, [serve])
  return serve
}

describe('seedcast serve on a folder already served', () => {
  it('refuses a second server with one line naming the first, and starts again at once after a SIGKILL', async () => {
    const first = await startServe()
    const second = await runCli(['serve', showDir, '--port', '0'], { timeoutMs: 30_000 })
    expect(second.code).toBe(1)
    expect(second.stdout).toBe('')
    expect(second.stderr).toBe(`seedcast: ${showDir}: already served by another \`seedcast serve\` (pid ${first.child.pid}) (stop it first; one server can serve several show folders)\n`)

    // Another show folder is not affected by the first's lock.
    const other = join(tmp.path, 'other')
    await makePublishedShow(other, 'http://127.0.0.1:8080/', ['episode-2.mp3'], 'Other Show')
    const beside = startJsonProcess([binPath, 'serve', other, '--port', '0', '--json'])
    processes.push(beside)
    await waitForLines('second show served', 20_000, () => beside.lines.length > 0, [beside])

    first.child.kill('SIGKILL')
    await within(first.exited, 10_000, 'serve killed')
    // No staleness to wait out: its owner is dead, so the lock is taken over.
    const next = await startServe()
    expect(next.lines[0]).toMatchObject({ shows: [{ title: 'Lock Show' }] })

    next.child.kill('SIGTERM')
    expect((await within(next.exited, 30_000, 'serve stopped')).code).toBe(0)
    await expect(access(join(showDir, '.seedcast', 'serve.lock'))).rejects.toThrow()
  }, 120_000)
})
