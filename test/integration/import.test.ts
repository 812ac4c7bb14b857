// `seedcast import`: a show moved from another host. The old host is a real HTTP server on
// 127.0.0.1 serving a feed written the way Libsyn writes one (fixtures/import/) and real
// media from fixtures/; the import runs the built CLI.
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseRssFeed } from 'feedsmith'
import { afterEach, describe, expect, it } from 'vitest'
import { binPath, runCli, runCliJson } from '../helpers/cli.js'
import { FeedHost } from '../helpers/feed-host.js'
import { freePort } from '../helpers/ports.js'
import { runInPty } from '../helpers/pty.js'
import { tempDir } from '../helpers/tmp.js'
import { waitUntil } from './get-helpers.js'
import { exists, fixture, readCatalogFile, treeHash } from './publish-helpers.js'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex')
const NEW_BASE = 'https://pod.example.org/tea/'

/** The old host: the Libsyn-style feed at /rss and its media, cover, transcript and chapters. */
async function oldHost (extraItems = '') {
  const host = await new FeedHost().start()
  cleanups.push(() => host.close())
  const media: Record<string, Buffer> = {
    '/media/episode.mp3': await readFile(fixture('episode.mp3')),
    '/media/episode-2.mp3': await readFile(fixture('episode-2.mp3')),
    '/media/trailer.webm': await readFile(fixture('video.webm'))
  }
  for (const [path, body] of Object.entries(media)) host.put(path, body, path.endsWith('.webm') ? 'video/webm' : 'audio/mpeg')
  host.put('/images/cover.jpg', await readFile(fixture('cover.jpg')), 'image/jpeg')
  host.put('/transcripts/kettle.vtt', await readFile(fixture('import/kettle.vtt')), 'text/vtt')
  host.put('/chapters/kettle.json', await readFile(fixture('import/kettle-chapters.json')), 'application/json+chapters')
  const writeFeed = async (extra: string) => {
    const xml = (await readFile(fixture('import/libsyn-feed.xml'), 'utf8'))
      .replaceAll('{{BASE}}', host.base)
      .replace(/\{\{LENGTH:([^}]+)\}\}/g, (_, name: string) => String(media[`/media/${name}`]!.length))
      .replace('<!-- new items -->', extra)
    host.put('/rss', xml, 'application/rss+xml; charset=UTF-8')
  }
  await writeFeed(extraItems)
  return { host, media, feedUrl: host.url('/rss'), writeFeed }
}

/** An item as Libsyn writes one, for a test to add to the feed. */
function item (guid: string, title: string, date: string, url: string, length: number, integrity?: string, type = 'audio/mpeg'): string {
  return `    <item>
      <title>${title}</title>
      <pubDate>${new Date(date).toUTCString()}</pubDate>
      <guid isPermaLink="false"><![CDATA[${guid}]]></guid>
      <description><![CDATA[<p>${title}</p>]]></description>
      <enclosure length="${length}" type="${type}" url="${url}"/>
      <itunes:explicit>false</itunes:explicit>${integrity
      ? `
      <podcast:alternateEnclosure type="${type}" length="${length}" default="true">
        <podcast:source uri="${url}"/>
        <podcast:integrity type="sri" value="${integrity}"/>
      </podcast:alternateEnclosure>`
      : ''}
    </item>
`
}

async function show () {
  const tmp = await tempDir()
  cleanups.push(tmp.cleanup)
  return { tmp, dir: join(tmp.path, 'tea') }
}

const importArgs = (feedUrl: string, dir: string) => ['import', feedUrl, dir, '--base-url', NEW_BASE, '--license', 'CC-BY-4.0', '--tracker', 'self']

describe('seedcast import', { timeout: 240_000 }, () => {
  it('makes a show from a Libsyn-style feed keeping GUIDs, dates, titles, numbers, types and bytes; feeds lint clean; a second import adds nothing; a new episode is added alone', async () => {
    const { host, media, feedUrl, writeFeed } = await oldHost()
    const { dir } = await show()

    const { result, json } = await runCliJson([...importArgs(feedUrl, dir), '--json'])
    expect(result.code, result.stdout + result.stderr).toBe(0)
    expect(json).toMatchObject({ created: true, alreadyThere: 0, failed: [], episodes: 3 })
    expect(json.imported.map((e: { guid: string }) => e.guid)).toEqual(['teatime-libsyn-38100001', 'teatime-libsyn-38271644', 'a0c5e1d2-3f4b-4c6d-8e9f-0a1b2c3d4e5f'])
    // The trailer's enclosure says 1000 bytes: reported, and the new feeds give the true size.
    expect(json.notes).toContain(`"Trailer": the feed says the enclosure is 1000 bytes, the file has ${media['/media/trailer.webm']!.length}; the feeds now give the true size`)

    // The channel as the old host described it; its podcast:guid kept (directories know the show).
    const config = JSON.parse(await readFile(join(dir, 'show.json'), 'utf8'))
    expect(config).toMatchObject({
      title: 'Tea Time Talks', author: 'Ana Lima', owner: { name: 'Ana Lima', email: 'ana@teatime.example.com' },
      language: 'en-US', category: 'Arts', subcategory: 'Food', explicit: false, link: 'https://teatime.example.com/',
      type: 'episodic', license: 'CC-BY-4.0', baseUrl: NEW_BASE, trackers: ['self'], image: 'cover.jpg',
      podcastGuid: '3b1f6f42-6a1c-5b7e-9d0e-1b2c3d4e5f60', locked: false, importedFrom: feedUrl
    })
    expect(config.description).toBe('Talks over tea, every Monday: one leaf, one guest, one story.')
    expect(await readFile(join(dir, 'public', 'cover.jpg'))).toEqual(await readFile(fixture('cover.jpg')))

    const catalog = await readCatalogFile(dir)
    const byGuid = Object.fromEntries(catalog.episodes.map(e => [e.guid, e]))
    expect(byGuid['teatime-libsyn-38271644']).toMatchObject({ title: 'Green tea & patience', pubDate: '2025-10-06T05:00:00.000Z', season: 1, episode: 2, explicit: true, draft: false })
    expect(byGuid['a0c5e1d2-3f4b-4c6d-8e9f-0a1b2c3d4e5f']).toMatchObject({ title: 'Bonus: a kettle story', pubDate: '2025-10-13T05:00:00.000Z', season: 1, type: 'bonus', transcriptType: 'text/vtt' })
    expect(byGuid['teatime-libsyn-38100001']).toMatchObject({ title: 'Trailer', pubDate: '2025-10-01T08:30:00.000Z', type: 'trailer', mimeType: 'video/webm', length: media['/media/trailer.webm']!.length })
    // Show notes: the old host's HTML, sanitised (no script, no event handler, no tracking pixel).
    const notes = byGuid['teatime-libsyn-38271644']!.notesHtml!
    expect(notes).toContain('<a href="https://example.org/green" rel="noopener nofollow">green tea</a>')
    expect(notes).not.toMatch(/script|onclick|alert/)
    expect(byGuid['teatime-libsyn-38271644']!.description).toBe('We talk about green tea and waiting.\nGuest: Bo.')
    expect(byGuid['a0c5e1d2-3f4b-4c6d-8e9f-0a1b2c3d4e5f']!.notesHtml).not.toContain('pixel.gif')

    // Media bytes as the old host served them.
    const sources: Record<string, string> = { 'teatime-libsyn-38271644': '/media/episode.mp3', 'a0c5e1d2-3f4b-4c6d-8e9f-0a1b2c3d4e5f': '/media/episode-2.mp3', 'teatime-libsyn-38100001': '/media/trailer.webm' }
    for (const [guid, path] of Object.entries(sources)) {
      expect(sha256(await readFile(join(dir, 'public', byGuid[guid]!.mediaPath))), guid).toBe(sha256(media[path]!))
    }
    // The transcript and chapters the feed linked, placed as publish places them.
    const kettle = byGuid['a0c5e1d2-3f4b-4c6d-8e9f-0a1b2c3d4e5f']!
    expect(await readFile(join(dir, 'public', kettle.transcriptPath!), 'utf8')).toBe(await readFile(fixture('import/kettle.vtt'), 'utf8'))
    expect(JSON.parse(await readFile(join(dir, 'public', kettle.chaptersPath!), 'utf8')).chapters.map((c: { title: string }) => c.title)).toEqual(['The kettle', 'The whistle'])

    // The new rss.xml: the same GUIDs (not permalinks), the new host's enclosures.
    const rss = parseRssFeed(await readFile(join(dir, 'public', 'rss.xml'), 'utf8'))
    expect(rss.items!.map(i => [i.guid?.value, i.guid?.isPermaLink, i.title])).toEqual([
      ['a0c5e1d2-3f4b-4c6d-8e9f-0a1b2c3d4e5f', false, 'Bonus: a kettle story'],
      ['teatime-libsyn-38271644', false, 'Green tea & patience'],
      ['teatime-libsyn-38100001', false, 'Trailer']
    ])
    expect(rss.items!.every(i => i.enclosures?.[0]?.url?.startsWith(`${NEW_BASE}media/`))).toBe(true)
    expect(rss.items!.map(i => i.pubDate && new Date(i.pubDate).toISOString())).toEqual(['2025-10-13T05:00:00.000Z', '2025-10-06T05:00:00.000Z', '2025-10-01T08:30:00.000Z'])
    const lint = await runCliJson(['feed', 'lint', join(dir, 'public', 'rss.xml')])
    expect(lint.json.findings.filter((f: { level: string }) => f.level === 'error')).toEqual([])
    expect(lint.result.code).toBe(0)
    expect(await readdir(join(dir, '.seedcast', 'import'))).toEqual([]) // nothing left behind

    // Again: nothing new, nothing downloaded, nothing changed on disk.
    const before = await treeHash(dir)
    const mediaRequests = host.log.filter(r => r.path.startsWith('/media/')).length
    const again = await runCliJson([...importArgs(feedUrl, dir), '--json'])
    expect(again.result.code, again.result.stderr).toBe(0)
    expect(again.json).toMatchObject({ created: false, imported: [], alreadyThere: 3, failed: [], episodes: 3 })
    expect(host.log.filter(r => r.path.startsWith('/media/')).length).toBe(mediaRequests)
    expect(await treeHash(dir)).toBe(before)

    // The old host publishes one more episode: only it comes.
    const oolong = await readFile(fixture('video.mp4'))
    host.put('/media/new.mp4', oolong, 'video/mp4')
    await writeFeed(item('teatime-libsyn-38500000', 'Oolong', '2025-10-20T05:00:00Z', host.url('/media/new.mp4'), oolong.length, undefined, 'video/mp4'))
    const third = await runCliJson([...importArgs(feedUrl, dir), '--json'])
    expect(third.result.code, third.result.stderr).toBe(0)
    expect(third.json).toMatchObject({ imported: [{ guid: 'teatime-libsyn-38500000', title: 'Oolong' }], alreadyThere: 3, episodes: 4 })
    expect(host.log.filter(r => r.path.startsWith('/media/')).length).toBe(mediaRequests + 1)
    expect((await readCatalogFile(dir)).episodes.map(e => e.guid).sort()).toEqual([...Object.keys(sources), 'teatime-libsyn-38500000'].sort())
  })

  it('shows each download and its hashing as a progress bar in a terminal, and a line per episode', async () => {
    const { feedUrl } = await oldHost()
    const { tmp, dir } = await show()
    const run = await runInPty([process.execPath, binPath, ...importArgs(feedUrl, dir)], [], { cwd: tmp.path })
    expect(run.code, run.transcript).toBe(0)
    const screen = run.transcript.replace(/\r/g, '\n')
    expect(screen).toMatch(/Downloading "Green tea & patience" \[[█░]+\] 100% \| 0\.3\/0\.3 MiB/)
    expect(screen).toMatch(/Hashing \[[█░]+\] 100%/)
    for (const line of ['Created show "Tea Time Talks" in', 'imported "Trailer" (trailer)', 'imported "Green tea & patience" (green-tea-patience)', 'imported "Bonus: a kettle story" (bonus-a-kettle-story)', '3 episode(s) imported, 0 already there; 3 in the show']) {
      expect(screen).toContain(line)
    }
  })

  it('imports a feed written the way Anchor writes one: redirected enclosures, podcast:locked, a cover too small for Apple', async () => {
    const host = await new FeedHost().start()
    cleanups.push(() => host.close())
    const monday = await readFile(fixture('episode.mp3'))
    const tuesday = await readFile(fixture('episode-2.mp3'))
    // Anchor's enclosures are play-counting URLs that redirect to the CDN file.
    for (const [n, day, body] of [[101, '2025-9-7/monday', monday], [102, '2025-9-8/tuesday', tuesday]] as const) {
      host.redirects.set(`/s/4f2a/podcast/play/${n}/https://cdn.example.net/staging/${day}.mp3`, { status: 302, location: host.url(`/cdn/staging/${day}.mp3`) })
      host.put(`/cdn/staging/${day}.mp3`, body, 'audio/mpeg')
    }
    host.put('/pod/profile/cover.png', await readFile(fixture('cover-small.png')), 'image/png')
    host.put('/s/4f2a/podcast/rss', (await readFile(fixture('import/anchor-feed.xml'), 'utf8')).replaceAll('{{BASE}}', host.base)
      .replace('{{LENGTH:episode.mp3}}', String(monday.length)).replace('{{LENGTH:episode-2.mp3}}', String(tuesday.length)), 'application/rss+xml')
    const { dir } = await show()

    const { result, json } = await runCliJson(['import', host.url('/s/4f2a/podcast/rss'), dir, '--base-url', NEW_BASE, '--license', 'CC-BY-NC-4.0', '--json'])
    expect(result.code, result.stdout).toBe(0)
    expect(json.imported.map((e: { guid: string, title: string }) => [e.guid, e.title])).toEqual([
      ['0b7e4c2a-5d3f-4e8a-9c1b-7f6a5e4d3c21', 'Monday night'],
      ['5c1e2f70-9a41-4d2b-b6b8-0e4f7a1d2c93', 'Tuesday night']
    ])
    expect(json.notes).toEqual([
      'the feed is podcast:locked (its owner asks other platforms not to import it): import only a show that is yours',
      `the feed's cover ${host.url('/pod/profile/cover.png')}: 500x500 is too small: a placeholder cover was made; replace it with \`show edit --image\``
    ])
    expect(host.requests('/cdn/staging/2025-9-7/monday.mp3')).toHaveLength(1)
    const config = JSON.parse(await readFile(join(dir, 'show.json'), 'utf8'))
    expect(config).toMatchObject({ title: 'Night Radio', language: 'fr', category: 'News', subcategory: 'Daily News', image: 'cover.png', locked: true, license: 'CC-BY-NC-4.0', description: 'Late news, read slowly. Every night at ten.' })
    const catalog = await readCatalogFile(dir)
    expect(catalog.episodes.map(e => [e.guid, e.pubDate, e.description])).toEqual([
      ['0b7e4c2a-5d3f-4e8a-9c1b-7f6a5e4d3c21', '2025-10-07T22:15:00.000Z', 'The news of Monday, slowly.'],
      ['5c1e2f70-9a41-4d2b-b6b8-0e4f7a1d2c93', '2025-10-08T22:15:00.000Z', 'The news of Tuesday, slowly.']
    ])
    expect(sha256(await readFile(join(dir, 'public', catalog.episodes[0]!.mediaPath)))).toBe(sha256(monday))
    expect(sha256(await readFile(join(dir, 'public', catalog.episodes[1]!.mediaPath)))).toBe(sha256(tuesday))
    const lint = await runCliJson(['feed', 'lint', join(dir, 'public', 'rss.xml')])
    expect(lint.json.findings.filter((f: { level: string }) => f.level === 'error')).toEqual([])
  })

  it('imports a feed written the way Castopod writes one: podcast:guid, locked, license, person, transcript, chapters, season/episode, trailer and bonus', async () => {
    const host = await new FeedHost().start()
    cleanups.push(() => host.close())
    const media = { 'episode.mp3': await readFile(fixture('episode.mp3')), 'episode-2.mp3': await readFile(fixture('episode-2.mp3')), 'trailer.webm': await readFile(fixture('video.webm')) }
    // Castopod's enclosures carry an analytics query string; the file is at the path.
    host.put('/audio/@kitchen/bread-slowly.mp3', media['episode.mp3'], 'audio/mpeg')
    host.put('/audio/@kitchen/loaf-that-failed.mp3', media['episode-2.mp3'], 'audio/mpeg')
    host.put('/audio/@kitchen/trailer.webm', media['trailer.webm'], 'video/webm')
    host.put('/media/podcasts/kitchen/cover_feed.jpg', await readFile(fixture('cover.jpg')), 'image/jpeg')
    host.put('/media/podcasts/kitchen/bread-slowly.srt', await readFile(fixture('import/bread-slowly.srt')), 'application/x-subrip')
    host.put('/media/podcasts/kitchen/bread-slowly.json', await readFile(fixture('import/bread-slowly-chapters.json')), 'application/json+chapters')
    host.put('/@kitchen/feed.xml', (await readFile(fixture('import/castopod-feed.xml'), 'utf8')).replaceAll('{{BASE}}', host.base)
      .replace(/\{\{LENGTH:([^}]+)\}\}/g, (_, name: string) => String(media[name as keyof typeof media].length)), 'application/rss+xml; charset=UTF-8')
    const { dir } = await show()

    // No --license: the feed's podcast:license (a Creative Commons URL) gives it.
    const { result, json } = await runCliJson(['import', host.url('/@kitchen/feed.xml'), dir, '--base-url', NEW_BASE, '--json'])
    expect(result.code, result.stdout + result.stderr).toBe(0)
    expect(json.imported.map((e: { guid: string, title: string }) => [e.guid, e.title])).toEqual([
      ['https://kitchen.example.org/@kitchen/episodes/trailer', 'Kitchen Table: the trailer'],
      ['https://kitchen.example.org/@kitchen/episodes/bread-slowly', 'Bread, slowly'],
      ['https://kitchen.example.org/@kitchen/episodes/loaf-that-failed', 'Bonus: the loaf that failed']
    ])
    // A person whose role is not in the podcast:person taxonomy costs only that person.
    expect(json.notes).toEqual([expect.stringMatching(/^"Bread, slowly": podcast:person "Nobody" left out: "not a role" is not a role of the podcast:person taxonomy/)])
    expect(host.log.filter(r => r.path.startsWith('/audio/')).map(r => r.path).sort()).toEqual(['/audio/@kitchen/bread-slowly.mp3', '/audio/@kitchen/loaf-that-failed.mp3', '/audio/@kitchen/trailer.webm'])

    const config = JSON.parse(await readFile(join(dir, 'show.json'), 'utf8'))
    expect(config).toMatchObject({
      title: 'Kitchen Table', description: 'Recipes read aloud, one loaf at a time.', author: 'Rui Costa', owner: { name: 'Rui Costa', email: 'rui@kitchen.example.org' },
      language: 'pt-BR', category: 'Arts', subcategory: 'Food', type: 'serial', license: 'CC-BY-SA-4.0', locked: false,
      podcastGuid: '6f0e2b9a-4c1d-5e3f-8a7b-2c9d0e1f3a4b', link: 'https://kitchen.example.org/@kitchen'
    })
    const catalog = await readCatalogFile(dir)
    const byTitle = Object.fromEntries(catalog.episodes.map(e => [e.title, e]))
    expect(byTitle['Kitchen Table: the trailer']).toMatchObject({ guid: 'https://kitchen.example.org/@kitchen/episodes/trailer', pubDate: '2025-03-01T12:00:00.000Z', season: 1, type: 'trailer', mimeType: 'video/webm' })
    expect(byTitle['Bread, slowly']).toMatchObject({
      guid: 'https://kitchen.example.org/@kitchen/episodes/bread-slowly', pubDate: '2025-03-10T08:00:00.000Z', season: 1, episode: 1,
      persons: [{ name: 'Rui Costa', role: 'host', group: 'cast' }, { name: 'Bea Santos', role: 'guest', group: 'cast' }]
    })
    expect(byTitle['Bonus: the loaf that failed']).toMatchObject({ guid: 'https://kitchen.example.org/@kitchen/episodes/loaf-that-failed', pubDate: '2025-03-14T18:00:00.000Z', season: 1, type: 'bonus', persons: [{ name: 'Rui Costa', role: 'host' }] })
    expect(byTitle['Bonus: the loaf that failed']!.episode).toBeUndefined()
    expect(byTitle['Bread, slowly']!.notesHtml).toContain('<a href="https://example.org/bea" rel="noopener nofollow">Bea</a>')
    for (const [title, name] of [['Bread, slowly', 'episode.mp3'], ['Bonus: the loaf that failed', 'episode-2.mp3'], ['Kitchen Table: the trailer', 'trailer.webm']] as const) {
      expect(sha256(await readFile(join(dir, 'public', byTitle[title]!.mediaPath))), title).toBe(sha256(media[name]))
    }
    // The SubRip transcript and the chapters the item linked, published with the episode.
    const bread = byTitle['Bread, slowly']!
    expect(bread.transcriptPath).toBeDefined()
    expect(await readFile(join(dir, 'public', bread.transcriptPath!), 'utf8')).toContain('And a day of waiting.')
    expect(JSON.parse(await readFile(join(dir, 'public', bread.chaptersPath!), 'utf8')).chapters.map((c: { title: string }) => c.title)).toEqual(['Flour', 'Waiting'])

    // The new feed says the same in the podcast namespace.
    const xml = await readFile(join(dir, 'public', 'rss.xml'), 'utf8')
    const rss = parseRssFeed(xml)
    expect(rss.items!.map(i => [i.guid?.value, i.itunes?.episodeType, i.itunes?.season, i.itunes?.episode])).toEqual([
      ['https://kitchen.example.org/@kitchen/episodes/loaf-that-failed', 'bonus', 1, undefined],
      ['https://kitchen.example.org/@kitchen/episodes/bread-slowly', 'full', 1, 1],
      ['https://kitchen.example.org/@kitchen/episodes/trailer', 'trailer', 1, undefined]
    ])
    expect(rss.items![1]!.podcast?.persons?.map(p => [p.display, p.role])).toEqual([['Rui Costa', 'host'], ['Bea Santos', 'guest']])
    expect(rss.items![1]!.podcast?.transcripts?.[0]?.url).toMatch(new RegExp(`^${NEW_BASE}`))
    expect(rss.podcast?.guid).toBe('6f0e2b9a-4c1d-5e3f-8a7b-2c9d0e1f3a4b')
    const lint = await runCliJson(['feed', 'lint', join(dir, 'public', 'rss.xml')])
    expect(lint.json.findings.filter((f: { level: string }) => f.level === 'error')).toEqual([])
  })

  it('imports a feed written the way WordPress with PowerPress writes one: permalink GUIDs, content:encoded with scripts, HH:MM:SS durations, enclosures without a length', async () => {
    const host = await new FeedHost().start()
    cleanups.push(() => host.close())
    const older = await readFile(fixture('episode.mp3'))
    const newer = await readFile(fixture('episode-2.mp3'))
    host.put('/wp-content/uploads/2025/04/compost.mp3', older, 'audio/mpeg')
    host.put('/wp-content/uploads/2025/04/compost-part-two.mp3', newer, 'audio/mpeg')
    host.put('/wp-content/uploads/powerpress/garden-cover.jpg', await readFile(fixture('cover.jpg')), 'image/jpeg')
    host.put('/feed/podcast/', (await readFile(fixture('import/powerpress-feed.xml'), 'utf8')).replaceAll('{{BASE}}', host.base), 'application/rss+xml; charset=UTF-8')
    const { dir } = await show()

    const { result, json } = await runCliJson(['import', host.url('/feed/podcast/'), dir, '--base-url', NEW_BASE, '--license', 'CC-BY-NC-SA-4.0', '--json'])
    expect(result.code, result.stdout + result.stderr).toBe(0)
    expect(json.imported.map((e: { guid: string, title: string }) => [e.guid, e.title])).toEqual([
      ['https://gardenshed.example.com/2025/04/compost-at-last/', 'Compost, at last'],
      ['https://gardenshed.example.com/2025/04/compost-at-last-part-two/', 'Compost, at last – part two']
    ])
    // A length of 0 or none is no claim: nothing to report.
    expect(json.notes).toEqual([])
    const config = JSON.parse(await readFile(join(dir, 'show.json'), 'utf8'))
    expect(config).toMatchObject({ title: 'Garden Shed Radio', description: 'Weekly notes from a small garden – what grew, what did not.', language: 'en-GB', category: 'Leisure', subcategory: 'Home & Garden', podcastGuid: '9d2c4e6a-1b3f-5a7c-8e0d-2f4a6c8e0b1d', link: 'https://gardenshed.example.com/' })

    const catalog = await readCatalogFile(dir)
    expect(catalog.episodes.map(e => [e.guid, e.pubDate, e.title, e.length])).toEqual([
      ['https://gardenshed.example.com/2025/04/compost-at-last/', '2025-04-08T06:30:00.000Z', 'Compost, at last', older.length],
      ['https://gardenshed.example.com/2025/04/compost-at-last-part-two/', '2025-04-15T06:30:00.000Z', 'Compost, at last – part two', newer.length]
    ])
    expect(sha256(await readFile(join(dir, 'public', catalog.episodes[0]!.mediaPath)))).toBe(sha256(older))
    expect(sha256(await readFile(join(dir, 'public', catalog.episodes[1]!.mediaPath)))).toBe(sha256(newer))
    // content:encoded is the notes (not the "[…]" excerpt), with every script, handler and tracker gone.
    const [first, second] = catalog.episodes
    expect(first!.notesHtml).toContain('<em>a lot</em>')
    expect(second!.notesHtml).toContain('<a href="https://example.org/compost" rel="noopener nofollow">a compost guide</a>')
    for (const episode of catalog.episodes) {
      expect(episode.notesHtml).not.toMatch(/script|onclick|onerror|alert|iframe|tracker\.example|document\.write|__ga/)
      expect(episode.description).not.toMatch(/script|document\.write|__ga|\[…\]/)
    }
    expect(first!.description).toMatch(/^Three bins, one fork and a lot of leaves.\n+Thanks for listening!$/)
    // The episode pages show those notes, and nothing the old host's HTML would have run; the image stays, lazy.
    for (const episode of catalog.episodes) {
      const page = await readFile(join(dir, 'public', 'episodes', episode.slug, 'index.html'), 'utf8')
      const start = page.indexOf('<div class="notes">')
      expect(start).toBeGreaterThan(0)
      expect(page.slice(start, page.indexOf('</section>', start))).not.toMatch(/<script|<iframe|\son[a-z]+=|javascript:|tracker\.example|document\.write|__ga|target=/)
    }
    expect(second!.notesHtml).toContain('<img loading="lazy" src="https://gardenshed.example.com/wp-content/uploads/2025/04/heap.jpg" alt="" width="300" height="200" />')
    // The new feed: the same GUIDs, the true lengths, the durations of the media.
    const rss = parseRssFeed(await readFile(join(dir, 'public', 'rss.xml'), 'utf8'))
    expect(rss.items!.map(i => [i.guid?.value, i.enclosures?.[0]?.length])).toEqual([
      ['https://gardenshed.example.com/2025/04/compost-at-last-part-two/', newer.length],
      ['https://gardenshed.example.com/2025/04/compost-at-last/', older.length]
    ])
    expect(await readFile(join(dir, 'public', 'rss.xml'), 'utf8')).not.toMatch(/<script|onclick|document\.write/)
    const lint = await runCliJson(['feed', 'lint', join(dir, 'public', 'rss.xml')])
    expect(lint.json.findings.filter((f: { level: string }) => f.level === 'error')).toEqual([])
  })

  it('imports a feed written in ISO-8859-1 (named in its XML declaration, served as text/xml with no charset) with its accented letters intact', async () => {
    const { host, feedUrl } = await oldHost()
    const utf8 = await (await fetch(feedUrl)).text()
    const latin1 = utf8.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
      .replaceAll('Tea Time Talks', 'Thé et café')
      .replace('Green tea &amp; patience', 'Thé vert, café noir, crème brûlée')
    host.put('/rss', Buffer.from(latin1, 'latin1'), 'text/xml')
    const { dir } = await show()
    const { result, json } = await runCliJson([...importArgs(feedUrl, dir), '--json'])
    expect(result.code, result.stdout + result.stderr).toBe(0)
    expect(JSON.parse(await readFile(join(dir, 'show.json'), 'utf8')).title).toBe('Thé et café')
    expect(json.imported.map((episode: { title: string }) => episode.title)).toContain('Thé vert, café noir, crème brûlée')
    // The new feeds are UTF-8, as every show seedcast writes.
    const rss = await readFile(join(dir, 'public', 'rss.xml'), 'utf8')
    expect(rss).toContain('<title>Thé vert, café noir, crème brûlée</title>')
    expect(rss).not.toContain('\uFFFD')
  })

  it('continues a download cut by the network with a Range request on the next run', async () => {
    const { host, media, feedUrl } = await oldHost()
    const { dir } = await show()
    const whole = media['/media/episode.mp3']!
    host.dropAfter('/media/episode.mp3', 100_000)

    const first = await runCliJson([...importArgs(feedUrl, dir), '--json'])
    expect(first.result.code).toBe(1)
    expect(first.json.failed).toEqual([expect.objectContaining({ guid: 'teatime-libsyn-38271644', code: 'EDOWNLOAD' })])
    expect(first.json.failed[0].message).toMatch(/^"Green tea & patience": .*cannot download the episode: .* \(run the import again: it continues where it stopped\)$/)
    expect(first.json.imported.map((e: { guid: string }) => e.guid).sort()).toEqual(['a0c5e1d2-3f4b-4c6d-8e9f-0a1b2c3d4e5f', 'teatime-libsyn-38100001'])
    expect((await readCatalogFile(dir)).episodes.some(e => e.guid === 'teatime-libsyn-38271644')).toBe(false)
    const [partial] = await readdir(join(dir, '.seedcast', 'import'))
    const had = (await stat(join(dir, '.seedcast', 'import', partial!))).size
    expect(had).toBe(100_000) // every byte received before the cut is kept

    const second = await runCliJson([...importArgs(feedUrl, dir), '--json'])
    expect(second.result.code, second.result.stderr).toBe(0)
    expect(second.json).toMatchObject({ imported: [{ guid: 'teatime-libsyn-38271644' }], alreadyThere: 2, failed: [], episodes: 3 })
    expect(host.requests('/media/episode.mp3').at(-1)).toMatchObject({ range: `bytes=${had}-`, status: 206, bytes: whole.length - had })
    const episode = (await readCatalogFile(dir)).episodes.find(e => e.guid === 'teatime-libsyn-38271644')!
    expect(sha256(await readFile(join(dir, 'public', episode.mediaPath)))).toBe(sha256(whole))
    expect(await readdir(join(dir, '.seedcast', 'import'))).toEqual([])
  })

  it('stops cleanly on SIGINT mid-download (exit 130, one line, the show consistent) and the next run continues with a Range request', async () => {
    const { host, media, feedUrl } = await oldHost()
    const { tmp, dir } = await show()
    const whole = media['/media/episode.mp3']!
    // The old host sends the first 100 000 bytes of the second episode, then holds the connection open.
    host.hold('/media/episode.mp3', 100_000)

    const child = spawn(process.execPath, [binPath, ...importArgs(feedUrl, dir)], { cwd: tmp.path, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] })
    cleanups.push(async () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
    const exited = new Promise<number | null>(resolve => child.on('close', code => resolve(code)))
    const work = join(dir, '.seedcast', 'import')
    const partialSize = async () => {
      for (const name of await readdir(work).catch(() => [])) {
        if (name.endsWith('.mp3')) return (await stat(join(work, name))).size
      }
      return 0
    }
    // Every byte the host sent is in the partial file before the signal.
    await waitUntil(async () => await partialSize() === 100_000, 60_000, 'the first 100 000 bytes in the partial download')
    child.kill('SIGINT')
    expect(await exited, stderr).toBe(130)
    expect(stderr.trim().split('\n')).toEqual([
      `Created show "Tea Time Talks" in ${dir}`,
      `Note: "Trailer": the feed says the enclosure is 1000 bytes, the file has ${media['/media/trailer.webm']!.length}; the feeds now give the true size`,
      'imported "Trailer" (trailer)',
      'seedcast: interrupted (the episodes imported so far are in the show; run the same command again to continue where it stopped)'
    ])
    expect(stdout).toBe('')

    // The show as if the import had stopped before the cut episode: catalog, feeds and media agree.
    const catalog = await readCatalogFile(dir)
    expect(catalog.episodes.map(e => e.guid)).toEqual(['teatime-libsyn-38100001'])
    const rss = parseRssFeed(await readFile(join(dir, 'public', 'rss.xml'), 'utf8'))
    expect(rss.items!.map(i => i.guid?.value)).toEqual(['teatime-libsyn-38100001'])
    expect(await readdir(join(dir, 'public', 'media'))).toEqual([catalog.episodes[0]!.mediaPath.replace(/^media\//, '')])
    expect(await readdir(join(dir, 'public', 'torrents'))).toEqual([catalog.episodes[0]!.torrentPath.replace(/^torrents\//, '')])
    // Only the partial download is left in the work folder, for the next run, with the
    // record of where its bytes came from (enclosure-download.ts).
    const left = (await readdir(work)).sort()
    expect(left).toHaveLength(2)
    expect(left[1]).toBe(`${left[0]}.from`)
    expect(await partialSize()).toBe(100_000)

    host.release()
    const second = await runCliJson([...importArgs(feedUrl, dir), '--json'])
    expect(second.result.code, second.result.stderr).toBe(0)
    expect(second.json).toMatchObject({ imported: [{ guid: 'teatime-libsyn-38271644' }, { guid: 'a0c5e1d2-3f4b-4c6d-8e9f-0a1b2c3d4e5f' }], alreadyThere: 1, failed: [], episodes: 3 })
    expect(host.requests('/media/episode.mp3').at(-1)).toMatchObject({ range: 'bytes=100000-', status: 206, bytes: whole.length - 100_000 })
    const episode = (await readCatalogFile(dir)).episodes.find(e => e.guid === 'teatime-libsyn-38271644')!
    expect(sha256(await readFile(join(dir, 'public', episode.mediaPath)))).toBe(sha256(whole))
    expect(await readdir(work)).toEqual([])
  })

  it('imports an episode whose linked transcript is not one without it, saying so in a note', async () => {
    const { host, feedUrl } = await oldHost()
    host.put('/transcripts/kettle.vtt', 'Sorry, this page is not available.\n', 'text/vtt')
    const { dir } = await show()
    const { result, json } = await runCliJson([...importArgs(feedUrl, dir), '--json'])
    expect(result.code, result.stderr).toBe(0)
    expect(json.notes).toContain(`"Bonus: a kettle story": its transcript (${host.url('/transcripts/kettle.vtt')}) was refused: not a WebVTT, SubRip, JSON or HTML transcript (no WEBVTT header and no SubRip cues); imported without`)
    const kettle = (await readCatalogFile(dir)).episodes.find(e => e.guid === 'a0c5e1d2-3f4b-4c6d-8e9f-0a1b2c3d4e5f')!
    expect(kettle.transcriptPath).toBeUndefined()
    expect(kettle.chaptersPath).toBeDefined()
  })

  it('imports the JSON and HTML transcripts items link (podcast:transcript allows both), the HTML sanitised', async () => {
    const json = JSON.stringify({ version: '1.0.0', segments: [{ speaker: 'Ana', startTime: 0, endTime: 3, body: 'Steeping the leaves.' }] })
    const html = '<html><body><p>Pouring <b>slowly</b>.</p><script>steal()</script></body></html>'
    const { host, feedUrl } = await oldHost()
    host.put('/transcripts/kettle.json', json, 'application/json')
    host.put('/transcripts/kettle.html', html, 'text/html')
    const feed = await (await fetch(feedUrl)).text()
    const vttLink = `url="${host.url('/transcripts/kettle.vtt')}" type="text/vtt"`
    expect(feed).toContain(vttLink)
    const kettleOf = async (link: string) => {
      host.put('/rss', feed.replace(vttLink, link), 'application/rss+xml; charset=UTF-8')
      const { dir } = await show()
      const { result, json: out } = await runCliJson([...importArgs(feedUrl, dir), '--json'])
      expect(result.code, result.stderr).toBe(0)
      expect(out.notes.filter((note: string) => /transcript/.test(note))).toEqual([])
      const kettle = (await readCatalogFile(dir)).episodes.find(e => e.guid === 'a0c5e1d2-3f4b-4c6d-8e9f-0a1b2c3d4e5f')!
      return { kettle, text: await readFile(join(dir, 'public', kettle.transcriptPath!), 'utf8') }
    }

    const fromJson = await kettleOf(`url="${host.url('/transcripts/kettle.json')}" type="application/json"`)
    expect(fromJson.kettle).toMatchObject({ transcriptPath: `transcripts/${fromJson.kettle.slug}.json`, transcriptType: 'application/json' })
    expect(fromJson.text).toBe(json)
    const fromHtml = await kettleOf(`url="${host.url('/transcripts/kettle.html')}" type="text/html"`)
    expect(fromHtml.kettle).toMatchObject({ transcriptPath: `transcripts/${fromHtml.kettle.slug}.html`, transcriptType: 'text/html' })
    expect(fromHtml.text).toContain('<p>Pouring <b>slowly</b>.</p>')
    expect(fromHtml.text).not.toContain('script')
  })

  it('refuses an enclosure whose bytes do not match its podcast:integrity, in one line, keeping nothing of it', async () => {
    const good = await readFile(fixture('episode-2.mp3'))
    const { host, feedUrl } = await oldHost()
    const corrupt = Buffer.from(good)
    corrupt[corrupt.length - 100] = corrupt[corrupt.length - 100]! ^ 0xff
    host.put('/media/corrupt.mp3', corrupt, 'audio/mpeg')
    const integrity = `sha256-${createHash('sha256').update(good).digest('base64')}`
    const extra = item('teatime-libsyn-39000000', 'Corrupted', '2025-10-27T05:00:00Z', host.url('/media/corrupt.mp3'), corrupt.length, integrity)
    host.put('/rss', (await readFile(fixture('import/libsyn-feed.xml'), 'utf8')).replaceAll('{{BASE}}', host.base).replace(/\{\{LENGTH:[^}]+\}\}/g, '0').replace('<!-- new items -->', extra), 'application/rss+xml')
    const { dir } = await show()

    const run = await runCli(importArgs(feedUrl, dir))
    expect(run.code).toBe(1)
    const failures = run.stderr.split('\n').filter(line => line.startsWith('failed: '))
    expect(failures).toEqual([`failed: "Corrupted": the bytes do not match the feed's podcast:integrity (expected ${integrity.replace(/=+$/, '')}, got sha256-${createHash('sha256').update(corrupt).digest('base64')}); not kept (the old host serves another file than its feed describes; nothing of this episode was imported)`])
    expect(run.stdout).toContain('3 episode(s) imported, 0 already there, 1 failed (run again to retry); 3 in the show')
    const catalog = await readCatalogFile(dir)
    expect(catalog.episodes.map(e => e.guid)).not.toContain('teatime-libsyn-39000000')
    expect(catalog.episodes.map(e => e.title)).not.toContain('Corrupted')
    expect(await readdir(join(dir, '.seedcast', 'import'))).toEqual([])
    const published = await readdir(join(dir, 'public', 'media'))
    expect(published).toHaveLength(3)
    for (const name of published) expect(sha256(await readFile(join(dir, 'public', 'media', name)))).not.toBe(sha256(corrupt))
    expect(await readFile(join(dir, 'public', 'rss.xml'), 'utf8')).not.toContain('teatime-libsyn-39000000')
  })

  it('refuses an enclosure that is an HTML page, naming its URL and keeping nothing; once the host serves the media, the next run imports its exact bytes', async () => {
    // An MP3 the feed has nowhere else (one audio byte changed), so it is not a duplicate.
    const good = Buffer.from(await readFile(fixture('episode-2.mp3')))
    good[good.length - 100] = good[good.length - 100]! ^ 0xff
    const { host, writeFeed } = await oldHost()
    host.put('/media/late.mp3', '<!doctype html><html><body>Episode coming soon</body></html>', 'text/html')
    await writeFeed(item('teatime-libsyn-39000001', 'Coming soon', '2025-10-27T05:00:00Z', host.url('/media/late.mp3'), good.length))
    const { dir } = await show()

    const first = await runCli(importArgs(host.url('/rss'), dir))
    expect(first.code).toBe(1)
    expect(first.stderr.split('\n').filter(line => line.startsWith('failed: '))).toEqual([
      `failed: "Coming soon": ${host.url('/media/late.mp3')} is not an audio or video file (Failed to determine audio format) (the old host serves no audio or video at this address; nothing of this episode was imported: run the import again once it serves the media)`
    ])
    expect(await readdir(join(dir, '.seedcast', 'import'))).toEqual([])

    host.put('/media/late.mp3', good, 'audio/mpeg')
    const second = await runCli(importArgs(host.url('/rss'), dir))
    expect(second.code, second.stderr).toBe(0)
    const late = (await readCatalogFile(dir)).episodes.find(e => e.guid === 'teatime-libsyn-39000001')!
    expect(sha256(await readFile(join(dir, 'public', late.mediaPath)))).toBe(sha256(good))
    // A whole new download, not a Range request continuing the page's bytes.
    expect(host.log.filter(entry => entry.path === '/media/late.mp3').map(entry => entry.range)).toEqual([undefined, undefined])
  })

  it('says what is wrong in one line for a bad URL, a page that is not a feed, a 404, a host that does not answer, a folder that is not a show, a feed without license', async () => {
    const { host, feedUrl } = await oldHost()
    host.put('/page', '<!doctype html><html><body>Tea Time Talks</body></html>', 'text/html')
    const { tmp, dir } = await show()
    const notShow = join(tmp.path, 'holiday-photos')
    await mkdir(notShow)
    await writeFile(join(notShow, 'beach.jpg'), 'not really a photo')
    const notShowBefore = await treeHash(notShow)
    const closedPort = await freePort() // nothing listens there
    const cases: Array<[string[], RegExp]> = [
      [importArgs('not a url', dir), /^seedcast: not a url: not a URL \(give the feed's http\(s\) address\)$/],
      [importArgs(host.url('/page'), dir), /^seedcast: http:\/\/127\.0\.0\.1:\d+\/page: not a podcast feed \(it is an HTML page that names no feed\) \(check that the URL is a podcast RSS or Atom feed\)$/],
      [importArgs(host.url('/gone.xml'), dir), /^seedcast: http:\/\/127\.0\.0\.1:\d+\/gone\.xml: HTTP 404 Not Found \(check the feed URL\)$/],
      [importArgs(`http://127.0.0.1:${closedPort}/rss`, dir), new RegExp(`^seedcast: http://127\\.0\\.0\\.1:${closedPort}/rss: cannot fetch the feed: ECONNREFUSED.* \\(check the URL and that the host is reachable\\)$`)],
      [importArgs(feedUrl, notShow), /^seedcast: .*holiday-photos: not empty and not a seedcast show folder \(import into a new or empty folder\)$/],
      [['import', feedUrl, dir, '--base-url', NEW_BASE], /^seedcast: http:\/\/127\.0\.0\.1:\d+\/rss: the feed names no license \(podcast:license or a Creative Commons link\) \(give the SPDX id of the license the episodes are under with --license, e.g\. CC-BY-4\.0 or CC-BY-NC-ND-4\.0\)$/]
    ]
    for (const [args, message] of cases) {
      const run = await runCli(args)
      expect(run.code, args.join(' ')).not.toBe(0)
      expect(run.code, args.join(' ')).not.toBe(70) // never a bug
      expect(run.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1)
      expect(run.stderr.trim()).toMatch(message)
      expect(await exists(dir), args.join(' ')).toBe(false)
    }
    expect(await treeHash(notShow)).toBe(notShowBefore)

    // A show that was not imported from this feed is not added to.
    const init = await runCli(['init', dir, '--title', 'Mine', '--description', 'd', '--author', 'a', '--owner-name', 'a', '--owner-email', 'a@example.org', '--language', 'en', '--category', 'Arts', '--base-url', NEW_BASE])
    expect(init.code, init.stderr).toBe(0)
    const refused = await runCli(importArgs(feedUrl, dir))
    expect(refused.code).toBe(1)
    expect(refused.stderr.trim()).toMatch(/^seedcast: .*tea: already a show not made by importing this feed \(import into a new or empty folder; run it again with the same feed URL to add new episodes\)$/)
  })
})
