// The show and episode pages as pure functions of a model: valid HTML (html-validate's
// recommended rules), everything from the show escaped, contract A's player markup, and
// only relative URLs for what the page loads or links inside the site.
import { HtmlValidate, type Message } from 'html-validate'
import { describe, expect, it } from 'vitest'
import type { Episode, ShowConfig } from '../../src/model/show.js'
import { notesFromHtml, renderNotes } from '../../src/feed/notes.js'
import { renderEpisodePage } from '../../src/site/episode-page.js'
import type { SiteModel } from '../../src/site/model.js'
import { renderShowPage } from '../../src/site/show-page.js'

const HOSTILE = `<script>alert("x")</script> & "quoted" 'single' </textarea>`

const show: ShowConfig = {
  version: 1, title: `Tom & Jerry's ${HOSTILE}`, description: `First line <b>not bold</b>\nsecond line\n\nNew paragraph & more`,
  author: 'Ann "A" <ann@example.org>', owner: { name: 'Ann', email: 'ann@example.org' }, language: 'en-GB', category: 'Technology',
  explicit: false, image: 'cover.jpg', baseUrl: 'https://example.org/my%20show/', license: 'CC-BY-SA-4.0', trackers: ['self'],
  funding: { url: 'https://example.org/support?a=1&b=2', title: 'Support <us>' }, podcastGuid: '2a2f3a4b-1111-5222-8333-444455556666', locked: true
}

function episode (slug: string, overrides: Partial<Episode> = {}): Episode {
  return {
    slug, guid: `guid-${slug}`, title: `${slug} ${HOSTILE}`, description: `About ${slug}: ${HOSTILE}`, pubDate: '2026-11-01T09:00:00.000Z',
    season: 1, episode: 2, explicit: false, draft: false, duration: 3725.4, mimeType: 'audio/mpeg', length: 1_234_567,
    mediaPath: `media/${slug}.mp3`, torrentPath: `torrents/${slug}.torrent`, infoHash: 'a'.repeat(40), sha256: `${'A'.repeat(43)}=`, pieceLength: 16384,
    ...overrides
  }
}

const audio = episode('first-one', { chaptersPath: 'chapters/first-one.json' })
const video = episode('the-video', { mimeType: 'video/mp4', mediaPath: 'media/the-video.mp4', pubDate: '2026-11-08T09:00:00.000Z' })
const model = (assets: SiteModel['assets'] = {}): SiteModel => ({
  show,
  episodes: [
    { episode: video, chapters: [] },
    { episode: audio, chapters: [{ startTime: 0, title: `Intro ${HOSTILE}` }, { startTime: 75.5, title: 'Main' }], transcript: `Hello ${HOSTILE}\n\nBye` }
  ],
  coverSize: { width: 1400, height: 1400 },
  assets
})

// Recommended rules, less long-title (an SEO hint: an episode title plus the show's is often longer than 70 characters).
const validator = new HtmlValidate({ extends: ['html-validate:recommended'], rules: { 'long-title': 'off' } })
async function problems (html: string): Promise<string[]> {
  const report = await validator.validateString(html)
  return report.results.flatMap(result => result.messages.map((message: Message) => `${message.line}:${message.column} ${message.ruleId}: ${message.message}`))
}

/** Every href/src value, entities decoded. */
function urls (html: string): string[] {
  return [...html.matchAll(/\s(?:href|src|poster)="([^"]*)"/g)].map(match => match[1]!.replaceAll('&amp;', '&'))
}

describe('the show page', () => {
  const html = renderShowPage(model())

  it('is valid HTML', async () => {
    expect(await problems(html)).toEqual([])
    expect(await problems(renderShowPage(model({ js: 'assets/main-1a2b.js', css: 'assets/main-1a2b.css' })))).toEqual([])
    expect(await problems(renderShowPage({ ...model(), episodes: [] }))).toEqual([])
  })

  it('escapes every value from the show', () => {
    expect(html).not.toContain('<script>alert')
    expect(html).not.toContain('<b>not bold')
    expect(html).not.toContain('</textarea>')
    expect(html).toContain('Tom &amp; Jerry&#39;s &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quoted&quot;')
    expect(html).toContain('<title>Tom &amp; Jerry&#39;s &lt;script&gt;')
    expect(html).toContain('href="https://example.org/support?a=1&amp;b=2"')
    // The only <script> is the copy button's.
    expect(html.match(/<script/g)).toHaveLength(1)
  })

  it('lists the episodes newest first, each with the plain player of contract A and its downloads', () => {
    expect(html.indexOf('the-video')).toBeLessThan(html.indexOf('first-one'))
    expect(html).toContain('<div class="sc-player"><video controls preload="none" poster="cover.jpg" playsinline src="media/the-video.mp4" data-seedcast-player data-torrent="torrents/the-video.torrent" data-magnet="magnet:?xt=urn:btih:')
    expect(html).toContain('<audio controls preload="none" src="media/first-one.mp3" data-seedcast-player data-torrent="torrents/first-one.torrent"')
    expect(html).toContain(`data-infohash="${'a'.repeat(40)}" data-length="1234567" data-mime="audio/mpeg" data-chapters="chapters/first-one.json" data-slug="first-one" data-title="first-one &lt;script&gt;`)
    expect(html).toContain('data-chapters="" data-slug="the-video"')
    // self expanded in the magnet: the tracker of seedcast serve at the base URL.
    expect(html).toContain(`tr=${encodeURIComponent('wss://example.org/my%20show/announce').replaceAll('&', '&amp;')}`)
    expect(html).toContain('<a href="#t=75.5" data-seek="75.5"><span class="t">1:16 </span>Main</a>')
    expect(html).toContain('<a href="media/first-one.mp3" download="first-one.mp3" type="audio/mpeg">MP3 audio (1.2 MB)</a>')
    expect(html).toContain('<a href="torrents/first-one.torrent" type="application/x-bittorrent">Torrent file</a>')
    expect(html).toContain('<a href="episodes/first-one/">first-one &lt;script&gt;')
    expect(html).toContain('<time datetime="PT1H2M5S">1 h 2 min</time>')
    expect(html).toContain('1 November 2026') // en-GB
  })

  it('has subscribe links, autodiscovery, Open Graph and the license deed', () => {
    for (const [type, href] of [['application/rss+xml', 'rss.xml'], ['application/rss+xml', 'p2p.xml'], ['application/atom+xml', 'atom.xml'], ['application/feed+json', 'feed.json']]) {
      expect(html).toMatch(new RegExp(`<link rel="alternate" type="${type!.replace('+', '\\+')}" title="[^"]*" href="${href}">`))
      expect(html).toContain(`<a href="${href}">`)
    }
    expect(html).toContain('<input id="feed-url" type="url" readonly value="https://example.org/my%20show/rss.xml">')
    expect(html).toContain('<button type="button" data-copy="feed-url" aria-live="polite" hidden>Copy</button>')
    expect(html).toContain('<meta property="og:image" content="https://example.org/my%20show/cover.jpg">')
    expect(html).toContain('<meta property="og:url" content="https://example.org/my%20show/">')
    expect(html).toContain('<a rel="license" href="https://creativecommons.org/licenses/by-sa/4.0/">CC BY-SA 4.0</a>')
    expect(html).toContain('<html lang="en-GB" data-seedcast-root="./">')
  })

  it('links the built player with relative URLs, and nothing of it when it is not built', () => {
    const built = renderShowPage(model({ js: 'assets/main-1a2b.js', css: 'assets/main-1a2b.css' }))
    expect(built).toContain('<link rel="stylesheet" href="assets/main-1a2b.css">')
    expect(built).toContain('<script type="module" src="assets/main-1a2b.js"></script>')
    expect(html).not.toContain('assets/')
  })

  it('uses relative URLs for everything inside the site', () => {
    const absolute = urls(html).filter(url => /^[a-z]+:/i.test(url) && !url.startsWith('magnet:') && !url.startsWith('data:'))
    // Only the canonical URL and links leaving the site are absolute.
    expect(absolute.sort()).toEqual(['https://creativecommons.org/licenses/by-sa/4.0/', 'https://example.org/my%20show/', 'https://example.org/support?a=1&b=2'])
  })
})

describe('an episode page', () => {
  const item = model().episodes[1]!
  const html = renderEpisodePage(model({ js: 'assets/main-1a2b.js' }), item)

  it('is valid HTML, for audio with chapters and transcript and for video without', async () => {
    expect(await problems(html)).toEqual([])
    expect(await problems(renderEpisodePage(model(), model().episodes[0]!))).toEqual([])
  })

  it('shows title, date, duration, description, chapters, transcript and downloads, escaped', () => {
    expect(html).not.toContain('<script>alert')
    expect(html).toContain('<h1 id="title">first-one &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;')
    expect(html).toContain('<p>About first-one: &lt;script&gt;')
    expect(html).toContain('<h2 id="chapters">Chapters</h2>')
    expect(html).toContain('Intro &lt;script&gt;')
    expect(html).toContain('<div class="transcript"><p>Hello &lt;script&gt;')
    expect(html).toContain('<a href="../../media/first-one.mp3" download="first-one.mp3"')
    expect(html).toContain('<a href="../../torrents/first-one.torrent"')
    expect(html).toContain('<a href="magnet:?xt=urn:btih:')
    expect(html).toContain('Season 1, Episode 2')
  })

  it('reaches the site through ../../ (contract A root) and links the player from there', () => {
    expect(html).toContain('<html lang="en-GB" data-seedcast-root="../../">')
    expect(html).toContain('src="../../media/first-one.mp3" data-seedcast-player data-torrent="../../torrents/first-one.torrent"')
    expect(html).toContain('data-chapters="../../chapters/first-one.json"')
    expect(html).toContain('<script type="module" src="../../assets/main-1a2b.js"></script>')
    expect(html).toContain('<link rel="alternate" type="application/rss+xml" title="Tom &amp; Jerry&#39;s')
    expect(html).toContain('href="../../rss.xml"')
    const absolute = urls(html).filter(url => /^[a-z]+:/i.test(url) && !url.startsWith('magnet:') && !url.startsWith('data:'))
    expect(absolute.sort()).toEqual(['https://creativecommons.org/licenses/by-sa/4.0/', 'https://example.org/my%20show/episodes/first-one/'])
  })
})

describe('an episode page with show notes and rich chapters', () => {
  // The way another host's feed carries notes (import), with everything a page must not run.
  const IMPORTED = `<h2 onclick="steal()">Tonight</h2><p style="color:red">We talk <b>tea</b>. <a href="javascript:alert(1)">click</a> <a href="https://example.org/tea" target="_blank" onmouseover="x()">tea notes</a></p>
<script>alert("s")</script><style>body{display:none}</style><iframe src="https://evil.example/"></iframe>
<img src="https://example.org/leaf.jpg" onerror="alert(2)" alt="A leaf"><img src="data:image/png;base64,AAAA" alt="data"><img src="javascript:alert(3)"><img src="https://tracker.example/p.gif" width="1" height="1">
<a href="JaVaScRiPt:alert(4)">caps</a><svg onload="alert(5)"></svg><form action="https://evil.example/"><input name="q"></form>`
  const importedItem = { episode: episode('imported', { notesHtml: notesFromHtml(IMPORTED).html }), chapters: [] }
  const imported = renderEpisodePage(model(), importedItem)
  const MARKDOWN = '# Show notes\n\nWe talk about [seedcast](https://example.org/seedcast).\n\n## Links\n\n- one\n- two\n\n![A kettle](https://example.org/kettle.jpg)\n\n<script>alert(1)</script>\n'
  const written = renderEpisodePage(model(), { episode: episode('written', { notesHtml: renderNotes(MARKDOWN).html }), chapters: [] })
  const chapters = [
    { startTime: 0, title: 'Intro' },
    { startTime: 30, title: 'Tea & <cups>', url: 'https://example.org/tea?a=1&b=2', img: 'https://example.org/tea.jpg' },
    { startTime: 60, title: 'Bad', url: 'javascript:alert(1)', img: 'data:image/png;base64,AAAA' },
    { startTime: 90, title: 'Local', url: 'notes.html', img: 'art/local.jpg' }
  ]
  const withChapters = renderEpisodePage(model(), { episode: episode('chaptered'), chapters })

  it('is valid HTML', async () => {
    expect(await problems(imported)).toEqual([])
    expect(await problems(written)).toEqual([])
    expect(await problems(withChapters)).toEqual([])
  })

  it('lets nothing of an imported description run: no script, style, iframe, handler, javascript: or data: URL', () => {
    const notes = imported.slice(imported.indexOf('<div class="notes">'), imported.indexOf('</section>', imported.indexOf('<div class="notes">')))
    expect(notes).not.toMatch(/<script|<style|<iframe|<svg|<form|<input|\son[a-z]+=|javascript:|data:|style=|target=|tracker\.example|steal|display:none/i)
    // What was not hostile is there: the words, the safe link, the real image (lazy, with alt text).
    expect(notes).toContain('We talk <b>tea</b>.')
    expect(notes).toContain('<a href="https://example.org/tea" rel="noopener nofollow">tea notes</a>')
    expect(notes).toContain('<img src="https://example.org/leaf.jpg" alt="A leaf" loading="lazy">')
    // The notes' heading sits under the page's "About this episode" (h2).
    expect(notes).toContain('<h3>Tonight</h3>')
    // The only scripts of the page are its own (none without the player built).
    expect(imported).not.toMatch(/<script/)
  })

  it('shows Markdown notes as HTML instead of the plain description: headings, links, lists, images', () => {
    expect(written).toContain('<div class="notes"><h3>Show notes</h3>')
    expect(written).toContain('<h4>Links</h4>')
    expect(written).toContain('<a href="https://example.org/seedcast" rel="noopener nofollow">seedcast</a>')
    expect(written).toMatch(/<ul>\s*<li>one<\/li>\s*<li>two<\/li>\s*<\/ul>/)
    expect(written).toContain('<img src="https://example.org/kettle.jpg" alt="A kettle" loading="lazy">')
    expect(written).toContain('&lt;script&gt;alert(1)&lt;/script&gt;') // raw HTML in Markdown is text
    expect(written).not.toContain('<p>About written:') // the plain description is not shown beside the notes (og:description keeps it)
    // The show page's list keeps the short plain-text summary.
    const showPage = renderShowPage({ ...model(), episodes: [{ episode: episode('written', { notesHtml: renderNotes(MARKDOWN).html }), chapters: [] }] })
    expect(showPage).toContain('<p>About written: &lt;script&gt;')
    expect(showPage).not.toContain('class="notes"')
  })

  it('links a chapter\'s url beside its title and shows its img as a lazy thumbnail, http(s) or relative only', () => {
    expect(withChapters).toContain('<li><img class="thumb" src="https://example.org/tea.jpg" width="48" height="48" loading="lazy" alt="Tea &amp; &lt;cups&gt;">' +
      '<a href="#t=30" data-seek="30"><span class="t">0:30 </span>Tea &amp; &lt;cups&gt;</a> <a class="more" href="https://example.org/tea?a=1&amp;b=2" rel="noopener nofollow" aria-label="About Tea &amp; &lt;cups&gt;">link</a></li>')
    expect(withChapters).toContain('<li><a href="#t=60" data-seek="60"><span class="t">1:00 </span>Bad</a></li>')
    expect(withChapters).toContain('<img class="thumb" src="art/local.jpg"')
    expect(withChapters).toContain('<a class="more" href="notes.html"')
    expect(withChapters).not.toMatch(/javascript:|data:image/)
    expect(withChapters).toContain('<li><a href="#t=0" data-seek="0"><span class="t">0:00 </span>Intro</a></li>')
  })
})
