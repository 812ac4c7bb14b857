import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HASH_WORKER_ROLE as WORKER_SIDE_ROLE } from '../../src/torrent/hash-worker.js'
import { HASH_WORKER_ROLE, SMALL_INPUT, startHashWorkerEarly, startHashWorkerThread } from '../../src/torrent/hash-worker-thread.js'
import { tempDir } from '../helpers/tmp.js'

let dir: Awaited<ReturnType<typeof tempDir>>
let large: string
let small: string
const started: Worker[] = []

beforeAll(async () => {
  dir = await tempDir()
  large = join(dir.path, 'large.bin')
  small = join(dir.path, 'small.bin')
  writeFileSync(large, Buffer.alloc(SMALL_INPUT + 1))
  writeFileSync(small, randomBytes(1000))
})
afterAll(async () => {
  await Promise.all(started.map(worker => worker.terminate()))
  await dir.cleanup()
})

/**
 * Whether the thread startHashWorkerThread gives now is one started before this call: a
 * thread started in between (a marker) has a higher threadId than an early one and a lower
 * one than a new one.
 */
function takesEarlyThread (): boolean {
  const marker = new Worker('', { eval: true })
  const taken = startHashWorkerThread()
  started.push(marker, taken)
  return taken.threadId < marker.threadId
}

describe('startHashWorkerEarly', () => {
  it('marks its threads with the role hash-worker.ts answers to', () => {
    expect(HASH_WORKER_ROLE).toBe(WORKER_SIDE_ROLE)
  })

  it('starts a thread for create or publish of a large file or a folder, and for verify; the next startHashWorkerThread takes it', () => {
    for (const argv of [['create', large], ['create', '--private', dir.path, '-o', 'x.torrent'], ['publish', large, '--show', 'nowhere'], ['verify', 'a.torrent', 'here']]) {
      startHashWorkerEarly(argv)
      expect(takesEarlyThread(), argv.join(' ')).toBe(true)
      expect(takesEarlyThread(), `${argv.join(' ')}, taken once`).toBe(false)
    }
  })

  it('starts none for a small or missing input, help, or another command', () => {
    for (const argv of [['create', small], ['create', join(dir.path, 'missing.bin')], ['create', large, '--help'], ['info', large], []]) {
      startHashWorkerEarly(argv)
      expect(takesEarlyThread(), argv.join(' ')).toBe(false)
    }
  })

  it('gives a thread that hashes: the early one answers a job like a new one', async () => {
    startHashWorkerEarly(['create', large])
    const worker = startHashWorkerThread()
    started.push(worker)
    const job = { sources: [{ path: large, start: 0, length: 65536, readable: 65536 }], pieceLength: 65536, totalBytes: 65536, batch: 1, state: new SharedArrayBuffer(8), digests: new SharedArrayBuffer(20), tolerateShortFiles: false }
    const reply = await new Promise(resolve => { worker.once('message', resolve); worker.postMessage({ id: 7, kind: 'lanes', job }) })
    expect(reply).toEqual({ id: 7, hashed: 1 })
  })
})
