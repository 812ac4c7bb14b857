// The player's MP4 seek index (web/player/mp4-index.ts) against FFmpeg's own reading of the
// same file: for a seek to t, the byte Chromium's demuxer (FFmpeg's mov reader) reads from is
// the lowest position of the key frame at or before t and of each other track's packet at
// that frame's time.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findMoov, readMp4Index } from '../../web/player/mp4-index.ts'
import { makeEpisodeVideo } from '../e2e/player-site.ts'
import { ffmpegSeekByte, mp4Packets, type Packet } from '../helpers/mp4-packets.ts'
import { tempDir } from '../helpers/tmp.ts'

describe('MP4 seek index', () => {
  let dir: { path: string, cleanup: () => Promise<void> }
  let file: Uint8Array
  let list: Packet[]

  beforeAll(async () => {
    dir = await tempDir('seedcast-mp4-')
    const path = join(dir.path, 'video.mp4')
    await makeEpisodeVideo(path, 40)
    file = new Uint8Array(await readFile(path))
    list = await mp4Packets(path)
  }, 120_000)
  afterAll(async () => { await dir.cleanup() })

  it('finds the moov of a fast-start file and gives the byte FFmpeg reads from after a seek', () => {
    const moov = findMoov(file)!
    expect(moov.start).toBeGreaterThan(0)
    expect(Buffer.from(file.subarray(moov.start + 4, moov.start + 8)).toString('latin1')).toBe('moov')
    const index = readMp4Index(file.subarray(moov.start, moov.end))!
    const firstMedia = Math.min(...list.map(p => p.pos))
    for (const t of [0, 1.3, 10, 20.02, 31.7, 32, 39.5]) {
      const expected = ffmpegSeekByte(list, t)
      const got = index.byteAt(t)
      expect(got, `t=${t}`).toBe(expected)
      expect(got).toBeGreaterThanOrEqual(firstMedia)
    }
  })

  it('says nothing for a moov after the media data or a cut table', () => {
    const moov = findMoov(file)!
    // The same boxes with the media data first: no moov before it.
    const mdatFirst = new Uint8Array(16)
    new DataView(mdatFirst.buffer).setUint32(0, 16)
    mdatFirst.set([0x6d, 0x64, 0x61, 0x74], 4)
    expect(findMoov(mdatFirst)).toBeUndefined()
    expect(readMp4Index(file.subarray(moov.start, moov.start + (moov.end - moov.start) / 2))).toBeUndefined()
  })
})
