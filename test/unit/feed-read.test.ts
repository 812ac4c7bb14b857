import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { renderFeeds } from '../../src/feed/render.ts'
import { readOpml, writeOpml } from '../../src/feed/read/opml.ts'
import { readPodcastFeed } from '../../src/feed/read/podcast-feed.ts'
import { allowsRedistribution } from '../../src/feed/read/redistribution.ts'
import { pollInterval } from '../../src/feed/read/update-interval.ts'
import { sampleEpisode, sampleShow } from '../integration/feed-lint-show.ts'

/** A feed written by hand as WordPress/Libsyn-style hosts write them: HTTP enclosures only. */
const handWritten = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:creativeCommons="http://backend.userland.com/creativeCommonsRssModule" xmlns:content="http://purl.org/rss/1.0/modules/content/">
  <channel>
    <title> Radio Libre </title>
    <link>https://radio.example/</link>
    <description>Talk.</description>
    <language>fr</language>
    <ttl>90</ttl>
    <itunes:author>Radio Libre</itunes:author>
    <itunes:image href="https://radio.example/cover.png"/>
    <itunes:category text="News"><itunes:category text="Politics"/></itunes:category>
    <itunes:new-feed-url>https://new.radio.example/feed.xml</itunes:new-feed-url>
    <creativeCommons:license>http://creativecommons.org/licenses/by-nc/3.0/</creativeCommons:license>
    <item>
      <title>Old one</title>
      <guid isPermaLink="true">https://radio.example/?p=1</guid>
      <pubDate>Tue, 01 Sep 2026 08:00:00 +0200</pubDate>
      <enclosure url="https://cdn.radio.example/ep1.mp3" length="0" type="audio/mpeg"/>
      <itunes:duration>01:02:03</itunes:duration>
    </item>
    <item>
      <title>No guid, relative enclosure</title>
      <pubDate>Wed, 02 Sep 2026 08:00:00 +0200</pubDate>
      <enclosure url="media/ep2.mp3" length="1234" type="audio/mpeg"/>
      <content:encoded><![CDATA[<p>Notes</p>]]></content:encoded>
    </item>
    <item><title>A blog post, no media</title><guid>post-3</guid></item>
    <item><title>Bad scheme</title><guid>x</guid><enclosure url="file:///etc/passwd" type="audio/mpeg" length="1"/></item>
  </channel>
</rss>`

/** PeerTube's podcast feed shape: one alternateEnclosure per resolution, each with its own .torrent. */
const peertube = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
  <channel>
    <title>Tube channel</title><link>https://tube.example/c/x</link><description>videos</description>
    <podcast:license>cc-by-sa-4.0</podcast:license>
    <podcast:updateFrequency rrule="FREQ=WEEKLY">Weekly</podcast:updateFrequency>
    <item>
      <title>Video one</title>
      <guid isPermaLink="false">https://tube.example/w/abc</guid>
      <pubDate>Thu, 03 Sep 2026 10:00:00 GMT</pubDate>
      <enclosure url="https://tube.example/download/videos/abc-720.mp4" length="2000" type="video/mp4"/>
      <podcast:alternateEnclosure type="video/mp4" length="1000" height="480" title="480p">
        <podcast:source uri="https://tube.example/download/videos/abc-480.mp4"/>
        <podcast:source uri="https://tube.example/download/torrents/abc-480.torrent" contentType="application/x-bittorrent"/>
      </podcast:alternateEnclosure>
      <podcast:alternateEnclosure type="video/mp4" length="2000" height="720" title="720p">
        <podcast:source uri="https://tube.example/download/videos/abc-720.mp4"/>
        <podcast:source uri="https://tube.example/download/torrents/abc-720.torrent" contentType="application/x-bittorrent"/>
        <podcast:source uri="magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567"/>
      </podcast:alternateEnclosure>
      <podcast:alternateEnclosure type="application/x-mpegURL" title="HLS">
        <podcast:source uri="https://tube.example/static/streaming-playlists/hls/abc/master.m3u8"/>
      </podcast:alternateEnclosure>
    </item>
  </channel>
</rss>`

describe('readPodcastFeed', () => {
  it('reads seedcast\'s own rss.xml and p2p.xml: torrent, magnet, web seed and integrity per episode', () => {
    const show = sampleShow()
    const episodes = [sampleEpisode(1), sampleEpisode(2)]
    const feeds = renderFeeds(show, episodes)
    const rss = readPodcastFeed(feeds['rss.xml'], { url: `${show.baseUrl}rss.xml` })
    expect(rss.title).toBe(show.title)
    expect(rss.license).toEqual({ id: 'CC-BY-SA-4.0', url: 'https://creativecommons.org/licenses/by-sa/4.0/' })
    expect(rss.podcastGuid).toBe(show.podcastGuid)
    expect(rss.episodes.map(e => e.guid)).toEqual([episodes[1]!.guid, episodes[0]!.guid])
    const newest = rss.episodes[0]!
    expect(newest.media.http).toEqual([`${show.baseUrl}${episodes[1]!.mediaPath}`])
    expect(newest.media.torrents).toEqual([`${show.baseUrl}${episodes[1]!.torrentPath}`])
    expect(newest.media.magnets).toHaveLength(1)
    expect(newest.media.magnets[0]).toContain(`xt=urn:btih:${episodes[1]!.infoHash}`)
    expect(newest.media.integrity).toEqual({ type: 'sri', value: `sha256-${episodes[1]!.sha256}` })
    expect(newest.media.length).toBe(episodes[1]!.length)
    expect(newest.date?.toISOString()).toBe(new Date(episodes[1]!.pubDate).toISOString())

    const p2p = readPodcastFeed(feeds['p2p.xml'])
    expect(p2p.episodes[0]!.enclosure).toBeUndefined()
    expect(p2p.episodes[0]!.media.magnets[0]).toBe(newest.media.magnets[0])
    expect(p2p.episodes[0]!.guid).toBe(newest.guid)
  })

  it('reads a hand-written feed with HTTP enclosures only, leaving out items it cannot use', () => {
    const feed = readPodcastFeed(handWritten, { url: 'https://radio.example/feed/' })
    expect(feed.title).toBe('Radio Libre')
    expect(feed.ttlMinutes).toBe(90)
    expect(feed.categories).toEqual(['News'])
    expect(feed.image).toBe('https://radio.example/cover.png')
    expect(feed.newFeedUrl).toBe('https://new.radio.example/feed.xml')
    expect(feed.license).toEqual({ id: 'http://creativecommons.org/licenses/by-nc/3.0/', url: 'http://creativecommons.org/licenses/by-nc/3.0/' })
    expect(feed.episodes.map(e => e.title)).toEqual(['No guid, relative enclosure', 'Old one'])
    const [second, first] = feed.episodes
    expect(second!.guid).toBe('https://radio.example/feed/media/ep2.mp3')
    expect(second!.media).toEqual({ http: ['https://radio.example/feed/media/ep2.mp3'], torrents: [], magnets: [], type: 'audio/mpeg', length: 1234 })
    expect(second!.description).toBe('<p>Notes</p>')
    expect(first!.duration).toBe(3723)
    expect(first!.media.length).toBeUndefined() // length="0" is "unknown", not an empty file
    expect(first!.date?.toISOString()).toBe('2026-09-01T06:00:00.000Z')
    expect(feed.skipped).toEqual([
      '"A blog post, no media": no usable enclosure (no http(s), .torrent or magnet source)',
      '"Bad scheme": no usable enclosure (no http(s), .torrent or magnet source)'
    ])
  })

  it('reads PeerTube-style sources: only the rendition that is the enclosure', () => {
    const feed = readPodcastFeed(peertube)
    expect(feed.license?.id).toBe('cc-by-sa-4.0')
    expect(feed.updateFrequency).toEqual({ display: 'Weekly', rrule: 'FREQ=WEEKLY', complete: undefined })
    const media = feed.episodes[0]!.media
    expect(media.http).toEqual(['https://tube.example/download/videos/abc-720.mp4'])
    expect(media.torrents).toEqual(['https://tube.example/download/torrents/abc-720.torrent'])
    expect(media.magnets).toEqual(['magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567'])
    expect(media.length).toBe(2000)
  })

  it('reads Atom enclosure links', () => {
    const atom = `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom show</title><id>urn:a</id><updated>2026-09-01T00:00:00Z</updated>
      <entry><id>urn:e1</id><title>E1</title><updated>2026-09-01T00:00:00Z</updated><link rel="enclosure" href="https://a.example/e1.ogg" type="audio/ogg" length="10"/><link rel="enclosure" href="https://a.example/e1.torrent" type="application/x-bittorrent"/></entry></feed>`
    const feed = readPodcastFeed(atom)
    expect(feed.format).toBe('atom')
    expect(feed.title).toBe('Atom show')
    expect(feed.episodes[0]).toMatchObject({ guid: 'urn:e1', title: 'E1', media: { http: ['https://a.example/e1.ogg'], torrents: ['https://a.example/e1.torrent'], length: 10, type: 'audio/ogg' } })
  })

  it('turns hostile or broken documents into one-line errors', () => {
    const cases: Array<[string, RegExp]> = [
      ['', /feed is empty/],
      ['<!DOCTYPE html><html><body>hi</body></html>', /not a podcast feed \(it is an HTML page that names no feed\)/],
      ['{"version":"x"}', /not a podcast feed \(it looks like JSON\)/],
      ['<rss><channel><title>x</channel>', /not well-formed XML/],
      ['<rss><channel>' + '<a>'.repeat(50_000) + '</a>'.repeat(50_000) + '</channel></rss>', /not well-formed XML/]
    ]
    for (const [xml, message] of cases) {
      let error: Error | undefined
      try { readPodcastFeed(xml, { url: 'http://h/f' }) } catch (err) { error = err as Error }
      expect(error?.message).toMatch(message)
      expect(error?.message).toMatch(/^http:\/\/h\/f: /)
      expect(error?.message).not.toContain('\n')
    }
  })

  it('leaves entities unexpanded (no billion laughs, no external entities)', () => {
    const lol = '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>' +
      '<rss version="2.0"><channel><title>&c;</title><item><title>t</title><enclosure url="https://h/e.mp3" type="audio/mpeg" length="1"/></item></channel></rss>'
    const feed = readPodcastFeed(lol)
    expect(feed.title.length).toBeLessThan(20)
    const external = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel><title>&x;</title></channel></rss>'
    expect(() => readPodcastFeed(external)).toThrow(/^feed: not well-formed XML/)
  })

  it('keeps the first of two items with one guid', () => {
    const xml = '<rss version="2.0"><channel><title>t</title>' +
      '<item><title>a</title><guid>g</guid><enclosure url="https://h/a.mp3" type="audio/mpeg" length="1"/></item>' +
      '<item><title>b</title><guid>g</guid><enclosure url="https://h/b.mp3" type="audio/mpeg" length="1"/></item></channel></rss>'
    const feed = readPodcastFeed(xml)
    expect(feed.episodes.map(e => e.title)).toEqual(['a'])
    expect(feed.skipped).toEqual(['"b": same guid as an earlier item (g)'])
  })
})

describe('allowsRedistribution', () => {
  it('allows Creative Commons (NC and ND too), CC0, public domain and free licenses', () => {
    for (const id of ['CC-BY-4.0', 'cc-by-nc-nd-4.0', 'CC-BY-SA-3.0-DE', 'CC0-1.0', 'Public Domain', 'GPL-3.0-or-later', 'Creative Commons Attribution 4.0']) {
      expect(allowsRedistribution({ id }), id).toBe(true)
    }
    expect(allowsRedistribution({ id: 'Some text', url: 'https://creativecommons.org/licenses/by/4.0/' })).toBe(true)
  })
  it('refuses no license, all rights reserved and unknown licenses', () => {
    expect(allowsRedistribution(undefined)).toBe(false)
    for (const id of ['All rights reserved', '© 2026 Big Radio. All Rights Reserved.', 'proprietary', 'LicenseRef-mine', 'CC-BY-4.0 all rights reserved']) {
      expect(allowsRedistribution({ id }), id).toBe(false)
    }
    expect(allowsRedistribution({ id: 'x', url: 'https://example.org/creativecommons.org/licenses/' })).toBe(false)
  })
})

describe('pollInterval', () => {
  const bounds = { fallbackMs: 3_600_000, minMs: 60_000, maxMs: 86_400_000 }
  it('follows ttl, then updateFrequency, within bounds', () => {
    expect(pollInterval({ ttlMinutes: 90 }, bounds)).toBe(90 * 60_000)
    expect(pollInterval({ updateFrequency: { rrule: 'FREQ=DAILY' } }, bounds)).toBe(6 * 3_600_000)
    expect(pollInterval({ updateFrequency: { rrule: 'FREQ=WEEKLY;INTERVAL=2' } }, bounds)).toBe(86_400_000)
    expect(pollInterval({ ttlMinutes: 0.001 }, bounds)).toBe(60_000)
    expect(pollInterval({}, bounds)).toBe(3_600_000)
  })
})

describe('control characters from a feed', () => {
  // What a hostile feed sends: references to ESC and BEL (XML 1.0 forbids them; parsers decode them).
  const hostile = handWritten
    .replace('<title> Radio Libre </title>', '<title>Radio &#x1b;]0;pwned&#x07;&#X1B;[31mLibre&#27;[0m &#x9b;2J&#8217;s &amp;#27; &#x1F600;</title>')
    .replace('<title>Old one</title>', '<title>Old&#x1b;[2J one\u0001</title>')
  it('drops references to C0 and C1 controls and raw forbidden characters, keeps every other reference', () => {
    const feed = readPodcastFeed(hostile, { url: 'https://radio.example/feed' })
    expect(feed.title).toBe('Radio ]0;pwned[31mLibre[0m 2J\u2019s &#27; \u{1F600}')
    expect(feed.episodes.find(episode => episode.guid === 'https://radio.example/?p=1')!.title).toBe('Old[2J one')
    // eslint-disable-next-line no-control-regex -- the point
    expect(JSON.stringify(feed)).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]|\\u00(0|1[^0]|7f|8|9)/i)
  })
  it('drops them from OPML titles too', () => {
    const opml = '<?xml version="1.0"?><opml version="2.0"><head/><body><outline text="Bad&#x1b;[2J show" xmlUrl="https://x.example/f"/></body></opml>'
    expect(readOpml(opml)).toEqual([{ url: 'https://x.example/f', title: 'Bad[2J show' }])
  })
})

describe('OPML', () => {
  it('round-trips and flattens folders', () => {
    const written = writeOpml([{ url: 'https://a.example/feed', title: 'A & B' }, { url: 'https://b.example/rss' }])
    expect(readOpml(written)).toEqual([{ url: 'https://a.example/feed', title: 'A & B' }, { url: 'https://b.example/rss', title: 'https://b.example/rss' }])
    const nested = '<?xml version="1.0"?><opml version="1.0"><head/><body><outline text="Folder"><outline text="X" xmlUrl="https://x.example/f"/><outline text="bad" xmlUrl="javascript:alert(1)"/></outline><outline text="X again" xmlUrl="https://x.example/f"/></body></opml>'
    // An address no feed can have is kept, for follow import to report, not dropped unseen.
    expect(readOpml(nested)).toEqual([{ url: 'https://x.example/f', title: 'X' }, { url: 'javascript:alert(1)', title: 'bad' }])
  })
  it('reads the podcast apps\' own schemes for a feed as http', () => {
    const outlines = ['itpc://a.example/rss', 'pcast://b.example/rss', 'podcast://c.example/rss', 'feed://d.example/rss', 'feed:https://e.example/rss', 'FEED:http://f.example/rss']
    const opml = `<?xml version="1.0"?><opml version="2.0"><head/><body>${outlines.map(url => `<outline text="t" type="rss" xmlUrl="${url}"/>`).join('')}</body></opml>`
    expect(readOpml(opml).map(feed => feed.url)).toEqual(['http://a.example/rss', 'http://b.example/rss', 'http://c.example/rss', 'http://d.example/rss', 'https://e.example/rss', 'http://f.example/rss'])
  })
  it('says when a file is not OPML', () => {
    expect(() => readOpml('<rss/>', 'subs.opml')).toThrow(/^subs\.opml: not an OPML subscription list/)
  })
})

describe('the import fixtures as the reader sees them', () => {
  const read = (name: string) => readPodcastFeed(readFileSync(new URL(`../../fixtures/import/${name}`, import.meta.url), 'utf8').replaceAll('{{BASE}}', 'http://127.0.0.1:1').replace(/\{\{LENGTH:[^}]+\}\}/g, '1000'), { url: 'http://127.0.0.1:1/feed' })

  it('reads PowerPress durations written HH:MM:SS, permalink GUIDs and enclosures with no or a 0 length', () => {
    const feed = read('powerpress-feed.xml')
    expect(feed.episodes.map(e => [e.guid, e.duration, e.enclosure?.length])).toEqual([
      ['https://gardenshed.example.com/2025/04/compost-at-last-part-two/', 10, undefined],
      ['https://gardenshed.example.com/2025/04/compost-at-last/', 34, 0]
    ])
    expect(feed.episodes[1]!.description).toContain('<script>') // raw here: import sanitises it
  })

  it('reads Castopod podcast:person entries with their roles', () => {
    const feed = read('castopod-feed.xml')
    expect(feed.episodes.map(e => e.persons)).toEqual([
      [{ name: 'Rui Costa', role: 'host' }],
      [{ name: 'Rui Costa', role: 'host' }, { name: 'Bea Santos', role: 'guest' }, { name: 'Nobody', role: 'not a role' }],
      undefined
    ])
    expect(feed.locked).toBe(false)
  })
})
