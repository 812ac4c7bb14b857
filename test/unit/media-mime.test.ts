import { copyFile, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SeedcastError } from '../../src/errors.ts'
import { detectMimeType } from '../../src/media/mime.ts'
import { repoRoot } from '../helpers/cli.ts'
import { tempDir } from '../helpers/tmp.ts'

const fixture = (name: string) => join(repoRoot, 'fixtures', name)
let dir: Awaited<ReturnType<typeof tempDir>>
beforeAll(async () => { dir = await tempDir('seedcast-mime-') })
afterAll(async () => { await dir.cleanup() })

describe('detectMimeType', () => {
  it('names media by their content', async () => {
    expect(await detectMimeType(fixture('episode.mp3'))).toBe('audio/mpeg')
    expect(await detectMimeType(fixture('video.mp4'))).toBe('video/mp4')
    expect(await detectMimeType(fixture('video.webm'))).toBe('video/webm')
    const renamed = join(dir.path, 'video.dat')
    await copyFile(fixture('video.mp4'), renamed)
    expect(await detectMimeType(renamed)).toBe('video/mp4')
    const noExtension = join(dir.path, 'sound')
    await copyFile(fixture('episode-2.mp3'), noExtension)
    expect(await detectMimeType(noExtension)).toBe('audio/mpeg')
  })

  it('falls back to the extension for what is not media, then to application/octet-stream', async () => {
    expect(await detectMimeType(fixture('cover.jpg'))).toBe('image/jpeg')
    expect(await detectMimeType(fixture('cover-small.png'))).toBe('image/png')
    expect(await detectMimeType(fixture('README.md'))).toBe('text/markdown')
    const unknown = join(dir.path, 'blob')
    await copyFile(fixture('not-audio.mp3'), unknown)
    expect(await detectMimeType(unknown)).toBe('application/octet-stream')
  })

  it('rejects a missing path or a directory with a file error', async () => {
    const missing = await detectMimeType(join(dir.path, 'missing.mp3')).catch((error: unknown) => error)
    expect(missing).toBeInstanceOf(SeedcastError)
    expect((missing as SeedcastError).code).toBe('ENOENT')
    const folder = join(dir.path, 'folder')
    await mkdir(folder)
    expect(((await detectMimeType(folder).catch((error: unknown) => error)) as SeedcastError).code).toBe('EISDIR')
  })
})
