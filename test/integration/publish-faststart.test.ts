// Video episodes stream (issue 12): an MP4 whose moov box follows its mdat is published
// moov-first, so a player reading only the first bytes can start; the torrent, the SHA-256
// and the feed describe the rewritten file, and the decoded media is unchanged.
import { createHash } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli, runCliJson, runProcess } from '../helpers/cli.js'
import { fixture, tempShow } from './publish-helpers.js'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0)) await cleanup() })

/** The top-level box types of an ISO media file, in order. */
function boxTypes (data: Buffer): string[] {
  const types: string[] = []
  for (let at = 0; at + 8 <= data.length;) {
    const size = data.readUInt32BE(at)
    types.push(data.toString('latin1', at + 4, at + 8))
    at += size === 1 ? Number(data.readBigUInt64BE(at + 8)) : size
  }
  return types
}

/** ffprobe given only the first `bytes` of a file on its standard input (as a player that has not the rest yet). */
async function probeHead (path: string, bytes: number) {
  return runProcess('sh', ['-c', `head -c ${bytes} "$0" | ffprobe -v error -show_entries stream=codec_type,nb_frames -of json -`, path])
}

/** MD5 of every decoded frame and sample: the same media, whatever the box order. */
async function decodedMd5 (path: string): Promise<string> {
  const result = await runProcess('ffmpeg', ['-v', 'error', '-i', path, '-map', '0', '-f', 'md5', '-'])
  expect(result.code, result.stderr).toBe(0)
  return result.stdout.trim()
}

/** A show, and the fixture video remuxed with its moov after mdat (ffmpeg's default MP4 muxer, as many editors write). */
async function lateMoovShow (): Promise<{ show: string, late: string, source: Buffer, path: string }> {
  const { show, ...tmp } = await tempShow()
  cleanups.push(tmp.cleanup)
  const late = join(tmp.path, 'late.mp4')
  const made = await runProcess('ffmpeg', ['-v', 'error', '-y', '-i', fixture('video.mp4'), '-c', 'copy', '-f', 'mp4', late])
  expect(made.code, made.stderr).toBe(0)
  const source = await readFile(late)
  expect(boxTypes(source).filter(type => type === 'moov' || type === 'mdat')).toEqual(['mdat', 'moov'])
  return { show, late, source, path: tmp.path }
}

describe('publish of an MP4 with its moov box at the end', { timeout: 180_000 }, () => {
  it('rewrites it moov-first: ffprobe reads it from its first bytes, the torrent and SHA-256 are of the rewritten file', async () => {
    const { show, late, source } = await lateMoovShow()
    const head = source.indexOf('mdat') + 4096 // a little of the media data, none of the moov
    expect((await probeHead(late, head)).stderr).toContain('moov atom not found')

    const { result, json } = await runCliJson(['publish', late, '--show', show, '--title', 'Late moov'])
    expect(result.code, result.stderr).toBe(0)
    expect(json.notes).toEqual([expect.stringContaining('moved before the media data (fast start)')])
    const published = join(show, 'public', json.episode.mediaPath)
    const bytes = await readFile(published)
    expect(boxTypes(bytes).filter(type => type === 'moov' || type === 'mdat')).toEqual(['moov', 'mdat'])
    expect(bytes.length).toBe(source.length)
    expect(json.episode.length).toBe(source.length)

    // A player given only the first bytes finds the streams and every frame's place.
    const probed = await probeHead(published, bytes.indexOf('mdat') + 4096)
    expect(probed.code, probed.stderr).toBe(0)
    const streams = JSON.parse(probed.stdout).streams as Array<{ codec_type: string, nb_frames: string }>
    expect(streams.map(stream => stream.codec_type)).toEqual(expect.arrayContaining(['audio', 'video']))
    // Same samples, same order: only the chunk offsets changed.
    expect(await decodedMd5(published)).toBe(await decodedMd5(late))

    // The torrent, the SRI digest and the catalog describe the published (rewritten) bytes.
    expect(json.episode.sha256).toBe(createHash('sha256').update(bytes).digest('base64'))
    const verified = await runCliJson(['verify', join(show, 'public', json.episode.torrentPath), published])
    expect(verified.json).toMatchObject({ ok: true })
    const againstSource = await runCliJson(['verify', join(show, 'public', json.episode.torrentPath), late])
    expect(againstSource.json.ok).toBe(false)

    // Publishing the same file again is a duplicate (the rewrite is deterministic).
    const again = await runCliJson(['publish', late, '--show', show])
    expect(again.json).toMatchObject({ duplicate: true, episode: { guid: json.episode.guid } })
  })

  it('leaves an MP4 that is already moov-first byte for byte as it is, with no note', async () => {
    const { show, ...tmp } = await tempShow()
    cleanups.push(tmp.cleanup)
    const { json } = await runCliJson(['publish', fixture('video.mp4'), '--show', show])
    expect(json.notes).toEqual([])
    expect(await readFile(join(show, 'public', json.episode.mediaPath))).toEqual(await readFile(fixture('video.mp4')))
  })

  it('publishes a file it cannot rewrite safely as it is, saying why in one line', async () => {
    const { show, source: original, path } = await lateMoovShow()
    // A second moov box after the first (as some broken editors write): which index is the file's
    // cannot be known, so the file is left as it is.
    const moovAt = original.lastIndexOf('moov') - 4
    const source = Buffer.concat([original, original.subarray(moovAt, moovAt + original.readUInt32BE(moovAt))])
    const odd = join(path, 'odd.mp4')
    await writeFile(odd, source)

    const result = await runCli(['publish', odd, '--show', show, '--title', 'Odd'])
    expect(result.code, result.stderr).toBe(0)
    const notes = result.stdout.split('\n').filter(line => line.startsWith('Note: '))
    expect(notes).toEqual(['Note: not rewritten for fast start: it has more than one moov box; players must download the whole file before they can start'])
    const catalog = JSON.parse(await readFile(join(show, 'episodes.json'), 'utf8'))
    expect(await readFile(join(show, 'public', catalog.episodes[0].mediaPath))).toEqual(source)
  })
})
