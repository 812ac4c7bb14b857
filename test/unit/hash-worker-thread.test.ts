import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HASH_WORKER_ROLE as WORKER_SIDE_ROLE } from '../../src/torrent/hash-worker.js'
import { HASH_WORKER_ROLE, startHashWorkerEarly, startHashWorkerThread } from '../../src/torrent/hash-worker-thread.js'
import { takesEarlyThread } from '../helpers/early-hash-thread.js'
import { tempDir } from '../helpers/tmp.js'

let dir: Awaited<ReturnType<typeof tempDir>>
let data: string

beforeAll(async () => {
  dir = await tempDir()
  data = join(dir.path, 'data.bin')
  writeFileSync(data, Buffer.alloc(65536, 7))
})
afterAll(() => dir.cleanup())

describe('startHashWorkerEarly', () => {
  it('marks its threads with the role hash-worker.ts answers to', () => {
    expect(HASH_WORKER_ROLE).toBe(WORKER_SIDE_ROLE)
  })

  it('starts a thread that the next startHashWorkerThread takes, once; a second call before that starts none', async () => {
    startHashWorkerEarly()
    startHashWorkerEarly()
    expect(await takesEarlyThread()).toBe(true)
    expect(await takesEarlyThread(), 'taken once').toBe(false)
  })

  it('gives a thread that hashes: the early one answers a job like a new one', async () => {
    startHashWorkerEarly()
    const worker = startHashWorkerThread()
    try {
      const job = { sources: [{ path: data, start: 0, length: 65536, readable: 65536 }], pieceLength: 65536, totalBytes: 65536, batch: 1, state: new SharedArrayBuffer(8), digests: new SharedArrayBuffer(20), tolerateShortFiles: false }
      const reply = await new Promise(resolve => { worker.once('message', resolve); worker.postMessage({ id: 7, kind: 'lanes', job }) })
      expect(reply).toEqual({ id: 7, hashed: 1 })
      expect(Buffer.from(job.digests).toString('hex')).toBe(createHash('sha1').update(Buffer.alloc(65536, 7)).digest('hex'))
    } finally {
      await worker.terminate()
    }
  })
})
