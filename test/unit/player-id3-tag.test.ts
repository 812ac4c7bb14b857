// Where the player takes an MP3's audio to start (web/player/id3-tag.ts): checked on real
// files by what lies there, the sync word of an MPEG audio frame header.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { id3v2TagLength } from '../../web/player/id3-tag.ts'
import { addCoverTag, makeEpisodeAudio } from '../e2e/player-site.ts'
import { repoRoot } from '../helpers/cli.ts'
import { tempDir } from '../helpers/tmp.ts'

/** An MPEG audio frame header starts with 11 set bits. */
const isFrameSync = (file: Uint8Array, at: number): boolean => file[at] === 0xff && (file[at + 1]! & 0xe0) === 0xe0

describe('ID3v2 tag length', () => {
  let dir: { path: string, cleanup: () => Promise<void> }
  beforeAll(async () => { dir = await tempDir('seedcast-id3-') })
  afterAll(async () => { await dir.cleanup() })

  it('points at the first audio frame of the fixture episode', async () => {
    const file = await readFile(join(repoRoot, 'fixtures', 'episode.mp3'))
    const length = id3v2TagLength(file.subarray(0, 10), file.length)
    expect(length).toBe(18_408)
    expect(isFrameSync(file, length)).toBe(true)
  })

  it('points past a large cover picture, at the first audio frame', async () => {
    const path = join(dir.path, 'covered.mp3')
    await makeEpisodeAudio(path, 5)
    await addCoverTag(path, 300_000)
    const file = await readFile(path)
    const length = id3v2TagLength(file, file.length)
    expect(length).toBeGreaterThan(240_000)
    expect(isFrameSync(file, length)).toBe(true)
    expect(isFrameSync(file, length - 1)).toBe(false)
  }, 60_000)

  it('is 0 for a file without a tag, a short head, a broken size, or a tag as long as the file', async () => {
    const notAudio = await readFile(join(repoRoot, 'fixtures', 'not-audio.mp3'))
    expect(id3v2TagLength(notAudio, notAudio.length)).toBe(0)
    const head = Uint8Array.from([0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 0x02, 0x00])
    expect(id3v2TagLength(head, 10_000)).toBe(10 + 256)
    expect(id3v2TagLength(head.subarray(0, 9), 10_000)).toBe(0)
    expect(id3v2TagLength(Uint8Array.from([...head.subarray(0, 8), 0x82, 0x00]), 10_000)).toBe(0)
    expect(id3v2TagLength(head, 266)).toBe(0)
  })

  it('counts an ID3v2.4 footer', () => {
    const head = Uint8Array.from([0x49, 0x44, 0x33, 4, 0, 0x10, 0, 0, 0x01, 0x00])
    expect(id3v2TagLength(head, 10_000)).toBe(10 + 128 + 10)
    // The footer flag means nothing before 2.4.
    expect(id3v2TagLength(Uint8Array.from([0x49, 0x44, 0x33, 3, 0, 0x10, 0, 0, 0x01, 0x00]), 10_000)).toBe(10 + 128)
  })
})
