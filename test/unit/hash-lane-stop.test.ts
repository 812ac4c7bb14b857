// A lane job stopped after a failure: every lane's next claims find nothing, however many
// lanes claim after the stop (each claim moves the shared Int32 cursor past 2^31 - 1).
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Lane, STOPPED, type LaneJob } from '../../src/torrent/hash-worker.js'
import { tempDir } from '../helpers/tmp.ts'

let tmp: Awaited<ReturnType<typeof tempDir>> | undefined
afterEach(async () => { await tmp?.cleanup(); tmp = undefined })

describe('Lane after stopAll', () => {
  it('claims nothing on the first claim nor on the ones after, whose cursor has wrapped negative', async () => {
    tmp = await tempDir()
    const path = join(tmp.path, 'data.bin')
    const pieceLength = 16 * 1024
    writeFileSync(path, Buffer.alloc(pieceLength * 8, 7))
    const job: LaneJob = {
      sources: [{ path, start: 0, length: pieceLength * 8, readable: pieceLength * 8 }],
      pieceLength,
      totalBytes: pieceLength * 8,
      batch: 2,
      state: new SharedArrayBuffer(8),
      digests: new SharedArrayBuffer(20 * 8),
      tolerateShortFiles: false
    }
    const [first, second, third] = [new Lane(job), new Lane(job), new Lane(job)]
    expect(first!.step()).toBe(2) // a positive control: the job hashes before the stop
    first!.stopAll()
    expect(new Int32Array(job.state)[0]).toBe(STOPPED)
    expect([second!.step(), third!.step(), second!.step()]).toEqual([0, 0, 0])
    expect(new Int32Array(job.state)[0]).toBeLessThan(0) // the claims did wrap the cursor
    expect(new Int32Array(job.state)[1]).toBe(2)
    for (const lane of [first, second, third]) lane!.close()
  })
})
