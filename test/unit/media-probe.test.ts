import { execFile } from 'node:child_process'
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SeedcastError } from '../../src/errors.ts'
import { probeMedia } from '../../src/media/probe.ts'
import { repoRoot } from '../helpers/cli.ts'
import { tempDir } from '../helpers/tmp.ts'

const run = promisify(execFile)
const fixture = (name: string) => join(repoRoot, 'fixtures', name)

interface FfprobeResult {
  format: { duration: string, format_name: string, tags?: Record<string, string> }
  streams: { codec_type: string, codec_name: string, disposition?: { attached_pic?: number } }[]
  chapters: { start_time: string, end_time: string, tags?: { title?: string } }[]
}

/** ffprobe (Debian ffmpeg) as an independent oracle for durations, tags and chapters. */
async function ffprobe (path: string): Promise<FfprobeResult> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_format', '-show_streams', '-show_chapters', '-of', 'json', path])
  return JSON.parse(stdout) as FfprobeResult
}

async function rejection (promise: Promise<unknown>): Promise<SeedcastError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught)
  expect(error).toBeInstanceOf(SeedcastError)
  return error as SeedcastError
}

let dir: Awaited<ReturnType<typeof tempDir>>
beforeAll(async () => { dir = await tempDir('seedcast-media-') })
afterAll(async () => { await dir.cleanup() })

describe('probeMedia on the fixtures, against ffprobe', () => {
  it('reads episode.mp3: type, duration, ID3 tags, COMM description, cover and CHAP chapters', async () => {
    const [media, oracle] = await Promise.all([probeMedia(fixture('episode.mp3')), ffprobe(fixture('episode.mp3'))])
    expect(media.mimeType).toBe('audio/mpeg')
    expect(media.kind).toBe('audio')
    expect(media.extension).toBe('mp3')
    expect(Math.abs(media.duration - Number(oracle.format.duration))).toBeLessThan(0.1)
    expect(media.size).toBe((await readFile(fixture('episode.mp3'))).length)
    expect(media.bitrate).toBe(64000)
    expect(media.title).toBe(oracle.format.tags!.title)
    expect(media.artist).toBe(oracle.format.tags!.artist)
    expect(media.album).toBe(oracle.format.tags!.album)
    expect(media.description).toBe(oracle.format.tags!.comment)
    expect(media.description).toBe('A short spoken introduction to seedcast: podcasts published peer to peer.')
    expect(media.year).toBe(Number(oracle.format.tags!.date))

    expect(oracle.streams.some(stream => stream.disposition?.attached_pic === 1 && stream.codec_name === 'mjpeg')).toBe(true)
    expect(media.cover?.mimeType).toBe('image/jpeg')
    expect([...media.cover!.data.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff])

    expect(media.chapters.map(chapter => chapter.title)).toEqual(oracle.chapters.map(chapter => chapter.tags?.title))
    media.chapters.forEach((chapter, index) => {
      expect(Math.abs(chapter.startTime - Number(oracle.chapters[index]!.start_time))).toBeLessThan(0.01)
      expect(Math.abs(chapter.endTime! - Number(oracle.chapters[index]!.end_time))).toBeLessThan(0.01)
    })
  })

  it('reads episode-2.mp3: tags, no cover, no chapters', async () => {
    const [media, oracle] = await Promise.all([probeMedia(fixture('episode-2.mp3')), ffprobe(fixture('episode-2.mp3'))])
    expect(Math.abs(media.duration - Number(oracle.format.duration))).toBeLessThan(0.1)
    expect(media.title).toBe('Episode 2: Chapters and cover art')
    expect(media.title).toBe(oracle.format.tags!.title)
    expect(media.artist).toBe(oracle.format.tags!.artist)
    expect(media.description).toBeUndefined()
    expect(media.cover).toBeUndefined()
    expect(oracle.chapters).toEqual([])
    expect(media.chapters).toEqual([])
  })

  it('reads video.mp4 as video with its QuickTime chapters', async () => {
    const [media, oracle] = await Promise.all([probeMedia(fixture('video.mp4')), ffprobe(fixture('video.mp4'))])
    expect(media).toMatchObject({ mimeType: 'video/mp4', kind: 'video', extension: 'mp4', title: oracle.format.tags!.title })
    expect(Math.abs(media.duration - Number(oracle.format.duration))).toBeLessThan(0.1)
    expect(media.chapters.map(chapter => chapter.title)).toEqual(['Colour bars', 'Tone'])
    expect(media.chapters.map(chapter => chapter.title)).toEqual(oracle.chapters.map(chapter => chapter.tags?.title))
    media.chapters.forEach((chapter, index) => {
      expect(Math.abs(chapter.startTime - Number(oracle.chapters[index]!.start_time))).toBeLessThan(0.01)
      expect(Math.abs(chapter.endTime! - Number(oracle.chapters[index]!.end_time))).toBeLessThan(0.1)
    })
  })

  it('reads video.webm as video', async () => {
    const [media, oracle] = await Promise.all([probeMedia(fixture('video.webm')), ffprobe(fixture('video.webm'))])
    expect(media).toMatchObject({ mimeType: 'video/webm', kind: 'video', extension: 'webm', title: 'seedcast webm demo', chapters: [] })
    expect(Math.abs(media.duration - Number(oracle.format.duration))).toBeLessThan(0.1)
  })

  it('judges the type by content, not by the file name', async () => {
    const disguised = join(dir.path, 'recording.bin')
    await copyFile(fixture('episode-2.mp3'), disguised)
    expect(await probeMedia(disguised)).toMatchObject({ mimeType: 'audio/mpeg', extension: 'mp3' })
    const misnamed = join(dir.path, 'clip.mp3')
    await copyFile(fixture('video.mp4'), misnamed)
    expect(await probeMedia(misnamed)).toMatchObject({ mimeType: 'video/mp4', kind: 'video', extension: 'mp4' })
  })
})

describe('probeMedia on other containers made with ffmpeg', () => {
  const cases = [
    { name: 'audio.m4a', args: ['-c:a', 'aac', '-b:a', '48k'], mimeType: 'audio/x-m4a', extension: 'm4a' },
    { name: 'audio.opus', args: ['-c:a', 'libopus', '-b:a', '24k'], mimeType: 'audio/ogg', extension: 'opus' },
    { name: 'audio.flac', args: ['-c:a', 'flac'], mimeType: 'audio/flac', extension: 'flac' },
    { name: 'audio.wav', args: ['-c:a', 'pcm_s16le'], mimeType: 'audio/wav', extension: 'wav' }
  ]
  for (const { name, args, mimeType, extension } of cases) {
    it(`${name}: ${mimeType}, duration as ffprobe says`, async () => {
      const path = join(dir.path, name)
      await run('ffmpeg', ['-v', 'error', '-y', '-i', fixture('episode-2.mp3'), '-map', '0:a', '-metadata', 'title=Converted episode', ...args, path])
      const [media, oracle] = await Promise.all([probeMedia(path), ffprobe(path)])
      expect(media).toMatchObject({ mimeType, extension, kind: 'audio' })
      expect(Math.abs(media.duration - Number(oracle.format.duration))).toBeLessThan(0.1)
      expect(media.title).toBe('Converted episode')
    })
  }
})

describe('probeMedia rejects what is not playable media', () => {
  it('a text file named .mp3 is ENOTMEDIA', async () => {
    const error = await rejection(probeMedia(fixture('not-audio.mp3')))
    expect(error.code).toBe('ENOTMEDIA')
    expect(error.message).toContain('not-audio.mp3 is not an audio or video file')
    expect(error.hint).toMatch(/MP3/)
  })

  it('an image is ENOTMEDIA', async () => {
    expect((await rejection(probeMedia(fixture('cover.jpg')))).code).toBe('ENOTMEDIA')
  })

  it('an empty file is ENOTMEDIA', async () => {
    const empty = join(dir.path, 'empty.mp3')
    await writeFile(empty, '')
    const error = await rejection(probeMedia(empty))
    expect(error.code).toBe('ENOTMEDIA')
    expect(error.message).toContain('empty')
  })

  it('truncated.mp3 (its Info header promises the whole file) is ETRUNCATED', async () => {
    const error = await rejection(probeMedia(fixture('truncated.mp3')))
    expect(error.code).toBe('ETRUNCATED')
    expect(error.message).toMatch(/truncated\.mp3 is truncated: the MP3 header announces \d+ bytes of audio but only \d+ are present \(2\d %\)/)
    expect(error.hint).toContain('copy it again')
  })

  it('an MP4 cut inside mdat is ETRUNCATED, even though its moov (faststart) is whole', async () => {
    const whole = await readFile(fixture('video.mp4'))
    const cut = join(dir.path, 'cut.mp4')
    await writeFile(cut, whole.subarray(0, Math.floor(whole.length * 0.6)))
    const error = await rejection(probeMedia(cut))
    expect(error.code).toBe('ETRUNCATED')
    expect(error.message).toContain("the 'mdat' box announces")
  })

  it('a WebM cut short is ETRUNCATED', async () => {
    const whole = await readFile(fixture('video.webm'))
    const cut = join(dir.path, 'cut.webm')
    await writeFile(cut, whole.subarray(0, Math.floor(whole.length * 0.5)))
    const error = await rejection(probeMedia(cut))
    expect(error.code).toBe('ETRUNCATED')
    expect(error.message).toContain('segment announces')
  })

  it('a WAV cut short is ETRUNCATED', async () => {
    const wav = join(dir.path, 'whole.wav')
    await run('ffmpeg', ['-v', 'error', '-y', '-i', fixture('episode-2.mp3'), '-c:a', 'pcm_s16le', wav])
    const whole = await readFile(wav)
    const cut = join(dir.path, 'cut.wav')
    await writeFile(cut, whole.subarray(0, Math.floor(whole.length * 0.4)))
    expect((await rejection(probeMedia(cut))).code).toBe('ETRUNCATED')
  })

  it('a missing file and a directory are file errors that say so', async () => {
    const missing = await rejection(probeMedia(join(dir.path, 'nope.mp3')))
    expect(missing.code).toBe('ENOENT')
    expect(missing.message).toContain('no such file or directory')
    const folder = join(dir.path, 'folder.mp3')
    await mkdir(folder)
    const directory = await rejection(probeMedia(folder))
    expect(directory.code).toBe('EISDIR')
    expect(directory.message).toContain('is a directory')
  })
})
