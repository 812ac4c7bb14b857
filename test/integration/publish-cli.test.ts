import { execFileSync } from 'node:child_process'
import { copyFile, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli, runCliJson } from '../helpers/cli.js'
import { BASE_URL, exists, fixture, readCatalogFile, readFeeds, tempShow, torrentMatches, treeHash } from './publish-helpers.js'

describe('seedcast publish', () => {
  let tmp: { path: string, cleanup: () => Promise<void> }
  let show: string
  beforeEach(async () => {
    ({ show, ...tmp } = await tempShow())
  })
  afterEach(async () => { await tmp.cleanup() })

  it('publishes an MP3 with chapters: media, verified torrent, chapters file, catalog entry and all four feeds', async () => {
    const { result, json } = await runCliJson(['publish', fixture('episode.mp3'), '--show', show, '--date', '2026-11-20T10:00:00Z', '--season', '1', '--episode', '1'])
    expect(result.code).toBe(0)
    expect(json.duplicate).toBe(false)
    const episode = json.episode
    expect(episode).toMatchObject({
      slug: 'episode-1-introduction-to-seedcast', title: 'Episode 1: Introduction to seedcast',
      description: 'A short spoken introduction to seedcast: podcasts published peer to peer.',
      pubDate: '2026-11-20T10:00:00.000Z', season: 1, episode: 1, explicit: false, draft: false, mimeType: 'audio/mpeg',
      mediaPath: 'media/episode-1-introduction-to-seedcast.mp3', torrentPath: 'torrents/episode-1-introduction-to-seedcast.torrent',
      chaptersPath: 'chapters/episode-1-introduction-to-seedcast.json'
    })
    expect(episode.guid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(episode.duration).toBeCloseTo(34.4, 0)

    const media = join(show, 'public', episode.mediaPath)
    const original = await readFile(fixture('episode.mp3'))
    expect(await readFile(media)).toEqual(original)
    expect(await exists(fixture('episode.mp3'))).toBe(true) // copied, not moved
    expect(episode.length).toBe(original.length)
    const { createHash } = await import('node:crypto')
    expect(episode.sha256).toBe(createHash('sha256').update(original).digest('base64'))

    const torrent = await torrentMatches(join(show, 'public', episode.torrentPath), media)
    expect(torrent.infoHash).toBe(episode.infoHash)
    expect(torrent.name).toBe('episode-1-introduction-to-seedcast.mp3')
    expect(torrent.webSeeds).toEqual([`${BASE_URL}media/episode-1-introduction-to-seedcast.mp3`])
    expect(torrent.announce).toEqual(['udp://tracker.example.org:6969/announce'])

    const chapters = JSON.parse(await readFile(join(show, 'public', episode.chaptersPath), 'utf8'))
    expect(chapters.chapters.map((chapter: { title: string }) => chapter.title)).toEqual(['Introduction', 'Main topic'])
    expect(chapters.chapters[1].startTime).toBeCloseTo(10, 1)

    expect(json.magnet).toContain(`xt=urn:btih:${episode.infoHash}`)
    expect(json.magnet).toContain(`xs=${encodeURIComponent(`${BASE_URL}torrents/episode-1-introduction-to-seedcast.torrent`)}`)
    expect((await readCatalogFile(show)).episodes).toEqual([episode])

    const feeds = await readFeeds(show)
    expect(feeds.guids).toEqual({ rss: [episode.guid], p2p: [episode.guid], atom: [episode.guid], json: [episode.guid] })
    const item = feeds.rss.items![0]!
    expect(item.title).toBe(episode.title)
    expect(item.enclosures?.[0]).toEqual({ url: `${BASE_URL}media/episode-1-introduction-to-seedcast.mp3`, length: original.length, type: 'audio/mpeg' })
    expect(item.podcast?.chapters?.url).toBe(`${BASE_URL}chapters/episode-1-introduction-to-seedcast.json`)
    expect(item.podcast?.alternateEnclosures?.[0]?.integrity?.value).toBe(`sha256-${episode.sha256}`)
    expect(feeds.p2p.items![0]!.enclosures?.[0]?.url).toBe(json.magnet)
    expect(feeds.json.items![0]!.attachments?.[0]?.url).toBe(`${BASE_URL}media/episode-1-introduction-to-seedcast.mp3`)
  })

  it('prints the episode URL, magnet, infohash and feed paths', async () => {
    const result = await runCli(['publish', fixture('episode-2.mp3'), '--show', show, '--title', 'Hello world'])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Published "Hello world"')
    expect(result.stdout).toContain(`url:      ${BASE_URL}media/hello-world.mp3`)
    expect(result.stdout).toMatch(/infohash: [0-9a-f]{40}/)
    expect(result.stdout).toMatch(/magnet: {3}magnet:\?xt=urn:btih:[0-9a-f]{40}/)
    expect(result.stdout).toContain(join(show, 'public', 'rss.xml'))
    // No chapters in episode-2.mp3: no chapters file.
    const [episode] = (await readCatalogFile(show)).episodes
    expect(episode!.chaptersPath).toBeUndefined()
    expect(await exists(join(show, 'public', 'chapters', 'hello-world.json'))).toBe(false)
  })

  for (const [file, mimeType, slug, chapters] of [['video.mp4', 'video/mp4', 'seedcast-video-demo', ['Colour bars', 'Tone']], ['video.webm', 'video/webm', 'seedcast-webm-demo', []]] as const) {
    it(`publishes ${file} like audio`, async () => {
      const { result, json } = await runCliJson(['publish', fixture(file), '--show', show])
      expect(result.code).toBe(0)
      expect(json.episode).toMatchObject({ slug, mimeType, mediaPath: `media/${slug}.${file.split('.')[1]}` })
      expect(json.episode.duration).toBeCloseTo(4, 0)
      const media = join(show, 'public', json.episode.mediaPath)
      expect(await readFile(media)).toEqual(await readFile(fixture(file)))
      expect((await torrentMatches(join(show, 'public', json.episode.torrentPath), media)).infoHash).toBe(json.episode.infoHash)
      if (chapters.length) {
        const document = JSON.parse(await readFile(join(show, 'public', json.episode.chaptersPath), 'utf8'))
        expect(document.chapters.map((chapter: { title: string }) => chapter.title)).toEqual(chapters)
      } else {
        expect(json.episode.chaptersPath).toBeUndefined()
      }
      const feeds = await readFeeds(show)
      expect(feeds.rss.items![0]!.enclosures?.[0]).toMatchObject({ type: mimeType, url: `${BASE_URL}media/${slug}.${file.split('.')[1]}` })
      expect(feeds.guids.atom).toEqual([json.episode.guid])
    })
  }

  it('detects the same bytes published twice and adds nothing', async () => {
    const first = await runCliJson(['publish', fixture('episode-2.mp3'), '--show', show])
    expect(first.json.duplicate).toBe(false)
    const before = await treeHash(show)
    const copy = join(tmp.path, 'renamed copy.mp3')
    await copyFile(fixture('episode-2.mp3'), copy)
    const second = await runCli(['publish', copy, '--show', show, '--title', 'Another title'])
    expect(second.code).toBe(0)
    expect(second.stdout).toContain('Already published as "Episode 2: Chapters and cover art" (episode-2-chapters-and-cover-art): same bytes (SHA-256), nothing added.')
    expect(await treeHash(show)).toBe(before)
    const third = await runCliJson(['publish', fixture('episode-2.mp3'), '--show', show])
    expect(third.json).toMatchObject({ duplicate: true, episode: { guid: first.json.episode.guid } })
    expect((await readCatalogFile(show)).episodes).toHaveLength(1)
  })

  it('uses cover art from the tags as episode art when podcast apps accept it, and says why not otherwise', async () => {
    const withArt = join(tmp.path, 'with-art.mp3')
    execFileSync('ffmpeg', ['-v', 'error', '-i', fixture('episode-2.mp3'), '-i', fixture('cover.jpg'), '-map', '0:a', '-map', '1', '-c', 'copy', '-id3v2_version', '3', withArt])
    const { json } = await runCliJson(['publish', withArt, '--show', show])
    expect(json.episode.imagePath).toBe(`images/${json.episode.slug}.jpg`)
    expect(await readFile(join(show, 'public', json.episode.imagePath))).toEqual(await readFile(fixture('cover.jpg')))
    expect(json.notes).toEqual([])
    const item = (await readFeeds(show)).rss.items![0]!
    expect(item.itunes?.image).toBe(`${BASE_URL}images/${json.episode.slug}.jpg`)

    // episode.mp3 carries a 300x300 cover: too small for podcast apps, so not used, with a note.
    const small = await runCli(['publish', fixture('episode.mp3'), '--show', show])
    expect(small.stdout).toContain('Note: cover art in the tags: 300x300 is too small: not used as episode art')
    expect((await readCatalogFile(show)).episodes[1]!.imagePath).toBeUndefined()

    await runCliJson(['episodes', 'remove', json.episode.slug, '--show', show])
    expect(await exists(join(show, 'public', json.episode.imagePath))).toBe(false)
  })

  it('numbers a slug that is taken', async () => {
    await runCliJson(['publish', fixture('episode.mp3'), '--show', show, '--title', 'Same title'])
    const { json } = await runCliJson(['publish', fixture('episode-2.mp3'), '--show', show, '--title', 'Same title'])
    expect(json.episode.slug).toBe('same-title-2')
    expect(json.episode.mediaPath).toBe('media/same-title-2.mp3')
  })

  const badInputs: [string, string[], RegExp][] = [
    ['non-media', [fixture('not-audio.mp3')], /^seedcast: not-audio\.mp3 is not an audio or video file/],
    ['truncated media', [fixture('truncated.mp3')], /^seedcast: truncated\.mp3 is truncated: /],
    ['a missing file', [fixture('no-such-file.mp3')], /no-such-file\.mp3: no such file or directory/],
    ['a directory', [fixture('')], /fixtures\/?: is a directory/],
    ['a bad date', [fixture('episode-2.mp3'), '--date', 'someday'], /^seedcast: --date: "someday" is not a date/],
    ['a bad episode number', [fixture('episode-2.mp3'), '--episode', '-3'], /^seedcast: --episode: -3 is not a whole number from 1 up/]
  ]
  for (const [what, args, message] of badInputs) {
    it(`rejects ${what} with one line and leaves the show byte-identical`, async () => {
      await runCliJson(['publish', fixture('video.webm'), '--show', show])
      const before = await treeHash(show)
      const result = await runCli(['publish', ...args, '--show', show])
      expect(result.code).not.toBe(0)
      expect(result.stderr).toMatch(message)
      expect(result.stderr.trim().split('\n')).toHaveLength(1)
      expect(await treeHash(show)).toBe(before)
    })
  }

  it('refuses a folder that is not a show', async () => {
    const result = await runCli(['publish', fixture('episode-2.mp3'), '--show', tmp.path])
    expect(result.code).toBe(1)
    expect(result.stderr.trim()).toBe(`seedcast: ${tmp.path}: not a seedcast show folder (no show.json) (give the path of an existing show folder, or run \`seedcast init\` to make one)`)
  })

  it('keeps drafts out of the feeds until they are published with episodes edit', async () => {
    const { json } = await runCliJson(['publish', fixture('episode-2.mp3'), '--show', show, '--draft'])
    expect(json.episode.draft).toBe(true)
    expect((await readFeeds(show)).guids.rss).toEqual([])
    const edit = await runCliJson(['episodes', 'edit', json.episode.slug, '--no-draft', '--show', show])
    expect(edit.json.episode.draft).toBe(false)
    expect((await readFeeds(show)).guids).toEqual({ rss: [json.episode.guid], p2p: [json.episode.guid], atom: [json.episode.guid], json: [json.episode.guid] })
  })
})
