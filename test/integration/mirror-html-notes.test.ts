// `seedcast mirror` of a feed whose descriptions are HTML (a CDATA block, as most hosts
// write them) carrying a script, event handlers and javascript: links, served on 127.0.0.1:
// the mirror's feeds and pages republish the notes through the allowlist that import uses,
// never the hostile markup; and an episode the feed gives no itunes:duration for is dated
// by its media, not announced as 0 seconds.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { readPodcastFeed } from '../../src/feed/read/podcast-feed.ts'
import { runCliJson } from '../helpers/cli.ts'
import { FeedHost } from '../helpers/feed-host.ts'
import { tempDir } from '../helpers/tmp.ts'
import { fixture } from './publish-helpers.ts'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

const HOSTILE_SHOW = '<p onclick="alert(1)">A show about <b>tea</b><script>alert(2)</script> <a href="javascript:alert(3)">here</a><img src=x onerror=alert(4)></p>'
const HOSTILE_NOTES = '<p>Notes with <a href="https://tea.example/">a link</a> <a href=" javascript:alert(5)">bad</a><iframe src="https://evil.example/"></iframe><svg onload=alert(6)></svg></p>'

function feed (mediaUrl: string, length: number): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:podcast="https://podcastindex.org/namespace/1.0">
  <channel>
    <title>Tea Radio</title>
    <link>https://tea.example/</link>
    <description><![CDATA[${HOSTILE_SHOW}]]></description>
    <language>en</language>
    <itunes:owner><itunes:name>Tea</itunes:name><itunes:email>tea@example.org</itunes:email></itunes:owner>
    <podcast:license>CC-BY-4.0</podcast:license>
    <item>
      <title>First brew</title>
      <guid isPermaLink="false">tea-1</guid>
      <pubDate>Mon, 01 Dec 2025 10:00:00 GMT</pubDate>
      <description><![CDATA[${HOSTILE_NOTES}]]></description>
      <enclosure url="${mediaUrl}" length="${length}" type="audio/mpeg"/>
    </item>
  </channel>
</rss>`
}

describe('seedcast mirror of a feed with HTML descriptions', () => {
  it('republishes the notes sanitised (content:encoded, the page) and their words as the description; the duration read from the media', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const host = await new FeedHost().start()
    cleanups.push(() => host.close())
    const mp3 = await readFile(fixture('episode.mp3')) // 34.4 s, and the feed gives no itunes:duration
    host.put('/media/first.mp3', mp3, 'audio/mpeg')
    host.put('/feed.xml', feed(host.url('/media/first.mp3'), mp3.length), 'application/rss+xml')
    const show = join(tmp.path, 'mirror')

    const made = await runCliJson(['mirror', host.url('/feed.xml'), show, '--base-url', 'http://127.0.0.1:9/tea/', '--no-dht'], { timeoutMs: 90_000 })
    expect(made.result.code, made.result.stderr).toBe(0)

    const config = JSON.parse(await readFile(join(show, 'show.json'), 'utf8'))
    expect(config.description).toMatch(/^A show about tea here\n\nA peer-to-peer mirror of /)
    const entry = JSON.parse(await readFile(join(show, 'episodes.json'), 'utf8')).episodes[0]
    expect(entry.description).toBe('Notes with a link bad')
    expect(entry.notesHtml).toBe('<p>Notes with <a href="https://tea.example/" rel="noopener nofollow">a link</a> <a>bad</a></p>')
    expect(entry.duration).toBeCloseTo(34.38, 1)

    const published = ['rss.xml', 'p2p.xml', 'atom.xml', 'feed.json', 'index.html', `episodes/${entry.slug}/index.html`]
    for (const file of published) {
      const text = await readFile(join(show, 'public', file), 'utf8')
      // Neither as markup nor entity-encoded (podcast apps decode a description and render it).
      expect(text, file).not.toMatch(/javascript:|onclick|onerror|onload|alert\(|<iframe|&lt;iframe|&lt;script/i)
    }
    const rss = readPodcastFeed(await readFile(join(show, 'public', 'rss.xml'), 'utf8'))
    expect(rss.episodes[0]!.description).toContain('<a href="https://tea.example/" rel="noopener nofollow">a link</a>')
    expect(rss.episodes[0]!.duration).toBe(34)
    const json = JSON.parse(await readFile(join(show, 'public', 'feed.json'), 'utf8'))
    expect(json.items[0].content_text).toBe('Notes with a link bad')
    expect(json.items[0].attachments[0].duration_in_seconds).toBeCloseTo(34.38, 1)
    const page = await readFile(join(show, 'public', 'episodes', entry.slug, 'index.html'), 'utf8')
    expect(page).toContain('<div class="notes"><p>Notes with <a href="https://tea.example/" rel="noopener nofollow">a link</a> <a>bad</a></p></div>')
    expect(page).toContain('<time datetime="PT34S">34 sec</time>')
  })
})
