import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { lintFeed, type LintReport } from '../../src/feed/lint/lint.ts'
import { writeOpml } from '../../src/feed/read/opml.ts'
import { renderFeeds } from '../../src/feed/render.ts'
import { sampleEpisode, sampleShow } from '../integration/feed-lint-show.ts'

// Offline: these checks read only the XML. Fetching torrents, media and chapters is tested in
// test/integration/feed-lint.test.ts against a real HTTP server.
const offline = (xml: string) => lintFeed(xml, { fetch: false })
const feeds = renderFeeds(sampleShow(), [sampleEpisode(1), sampleEpisode(2)])
const good = feeds['rss.xml']

const errorsOf = (report: LintReport) => report.findings.filter(finding => finding.level === 'error')
const elementsOf = (report: LintReport, level: 'error' | 'warning' = 'error') => report.findings.filter(finding => finding.level === level).map(finding => finding.element)

/** Replaces the first match in the channel part (before the first item) or, with `item`, in the first item. */
function edit (xml: string, pattern: RegExp, replacement: string, where: 'channel' | 'item' = 'channel'): string {
  const split = xml.indexOf('<item>')
  const [head, tail] = [xml.slice(0, split), xml.slice(split)]
  const edited = where === 'channel' ? head.replace(pattern, replacement) + tail : head + tail.replace(pattern, replacement)
  expect(edited).not.toBe(xml)
  return edited
}

describe('lintFeed: a good feed', () => {
  it('finds no errors in seedcast\'s rss.xml and p2p.xml', async () => {
    const rss = await offline(good)
    expect(errorsOf(rss)).toEqual([])
    expect(rss).toMatchObject({ ok: true, errors: 0, feed: '(xml)' })
    // Without fetching, the torrents cannot be compared with the magnets: said once, as a warning.
    expect(rss.findings).toEqual([expect.objectContaining({ level: 'warning', element: 'channel/item', message: expect.stringContaining('2 .torrent files were not checked') })])
    const p2p = await offline(feeds['p2p.xml'])
    expect(errorsOf(p2p)).toEqual([])
    expect(elementsOf(p2p, 'warning')).toContain('channel/item/enclosure')
  })
})

describe('lintFeed: Apple\'s required tags', () => {
  const cases: [string, RegExp, string, 'channel' | 'item'][] = [
    ['channel/title', /<title>[^<]*<\/title>/, '', 'channel'],
    ['channel/description', /<description>[^<]*<\/description>/, '', 'channel'],
    ['channel/itunes:image', /<itunes:image href="[^"]*"\/>/, '', 'channel'],
    ['channel/language', /<language>[^<]*<\/language>/, '', 'channel'],
    ['channel/itunes:category', /<itunes:category text="Society &amp; Culture">[\s\S]*?<\/itunes:category>/, '', 'channel'],
    ['channel/itunes:explicit', /<itunes:explicit>false<\/itunes:explicit>/, '', 'channel'],
    ['channel/item[1]/title', /<title>[^<]*<\/title>/, '', 'item'],
    ['channel/item[1]/enclosure', /<enclosure [^>]*\/>/, '', 'item'],
    ['channel/item[1]/guid', /<guid [^>]*>[^<]*<\/guid>/, '', 'item']
  ]
  for (const [element, pattern, replacement, where] of cases) {
    it(`a feed without ${element} gets an error on ${element}`, async () => {
      const report = await offline(edit(good, pattern, replacement, where))
      expect(report.ok).toBe(false)
      expect(elementsOf(report)).toEqual([element])
      expect(errorsOf(report)[0]!.message).toMatch(/^missing/)
    })
  }

  it('warns about recommended tags: author, owner, link, self link, pubDate, duration', async () => {
    let xml = edit(good, /<itunes:author>[^<]*<\/itunes:author>/, '')
    xml = edit(xml, /<itunes:owner>[\s\S]*?<\/itunes:owner>/, '')
    xml = edit(xml, /<link>[^<]*<\/link>\n/, '')
    xml = edit(xml, /<atom:link [^>]*\/>/, '')
    xml = edit(xml, /<pubDate>[^<]*<\/pubDate>/, '', 'item')
    xml = edit(xml, /<itunes:duration>[^<]*<\/itunes:duration>/, '', 'item')
    const report = await offline(xml)
    expect(errorsOf(report)).toEqual([])
    expect(elementsOf(report, 'warning')).toEqual(expect.arrayContaining([
      'channel/itunes:author', 'channel/itunes:owner', 'channel/link', 'channel/atom:link', 'channel/item[1]/pubDate', 'channel/item[1]/itunes:duration'
    ]))
  })
})

describe('lintFeed: Apple\'s values', () => {
  it('checks categories against Apple\'s list and suggests the right spelling', async () => {
    const old = await offline(edit(good, /text="Society &amp; Culture"/, 'text="Games &amp; Hobbies"'))
    expect(errorsOf(old)).toEqual([expect.objectContaining({ element: 'channel/itunes:category', message: expect.stringContaining('not an Apple Podcasts category: "Games & Hobbies"') })])
    const loose = await offline(edit(good, /text="Society &amp; Culture"/, 'text="society and culture"'))
    expect(errorsOf(loose)[0]!.message).toContain('did you mean "Society & Culture"?')
    const sub = await offline(edit(good, /text="Documentary"/, 'text="Books"'))
    expect(errorsOf(sub)).toEqual([expect.objectContaining({ element: 'channel/itunes:category/itunes:category', message: expect.stringContaining('"Books" is not a subcategory of "Society & Culture"') })])
  })

  it('wants itunes:explicit true or false, warns on yes/no/clean', async () => {
    const wrong = await offline(edit(good, /<itunes:explicit>false</, '<itunes:explicit>maybe<'))
    expect(errorsOf(wrong)).toEqual([expect.objectContaining({ element: 'channel/itunes:explicit', message: 'must be true or false, not "maybe"' })])
    const legacy = await offline(edit(good, /<itunes:explicit>false</, '<itunes:explicit>clean<', 'item'))
    expect(errorsOf(legacy)).toEqual([])
    expect(legacy.findings).toContainEqual(expect.objectContaining({ level: 'warning', element: 'channel/item[1]/itunes:explicit' }))
  })

  it('checks enclosure url, length and type', async () => {
    const ftp = await offline(edit(good, /<enclosure url="https:/, '<enclosure url="ftp:', 'item'))
    expect(errorsOf(ftp)).toEqual([expect.objectContaining({ element: 'channel/item[1]/enclosure', message: expect.stringContaining('must be HTTP(S)') })])
    const length = await offline(edit(good, /length="\d+" type="audio\/mpeg"\/>/, 'length="about 3 MB" type="audio/mpeg"/>', 'item'))
    expect(errorsOf(length)[0]!.message).toContain('length must be the file size in bytes, not "about 3 MB"')
    const noType = await offline(edit(good, / type="audio\/mpeg"\/>/, '/>', 'item'))
    expect(errorsOf(noType)[0]).toMatchObject({ element: 'channel/item[1]/enclosure', message: expect.stringContaining('no type') })
    const ogg = await offline(edit(good, /(<enclosure [^>]*)type="audio\/mpeg"/, '$1type="audio/ogg"', 'item'))
    expect(errorsOf(ogg)).toEqual([])
    expect(ogg.findings).toContainEqual(expect.objectContaining({ level: 'warning', message: expect.stringContaining('Apple Podcasts does not play audio/ogg') }))
  })

  it('checks guid uniqueness, pubDate, duration, numbers and episode type', async () => {
    const secondGuid = /<guid isPermaLink="false">([^<]*)<\/guid>/.exec(good.slice(good.lastIndexOf('<item>')))![1]!
    let xml = edit(good, /<guid isPermaLink="false">[^<]*<\/guid>/, `<guid isPermaLink="false">${secondGuid}</guid>`, 'item')
    xml = edit(xml, /<pubDate>[^<]*<\/pubDate>/, '<pubDate>yesterday</pubDate>', 'item')
    xml = edit(xml, /<itunes:duration>[^<]*</, '<itunes:duration>1h<', 'item')
    xml = edit(xml, /<itunes:episode>[^<]*</, '<itunes:episode>0<', 'item')
    xml = edit(xml, /<itunes:episodeType>full</, '<itunes:episodeType>teaser<', 'item')
    const report = await offline(xml)
    expect(elementsOf(report).sort()).toEqual([
      'channel/item[1]/itunes:duration', 'channel/item[1]/itunes:episode', 'channel/item[1]/itunes:episodeType', 'channel/item[1]/pubDate', 'channel/item[2]/guid'
    ])
    expect(report.findings.find(finding => finding.element === 'channel/item[2]/guid')!.message).toContain('repeats the guid of item 1')
  })
})

describe('lintFeed: the Podcasting 2.0 namespace', () => {
  it('checks podcast:guid, locked, license and funding', async () => {
    let xml = edit(good, /<podcast:guid>[^<]*</, '<podcast:guid>my-show<')
    xml = edit(xml, />yes<\/podcast:locked>/, '>locked</podcast:locked>')
    xml = edit(xml, /<podcast:funding url="[^"]*"/, '<podcast:funding url="paypal"')
    const report = await offline(xml)
    expect(errorsOf(report)).toEqual([
      { level: 'error', element: 'channel/podcast:guid', message: 'not a UUID: "my-show"' },
      { level: 'error', element: 'channel/podcast:locked', message: 'must be yes or no, not "locked"' },
      { level: 'error', element: 'channel/podcast:funding', message: 'url must be an HTTP(S) URL, not "paypal"' }
    ])
    const v4 = await offline(edit(good, /<podcast:guid>[^<]*</, '<podcast:guid>9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d<'))
    expect(v4.findings).toContainEqual(expect.objectContaining({ level: 'warning', element: 'channel/podcast:guid', message: expect.stringContaining('version 4') }))
  })

  it('checks alternateEnclosure sources, integrity and chapters', async () => {
    let xml = edit(good, /<podcast:source [^>]*\/>\s*<podcast:source [^>]*\/>\s*<podcast:source [^>]*\/>/, '', 'item')
    xml = edit(xml, /value="sha256-[^"]*"/, 'value="md5-abc"', 'item')
    xml = edit(xml, /<podcast:chapters url="[^"]*"/, '<podcast:chapters url="chapters/1.json"', 'item')
    const report = await offline(xml)
    expect(errorsOf(report)).toEqual([
      expect.objectContaining({ element: 'channel/item[1]/podcast:chapters', message: expect.stringContaining('url must be an HTTP(S) URL, not "chapters/1.json"') }),
      expect.objectContaining({ element: 'channel/item[1]/podcast:alternateEnclosure[1]/podcast:source', message: expect.stringContaining('needs at least one <podcast:source') }),
      expect.objectContaining({ element: 'channel/item[1]/podcast:alternateEnclosure[1]/podcast:integrity', message: expect.stringContaining('not a Subresource Integrity value') })
    ])
    const short = await offline(edit(good, /value="sha256-[^"]*"/, 'value="sha256-YWJj"', 'item'))
    expect(errorsOf(short)[0]!.message).toContain('wrong length')
  })

  it('resolves namespace prefixes a feed binds differently', async () => {
    const renamed = good.replaceAll('itunes:', 'it:').replace('xmlns:itunes=', 'xmlns:it=')
    expect(renamed).toContain('<it:image ')
    const report = await offline(renamed)
    expect(errorsOf(report)).toEqual([])
  })
})

describe('lintFeed: seedcast checks that need no fetching', () => {
  it('reports magnets within one item that name different infohashes', async () => {
    const p2p = feeds['p2p.xml']
    const other = 'f'.repeat(40)
    const xml = edit(p2p, /(<enclosure url="magnet:\?xt=urn:btih:)[0-9a-f]{40}/, `$1${other}`, 'item')
    const report = await offline(xml)
    expect(errorsOf(report)).toEqual([expect.objectContaining({
      element: 'channel/item[1]/podcast:alternateEnclosure[1]',
      message: expect.stringContaining(`the magnet links name different infohashes (${other}, `)
    })])
  })

  it('reports a magnet whose size (xl) disagrees with the enclosure', async () => {
    const xml = edit(good, /&amp;xl=\d+/, '&amp;xl=12', 'item')
    expect(errorsOf(await offline(xml))[0]!.message).toMatch(/the magnet says 12 bytes \(xl\), the enclosure \d+/)
  })
})

describe('lintFeed: what is not a podcast feed', () => {
  it('reports XML that is not well-formed, with the line', async () => {
    const report = await offline(good.replace('</channel>', ''))
    expect(report.findings).toEqual([expect.objectContaining({ level: 'error', element: 'rss', message: expect.stringMatching(/^not well-formed XML: .*line \d+/) })])
  })

  it('reports a control character, which XML forbids anywhere, with its line and column', async () => {
    const report = await offline(good.replace('<title>The seedcast show</title>', '<title>The seedcast\u0001 show</title>'))
    expect(report.findings).toEqual([expect.objectContaining({ level: 'error', element: 'rss', message: expect.stringMatching(/^not well-formed XML: character U\+0001 is not allowed in XML \(line 4, column 24\)$/) })])
  })

  it('never writes one: control characters in the show\'s and episodes\' text are dropped from the XML feeds and OPML', async () => {
    const controls = '\u0001\u001b[31m\u0008\uFFFF'
    const written = renderFeeds(sampleShow({ title: `Tea${controls} Time`, author: `A${controls}na` }), [{ ...sampleEpisode(1), title: `One${controls}` }])
    for (const name of ['rss.xml', 'p2p.xml', 'atom.xml'] as const) {
      const xml = written[name]
      expect(xml).toContain('Tea[31m Time')
      // eslint-disable-next-line no-control-regex -- the characters XML forbids
      expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/)
      if (name !== 'atom.xml') expect(errorsOf(await offline(xml))).toEqual([])
    }
    // JSON escapes them: the JSON Feed keeps the text as given.
    expect(JSON.parse(written['feed.json']).title).toBe(`Tea${controls} Time`)
    const opml = writeOpml([{ url: 'https://a.example/rss.xml', title: `Radio${controls}` }])
    expect(opml).toContain('title="Radio[31m"')
  })

  it('reports what the parser refuses past the validator (external entities, deep nesting) as not well-formed, never as a crash', async () => {
    const external = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel><title>&x;</title></channel></rss>'
    const deep = `<rss version="2.0"><channel>${'<a>'.repeat(20_000)}${'</a>'.repeat(20_000)}</channel></rss>`
    for (const [xml, reason] of [[external, /external entities/i], [deep, /nested/i]] as const) {
      const report = await offline(xml)
      expect(report.findings).toEqual([expect.objectContaining({ level: 'error', element: 'rss', message: expect.stringMatching(/^not well-formed XML: /) })])
      expect(report.findings[0]!.message).toMatch(reason)
    }
  })

  it('reports an Atom feed as not RSS', async () => {
    const report = await offline(feeds['atom.xml'])
    expect(report.findings).toEqual([expect.objectContaining({ level: 'error', element: 'feed', message: expect.stringContaining('not an RSS 2.0 feed (the root element is <feed>)') })])
  })

  it('reports a JSON Feed as not RSS, where it said the file was not well-formed XML', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'seedcast-lint-json-'))
    try {
      await writeFile(join(dir, 'feed.json'), feeds['feed.json'])
      await writeFile(join(dir, 'other.json'), '\uFEFF {"not": "a feed"}')
      const json = await lintFeed(join(dir, 'feed.json'), { fetch: false })
      expect(json.findings).toEqual([expect.objectContaining({ level: 'error', element: 'rss', message: "a JSON Feed, not an RSS 2.0 feed; podcast apps need RSS (a seedcast show's is rss.xml)" })])
      const other = await lintFeed(join(dir, 'other.json'), { fetch: false })
      expect(other.findings).toEqual([expect.objectContaining({ level: 'error', message: "JSON, not an RSS 2.0 feed; podcast apps need RSS (a seedcast show's is rss.xml)" })])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('rejects a path that does not exist with a file error', async () => {
    await expect(lintFeed('/nonexistent/seedcast/rss.xml')).rejects.toMatchObject({ code: 'ENOENT', message: expect.stringContaining('no such file or directory') })
  })
})
