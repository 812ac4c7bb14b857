// `seedcast episodes edit --media FILE`: a podcaster who fixes a bad cut keeps the episode
// (guid, slug, page URL); the media, .torrent and infohash are the new file's, under new
// names (never the old file's URL with other bytes), the feeds are rebuilt, the old files go
// once the new are in place, and a running `serve --seed` seeds the new torrent instead of
// the old. (A crash in the middle: episodes-edit-media-crash.test.ts.)
import { existsSync } from 'node:fs'
import { readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { inspectTorrent } from '../../src/torrent/inspect.ts'
import { binPath, runCli, runCliJson } from '../helpers/cli.ts'
import { startJsonProcess, waitForLines, type JsonProcess } from '../helpers/json-process.ts'
import { exists, fixture, readCatalogFile, readFeeds, tempShow, treeHash } from './publish-helpers.ts'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

const seen = (proc: JsonProcess, what: string, test: (line: Record<string, any>) => boolean) =>
  waitForLines(what, 60_000, () => proc.lines.some(test), [proc]).catch((error: Error) => { throw new Error(`${error.message}; stderr: ${proc.stderr()}; events: ${JSON.stringify(proc.lines)}`) })

describe('seedcast episodes edit --media', { timeout: 240_000 }, () => {
  it('replaces the media under the same guid and slug, with a new torrent the running seeder takes up', async () => {
    const tmp = await tempShow()
    cleanups.push(tmp.cleanup)
    const { show } = tmp
    const first = await runCliJson<{ episode: { slug: string, guid: string, infoHash: string, mediaPath: string, torrentPath: string } }>(['publish', fixture('episode.mp3'), '--show', show, '--title', 'Rough cut', '--json'])
    expect(first.result.code, first.result.stderr).toBe(0)
    const before = first.json.episode
    const other = await runCliJson<{ episode: { slug: string } }>(['publish', fixture('video.mp4'), '--show', show, '--title', 'Other', '--json'])
    expect(other.result.code, other.result.stderr).toBe(0)

    const serve = startJsonProcess([binPath, 'serve', show, '--port', '0', '--seed', '--no-dht', '--state', join(tmp.path, 'state'), '--json'])
    cleanups.push(async () => { serve.child.kill('SIGTERM'); await serve.exited })
    await seen(serve, 'the rough cut seeding', line => line.event === 'seeding' && line.infoHash === before.infoHash)

    // The same extension: new names all the same, the old files gone.
    const fixed = await runCliJson<{ episode: Record<string, any>, replaced: boolean, previousInfoHash: string }>(['episodes', 'edit', before.slug, '--show', show, '--media', fixture('episode-2.mp3'), '--json'])
    expect(fixed.result.code, fixed.result.stderr).toBe(0)
    const after = fixed.json.episode
    expect(fixed.json).toMatchObject({ replaced: true, previousInfoHash: before.infoHash })
    expect(after).toMatchObject({ slug: before.slug, guid: before.guid, title: 'Rough cut' })
    expect(after.mediaPath).toMatch(new RegExp(`^media/${before.slug}\\.[0-9a-f]{12}\\.mp3$`))
    expect(after.torrentPath).toMatch(new RegExp(`^torrents/${before.slug}\\.[0-9a-f]{12}\\.torrent$`))
    expect(after.infoHash).not.toBe(before.infoHash)
    expect(await exists(join(show, 'public', before.mediaPath))).toBe(false)
    expect(await exists(join(show, 'public', before.torrentPath))).toBe(false)
    const mp3 = await readFile(fixture('episode-2.mp3'))
    expect(await readFile(join(show, 'public', after.mediaPath))).toEqual(mp3)
    const torrent = inspectTorrent(await readFile(join(show, 'public', after.torrentPath)))
    expect(torrent).toMatchObject({ infoHash: after.infoHash, length: mp3.length })
    const { rss } = await readFeeds(show)
    const items = rss.items!.filter(item => item.guid?.value === before.guid)
    expect(items).toHaveLength(1)
    expect(items[0]!.enclosures?.[0]).toMatchObject({ length: mp3.length })
    expect((await readCatalogFile(show)).episodes).toHaveLength(2)
    await seen(serve, 'the fixed cut seeding', line => line.event === 'seeding' && line.infoHash === after.infoHash)
    await seen(serve, 'the rough cut dropped', line => line.event === 'removed' && line.infoHash === before.infoHash)
    // Its fast-resume file goes with it (the new torrent's is written once it is checked).
    await waitForLines('the rough cut\'s resume file gone', 10_000, () => !existsSync(join(tmp.path, 'state', 'resume', `${before.infoHash}.json`)), [serve])
    expect(existsSync(join(tmp.path, 'state', 'resume', `${after.infoHash}.json`))).toBe(true)

    // Another extension: a new media URL, the old file gone once the new one is in.
    const video = await runCliJson<{ episode: Record<string, any> }>(['episodes', 'edit', before.slug, '--show', show, '--media', fixture('video.webm'), '--title', 'Final cut', '--json'])
    expect(video.result.code, video.result.stderr).toBe(0)
    expect(video.json.episode).toMatchObject({ slug: before.slug, guid: before.guid, title: 'Final cut', mimeType: 'video/webm' })
    expect(video.json.episode.mediaPath).toMatch(new RegExp(`^media/${before.slug}\\.[0-9a-f]{12}\\.webm$`))
    expect(await exists(join(show, 'public', after.mediaPath))).toBe(false)
    expect(await exists(join(show, 'public', after.torrentPath))).toBe(false)
    expect(await readFile(join(show, 'public', video.json.episode.mediaPath))).toEqual(await readFile(fixture('video.webm')))
    const page = await readFile(join(show, 'public', 'episodes', before.slug, 'index.html'), 'utf8')
    expect(page).toContain(video.json.episode.mediaPath)
    expect(page).not.toContain(after.mediaPath)
    await seen(serve, 'the webm seeding', line => line.event === 'seeding' && line.infoHash === video.json.episode.infoHash)

    // Refused in one line, nothing changed: not media, another episode's media, a missing file.
    const settled = await treeHash(show)
    for (const [media, message] of [
      [fixture('not-audio.mp3'), 'not-audio.mp3 is not an audio or video file'],
      [fixture('video.mp4'), `seedcast: video.mp4 is already the media of episode "${other.json.episode.slug}" (give the new cut of this episode)\n`],
      [join(tmp.path, 'missing.mp3'), 'missing.mp3: no such file or directory']
    ] as const) {
      const bad = await runCli(['episodes', 'edit', before.slug, '--show', show, '--media', media])
      expect(bad.code, bad.stderr).toBe(1)
      expect(bad.stderr).toContain(message)
      expect(bad.stderr.trim().split('\n')).toHaveLength(1)
    }
    // A bad flag beside --media: refused before the media is touched.
    await writeFile(join(tmp.path, 'late-chapters.txt'), '00:00:00 Intro\n01:00:00 Past the end\n')
    const late = await runCli(['episodes', 'edit', before.slug, '--show', show, '--media', fixture('episode-2.mp3'), '--chapters', join(tmp.path, 'late-chapters.txt')])
    expect(late.code, late.stderr).toBe(2)
    expect(late.stderr).toContain('"Past the end" starts at 01:00:00, after the end of the media')
    expect(await treeHash(show)).toBe(settled)
    expect((await stat(join(show, 'public', video.json.episode.mediaPath))).size).toBe((await readFile(fixture('video.webm'))).length)
  })
})
