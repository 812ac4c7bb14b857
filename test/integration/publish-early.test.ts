import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createHash, randomBytes } from 'node:crypto'
import { readdirSync, readFileSync, watch, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { showPaths } from '../../src/model/paths.js'
import { dropEarlyCopy, startEarlyCopy, takeEarlyCopy } from '../../src/show/early-copy.js'
import { tempPath } from '../../src/show/reservations.js'
import { binPath, runCliJson } from '../helpers/cli.js'
import { withTemp } from '../helpers/tmp.js'
import { fixture, tempShow } from './publish-helpers.js'

const SIZE = 12 * 1024 * 1024 + 777 // past the 8 MiB below which nothing starts early

/** A valid MP3 past 8 MiB: the audio frames of a fixture (no tags) repeated. */
function bigMp3 (path: string): Buffer {
  const data = readFileSync(fixture('episode-2.mp3'))
  const tagSize = data.subarray(0, 3).toString('latin1') === 'ID3' ? 10 + ((data[6]! << 21) | (data[7]! << 14) | (data[8]! << 7) | data[9]!) : 0
  const audio = data.subarray(tagSize)
  const bytes = Buffer.concat(Array.from({ length: Math.ceil(SIZE / audio.length) }, () => audio))
  writeFileSync(path, bytes)
  return bytes
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('base64')

describe('early copy (src/show/early-copy.ts)', () => {
  it('is adopted by the publish of that very file: moved into place, nothing left in .seedcast/tmp', () => withTemp(tempShow(), async show => {
    const media = join(show.path, 'big.bin')
    const data = randomBytes(SIZE)
    writeFileSync(media, data)
    const paths = showPaths(show.show)
    startEarlyCopy(show.show, media)
    const destination = tempPath(paths, 'mp3')
    expect(await takeEarlyCopy(media, destination)).toBe(true)
    expect(readFileSync(destination).equals(data)).toBe(true)
    expect(readdirSync(paths.tmpDir)).toEqual([destination.split('/').at(-1)])
  }))

  it('is removed, not adopted, for another file, a file changed since, or when dropped', () => withTemp(tempShow(), async show => {
    const paths = showPaths(show.show)
    const media = join(show.path, 'big.bin')
    const other = join(show.path, 'other.bin')
    writeFileSync(media, randomBytes(SIZE))
    writeFileSync(other, randomBytes(SIZE))

    startEarlyCopy(show.show, other)
    expect(await takeEarlyCopy(media, tempPath(paths, 'mp3'))).toBe(false)
    // Gone by the time the answer comes: the copy was waited for before its removal (the
    // removal ran before the copy created its file once, and a whole copy stayed behind).
    expect(readdirSync(paths.tmpDir)).toEqual([])

    startEarlyCopy(show.show, media)
    await new Promise(resolve => setTimeout(resolve, 20))
    writeFileSync(media, randomBytes(SIZE)) // same size, new bytes: a new mtime
    expect(await takeEarlyCopy(media, tempPath(paths, 'mp3'))).toBe(false)

    startEarlyCopy(show.show, media)
    await dropEarlyCopy()
    expect(readdirSync(paths.tmpDir)).toEqual([])
  }))

  it('starts nothing in a folder that is not a show', () => withTemp(tempShow(), async show => {
    const media = join(show.path, 'big.bin')
    writeFileSync(media, randomBytes(SIZE))
    startEarlyCopy(show.path, media) // the show's parent: no show.json, no .seedcast/tmp
    expect(readdirSync(show.path).sort()).toEqual(['big.bin', 'show'])
    expect(await takeEarlyCopy(media, join(show.path, 'x.mp3'))).toBe(false)
  }))
})

describe('seedcast publish of a file past 8 MiB (hashed and copied while the command loads)', () => {
  // Busy: the machine's load reaches its core count (src/torrent/busy-machine.ts), and a file
  // up to 128 MiB is hashed on the command's thread alone, with nothing started early.
  for (const busy of ['0', '1']) {
    it(`publishes the same bytes, SHA-256 and pieces as the library computes, leaving no temp file${busy === '1' ? ', on a busy machine too' : ''}`, () => withTemp(tempShow(), async show => {
      const media = join(show.path, 'big.mp3')
      const data = bigMp3(media)
      const { result, json } = await runCliJson(['publish', media, '--show', show.show, '--title', 'Big'], { env: { SEEDCAST_MACHINE_BUSY: busy } })
      expect(result.code, result.stderr).toBe(0)
      const published = readFileSync(join(show.show, 'public', json.episode.mediaPath))
      expect(published.equals(data)).toBe(true)
      expect(json.episode.sha256).toBe(sha256(data))
      const pieceLength = json.episode.pieceLength as number
      const torrent = readFileSync(join(show.show, 'public', json.episode.torrentPath))
      const pieces: Buffer[] = []
      for (let start = 0; start < data.length; start += pieceLength) pieces.push(createHash('sha1').update(data.subarray(start, start + pieceLength)).digest())
      expect(torrent.includes(Buffer.concat(pieces))).toBe(true)
      expect(readdirSync(showPaths(show.show).tmpDir)).toEqual([])
    }))
  }

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`leaves no early copy behind when ${signal} ends it while it loads, and dies of that signal as before`, () => withTemp(tempShow(), async show => {
      const media = join(show.path, 'big.mp3')
      bigMp3(media)
      const { tmpDir } = showPaths(show.show)
      const watcher = watch(tmpDir)
      const child = spawn(process.execPath, [binPath, 'publish', media, '--show', show.show], { stdio: 'ignore' })
      const exited = once(child, 'exit')
      try {
        // The early copy is the first file of this pid in .seedcast/tmp.
        const started = AbortSignal.timeout(20_000)
        while (!readdirSync(tmpDir).some(name => name.startsWith(`${child.pid}-`) && name.endsWith('.early'))) {
          await once(watcher, 'change', { signal: started })
        }
      } finally {
        watcher.close()
      }
      child.kill(signal)
      const [code, killedBy] = await exited
      expect({ code, killedBy }).toEqual({ code: null, killedBy: signal })
      expect(readdirSync(tmpDir)).toEqual([])
    }))
  }
})
