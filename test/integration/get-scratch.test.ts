// `get`'s private temporary folder (seedcast-get-*: the pieces of --stdout, the bytes of
// unselected files) is gone after every way a get ends: a failure, a second Ctrl-C (which
// exits at once), and kill -9 (which runs nothing: the next get removes it).
import { mkdir, readdir, readlink } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { binPath, runCli } from '../helpers/cli.js'
import { startJsonProcess, waitForLines, within, type JsonProcess } from '../helpers/json-process.js'
import { freePort } from '../helpers/ports.js'
import { tempDir } from '../helpers/tmp.js'
import { fixtureMp3, makeTorrent } from './get-helpers.js'

describe('seedcast get removes its temporary folder', () => {
  let dir: string
  let cleanup: () => Promise<void>
  let torrentPath: string
  /** A TMPDIR of this test's own: what is in it was left by the gets run here. */
  let tmp: string
  const scratch = async () => (await readdir(tmp)).filter(name => name.startsWith('seedcast-get-')).sort()
  const env = () => ({ TMPDIR: tmp, NO_COLOR: '1' })

  beforeAll(async () => {
    const made = await tempDir()
    dir = made.path
    cleanup = made.cleanup
    tmp = join(dir, 'tmp')
    await mkdir(tmp)
    torrentPath = join(dir, 'episode.torrent')
    // Its only tracker is a closed port: no peer ever comes, the get waits until it is stopped.
    await makeTorrent(fixtureMp3, torrentPath, { trackers: [`http://127.0.0.1:${await freePort()}/announce`] })
  })
  afterAll(async () => { await cleanup() })

  /** A get with no peer to find, once its temporary folder exists (the metadata event comes after it is made). */
  async function waitingGet (args: string[]): Promise<JsonProcess> {
    const get = startJsonProcess([binPath, 'get', torrentPath, '--no-dht', '--json', '--timeout', '60', ...args], env())
    await waitForLines('the metadata event', 30_000, () => get.lines.some(line => line.event === 'metadata'), [get])
    expect(await scratch()).toHaveLength(1)
    return get
  }

  it('after a failed get (no peers within --timeout), with -o and with --stdout', async () => {
    for (const args of [['-o', join(dir, 'out')], ['--stdout']]) {
      const result = await runCli(['get', torrentPath, '--no-dht', '--timeout', '1', ...args], { env: env() })
      expect(result.code).toBe(1)
      expect(result.stderr).toMatch(/no peers found/)
      expect(await scratch()).toEqual([])
    }
  })

  it('after a second SIGINT, which exits at once with 130', async () => {
    const get = await waitingGet(['-o', join(dir, 'interrupted')])
    try {
      get.child.kill('SIGINT')
      get.child.kill('SIGINT')
      expect((await within(get.exited, 30_000, 'the get stopping')).code).toBe(130)
      expect(await scratch()).toEqual([])
    } finally {
      get.kill()
    }
  })

  it('after kill -9: the next get removes the folder of the killed one, and leaves those of live processes', async () => {
    const get = await waitingGet(['-o', join(dir, 'killed')])
    const [killedFolder] = await scratch()
    get.kill()
    await within(get.exited, 30_000, 'the killed get')
    expect(await scratch()).toEqual([killedFolder])
    // Folders named for this live process (same PID namespace) and for a dead process of
    // another PID namespace (another container sharing the folder) are not the next get's to remove.
    const namespace = /\[(\d+)\]/.exec(await readlink('/proc/self/ns/pid'))![1]
    const ofLiveProcess = `seedcast-get-${namespace}-${process.pid}-kept01`
    const ofOtherNamespace = `seedcast-get-1${namespace}-${get.child.pid}-kept02`
    await mkdir(join(tmp, ofLiveProcess))
    await mkdir(join(tmp, ofOtherNamespace))

    const result = await runCli(['get', torrentPath, '--no-dht', '--timeout', '1', '-o', join(dir, 'next')], { env: env() })
    expect(result.code).toBe(1)
    expect(await scratch()).toEqual([ofLiveProcess, ofOtherNamespace].sort())
  })
})
