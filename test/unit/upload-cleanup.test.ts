// An upload cleaned up at once (refused before its first byte: 413, a malformed part) must
// leave no folder, even though its folder is still being made when cleanup starts.
import { readdir } from 'node:fs/promises'
import { PassThrough } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { showPaths } from '../../src/model/paths.js'
import { receiveUpload, uploadsDir } from '../../src/server/api/uploads.js'
import { tempDir } from '../helpers/tmp.ts'

let tmp: Awaited<ReturnType<typeof tempDir>> | undefined
afterEach(async () => { await tmp?.cleanup(); tmp = undefined })

describe('receiveUpload cleanup', () => {
  it('removes the upload folder when cleaned up right away, before its mkdir has finished', async () => {
    tmp = await tempDir()
    const paths = showPaths(tmp.path)
    // Many at once, so that some cleanups certainly start while their mkdir is pending.
    const uploads = Array.from({ length: 64 }, () => receiveUpload(paths, 'episode.mp3', new PassThrough()))
    // Their `done` is observed before cleanup makes it reject, as the API does (no unhandled rejection).
    const settled = Promise.allSettled(uploads.map(upload => upload.done))
    await Promise.all(uploads.map(upload => upload.cleanup()))
    const outcomes = await settled
    expect(outcomes.every(outcome => outcome.status === 'rejected')).toBe(true)
    expect(await readdir(uploadsDir(paths))).toEqual([])
  })

  it('keeps a completed upload until cleanup, then removes it (positive control)', async () => {
    tmp = await tempDir()
    const paths = showPaths(tmp.path)
    const source = new PassThrough()
    const upload = receiveUpload(paths, 'episode.mp3', source)
    source.end(Buffer.from('ID3 bytes'))
    await upload.done
    expect(await readdir(uploadsDir(paths))).toHaveLength(1)
    await upload.cleanup()
    expect(await readdir(uploadsDir(paths))).toEqual([])
  })
})
