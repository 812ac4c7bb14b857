// `seedcast import` of an item whose podcast:chapters file has one chapter with a bad image
// URL: the chapters are kept, only that image is left out, and import's notes say so.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runCliJson } from '../helpers/cli.js'
import { FeedHost } from '../helpers/feed-host.js'
import { tempDir } from '../helpers/tmp.js'
import { fixture, readCatalogFile } from './publish-helpers.js'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

describe('import: chapters with a bad link', () => {
  it('keeps every chapter, drops only the image that is no http(s) URL, resolves a relative one, and notes it', async () => {
    const host = await new FeedHost().start()
    cleanups.push(() => host.close())
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const media = await readFile(fixture('episode.mp3'))
    host.put('/media/one.mp3', media, 'audio/mpeg')
    host.put('/chapters/one.json', JSON.stringify({
      version: '1.2.0',
      chapters: [
        { startTime: 0, title: 'Hello', img: 'art/hello.jpg' },
        { startTime: 10, title: 'Middle', img: 'javascript:alert(1)', url: 'https://example.org/middle' },
        { startTime: 20, title: 'Bye', img: 'data:image/png;base64,AAAA' }
      ]
    }), 'application/json+chapters')
    host.put('/rss', `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:podcast="https://podcastindex.org/namespace/1.0">
  <channel>
    <title>Chapter Radio</title><link>https://chapters.example.org/</link><description>Chapters.</description><language>en</language>
    <itunes:author>Ana</itunes:author><itunes:category text="Arts"/>
    <item>
      <title>One</title><guid isPermaLink="false">one</guid><pubDate>Mon, 06 Oct 2025 05:00:00 GMT</pubDate>
      <enclosure url="${host.url('/media/one.mp3')}" length="${media.length}" type="audio/mpeg"/>
      <podcast:chapters url="${host.url('/chapters/one.json')}" type="application/json+chapters"/>
    </item>
  </channel>
</rss>`, 'application/rss+xml')
    const dir = join(tmp.path, 'show')

    const { result, json } = await runCliJson(['import', host.url('/rss'), dir, '--base-url', 'https://pod.example.org/', '--license', 'CC-BY-4.0', '--owner-email', 'ana@example.org', '--json'])
    expect(result.code, result.stdout + result.stderr).toBe(0)
    expect(json.notes).toContain(`"One": in its chapters (${host.url('/chapters/one.json')}), chapter "Middle"'s image (javascript:alert(1)) is not an http(s) URL; chapter "Bye"'s image (data:image/png;base64,AAAA) is not an http(s) URL: left out, the chapters kept`)
    const [episode] = (await readCatalogFile(dir)).episodes
    const published = JSON.parse(await readFile(join(dir, 'public', episode!.chaptersPath!), 'utf8'))
    expect(published.chapters.map((c: Record<string, unknown>) => [c.title, c.startTime, c.img, c.url])).toEqual([
      ['Hello', 0, host.url('/chapters/art/hello.jpg'), undefined],
      ['Middle', 10, undefined, 'https://example.org/middle'],
      ['Bye', 20, undefined, undefined]
    ])
  }, 120_000)
})
