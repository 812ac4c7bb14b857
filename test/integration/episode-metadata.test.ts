import { copyFile, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { crc32, deflateSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli, runCliJson } from '../helpers/cli.js'
import { exists, fixture, readFeeds, tempShow, treeHash, BASE_URL } from './publish-helpers.js'

/** A plain square RGB PNG of `size` px a side. */
function squarePng (size: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
    const framed = Buffer.alloc(body.length + 8)
    framed.writeUInt32BE(data.length, 0)
    body.copy(framed, 4)
    framed.writeUInt32BE(crc32(body), body.length + 4)
    return framed
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header.set([8, 2, 0, 0, 0], 8) // 8 bits, RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(size * 3, 0x7f)])
  const pixels = deflateSync(Buffer.concat(Array.from({ length: size }, () => row)))
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))])
}

const VTT = 'WEBVTT\n\n00:00:00.000 --> 00:00:02.500\n<v Ana>Hello &amp; welcome\n\n00:00:02.500 --> 00:00:05.000\nThis is seedcast.\n'
const SRT = '1\r\n00:00:00,000 --> 00:00:03,000\r\nHello again.\r\n\r\n2\r\n00:00:03,000 --> 00:00:06,000\r\nSecond cue.\r\n'
const NOTES = '# Notes\n\nWe talk about **tea** and [seedcast](https://example.org/x).\n\n<script>alert(1)</script>\n\n[bad](javascript:alert(2))\n\n- one\n- two\n'

// Each test runs the CLI a dozen times; at load 20+ on two cores that can pass a minute.
describe('episode metadata: notes, transcripts, chapters, people, types', { timeout: 240_000 }, () => {
  let tmp: { path: string, cleanup: () => Promise<void> }
  let show: string
  const file = (name: string) => join(tmp.path, name)
  beforeEach(async () => {
    ({ show, ...tmp } = await tempShow())
    await writeFile(file('ep.vtt'), VTT)
    await writeFile(file('ep.srt'), SRT)
    await writeFile(file('notes.md'), NOTES)
    await writeFile(file('chapters.txt'), '00:00:00 Intro\n00:00:10 - Tea talk\n0:20 The end\n')
  })
  afterEach(async () => { await tmp.cleanup() })

  it('publishes them into all four feeds, parsed back', async () => {
    const { result, json } = await runCliJson(['publish', fixture('episode.mp3'), '--show', show, '--notes', file('notes.md'),
      '--transcript', file('ep.vtt'), '--chapters', file('chapters.txt'), '--person', 'Ana Lima:host', '--person', 'Bo:guest', '--type', 'trailer'])
    expect(result.code, result.stderr).toBe(0)
    const episode = json.episode
    expect(episode).toMatchObject({ type: 'trailer', transcriptPath: `transcripts/${episode.slug}.vtt`, transcriptType: 'text/vtt',
      persons: [{ name: 'Ana Lima', role: 'host', group: 'cast' }, { name: 'Bo', role: 'guest', group: 'cast' }] })
    expect(await readFile(join(show, 'public', episode.transcriptPath), 'utf8')).toBe(VTT)
    const transcriptUrl = `${BASE_URL}${episode.transcriptPath}`

    // Sanitised: no script element, no javascript: link; the text of the notes kept.
    expect(episode.notesHtml).toContain('<strong>tea</strong>')
    expect(episode.notesHtml).toContain('<a href="https://example.org/x" rel="noopener nofollow">seedcast</a>')
    expect(episode.notesHtml).not.toMatch(/<script|href="javascript/i)
    expect(episode.notesHtml).toContain('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>') // shown as text
    expect(episode.description).toBe('Notes\n\nWe talk about tea and seedcast (https://example.org/x).\n\n<script>alert(1)</script>\n\n[bad](javascript:alert(2))\n\none\n\ntwo')

    const chapters = JSON.parse(await readFile(join(show, 'public', episode.chaptersPath), 'utf8'))
    expect(chapters.chapters).toEqual([
      { startTime: 0, title: 'Intro', endTime: 10 }, { startTime: 10, title: 'Tea talk', endTime: 20 },
      { startTime: 20, title: 'The end', endTime: episode.duration }
    ].map(chapter => ({ ...chapter, endTime: Math.round(chapter.endTime * 1000) / 1000 })))

    const feeds = await readFeeds(show)
    for (const rss of [feeds.rss, feeds.p2p]) {
      const item = rss.items![0]!
      expect(item.content?.encoded).toBe(episode.notesHtml)
      expect(item.description).toBe(episode.description)
      expect(item.itunes?.episodeType).toBe('trailer')
      expect(item.podcast?.transcripts).toEqual([{ url: transcriptUrl, type: 'text/vtt', rel: 'captions' }])
      expect(item.podcast?.persons).toEqual([{ display: 'Ana Lima', role: 'host', group: 'cast' }, { display: 'Bo', role: 'guest', group: 'cast' }])
      expect(rss.podcast?.trailers).toEqual([expect.objectContaining({ display: episode.title, url: `${BASE_URL}${episode.mediaPath}`, length: episode.length, type: 'audio/mpeg' })])
    }
    const entry = feeds.atom.entries![0]!
    expect(entry.content).toEqual({ type: 'html', value: episode.notesHtml })
    expect(entry.links).toContainEqual(expect.objectContaining({ href: transcriptUrl, rel: 'related', type: 'text/vtt' }))
    const rawJson = JSON.parse(await readFile(join(show, 'public', 'feed.json'), 'utf8'))
    expect(rawJson.items[0]).toMatchObject({ content_html: episode.notesHtml, content_text: episode.description,
      _podcast: { episodeType: 'trailer', transcripts: [{ url: transcriptUrl, type: 'text/vtt' }], persons: episode.persons } })
    expect(feeds.json.items![0]!.content_html).toBe(episode.notesHtml)

    // The episode page: the transcript's text a paragraph per cue (markup gone, escaped), the chapters and the notes
    // as the feeds carry them (headings below the page's own), not the plain description.
    const page = await readFile(join(show, 'public', 'episodes', episode.slug, 'index.html'), 'utf8')
    expect(page).toContain('<h2 id="transcript">Transcript</h2>\n<div class="transcript"><p>Hello &amp; welcome</p>\n<p>This is seedcast.</p></div>')
    expect(page).toContain('<span class="t">0:10 </span>Tea talk</a>')
    expect(page).toContain(`<div class="notes">${episode.notesHtml.replace('<h1>Notes</h1>', '<h3>Notes</h3>')}</div>`)
    expect(page).toContain('<li>one</li>')
    expect(page).not.toContain('<p>We talk about tea and seedcast (https://example.org/x).</p>')
    expect(page).not.toMatch(/<script>alert|href="javascript/)

    const lint = await runCliJson(['feed', 'lint', join(show, 'public', 'rss.xml'), '--offline'])
    expect(lint.json.errors, JSON.stringify(lint.json.findings)).toBe(0)
  })

  it('takes chapters from a Podcasting 2.0 JSON chapters file, into the feeds and the page', async () => {
    await writeFile(file('chapters.json'), JSON.stringify({ version: '1.2.0', chapters: [
      { startTime: 12.5, title: 'Tea talk', url: 'https://example.org/tea', img: 'https://example.org/tea.jpg' }, { startTime: 0, title: 'Intro' }] }))
    const { result, json } = await runCliJson(['publish', fixture('episode.mp3'), '--show', show, '--chapters', file('chapters.json'), '--transcript', file('ep.srt')])
    expect(result.code, result.stderr).toBe(0)
    const episode = json.episode
    const chapters = JSON.parse(await readFile(join(show, 'public', episode.chaptersPath), 'utf8'))
    // The podcaster's chapter art and link are kept for the apps that show them.
    expect(chapters.chapters).toEqual([{ startTime: 0, title: 'Intro', endTime: 12.5 },
      { startTime: 12.5, title: 'Tea talk', img: 'https://example.org/tea.jpg', url: 'https://example.org/tea', endTime: Math.round(episode.duration * 1000) / 1000 }])
    const feeds = await readFeeds(show)
    for (const rss of [feeds.rss, feeds.p2p]) {
      expect(rss.items![0]!.podcast?.chapters).toEqual({ url: `${BASE_URL}${episode.chaptersPath}`, type: 'application/json+chapters' })
      expect(rss.items![0]!.podcast?.transcripts).toEqual([{ url: `${BASE_URL}${episode.transcriptPath}`, type: 'application/x-subrip', rel: 'captions' }])
    }
    const page = await readFile(join(show, 'public', 'episodes', episode.slug, 'index.html'), 'utf8')
    // On the page: the chapter's link beside its title, its art as a lazy thumbnail.
    expect(page).toContain('<li><img class="thumb" src="https://example.org/tea.jpg" width="48" height="48" loading="lazy" alt="Tea talk">' +
      '<a href="#t=12.5" data-seek="12.5"><span class="t">0:13 </span>Tea talk</a> <a class="more" href="https://example.org/tea" rel="noopener nofollow" aria-label="About Tea talk">link</a></li>')
    expect(page).toContain('<div class="transcript"><p>Hello again.</p>\n<p>Second cue.</p></div>')

    // A relative art path is no URL an app can fetch: refused in one line, nothing published.
    await writeFile(file('relative.json'), JSON.stringify({ chapters: [{ startTime: 0, title: 'Intro', img: 'images/intro.jpg' }] }))
    const before = await treeHash(show)
    const refused = await runCli(['publish', fixture('episode-2.mp3'), '--show', show, '--chapters', file('relative.json')])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toBe('seedcast: --chapters relative.json: chapters[0].img is not an http(s) URL: images/intro.jpg (give a JSON chapters file or lines of "HH:MM:SS Title")\n')
    expect(await treeHash(show)).toBe(before)
  })

  it('episodes edit replaces the transcript, notes, people and type; refuses bad files and empty edits', async () => {
    const published = (await runCliJson(['publish', fixture('episode.mp3'), '--show', show, '--transcript', file('ep.vtt'), '--person', 'Ana:host', '--type', 'bonus'])).json.episode
    const pageFile = join(show, 'public', 'episodes', published.slug, 'index.html')
    expect(await readFile(pageFile, 'utf8')).not.toContain('<div class="notes">')
    await writeFile(file('notes.md'), 'Only *this*.\n')
    const { result, json } = await runCliJson(['episodes', 'edit', published.slug, '--show', show, '--transcript', file('ep.srt'),
      '--notes', file('notes.md'), '--person', '', '--type', 'full'])
    expect(result.code, result.stderr).toBe(0)
    expect(json.episode).toMatchObject({ transcriptPath: `transcripts/${published.slug}.srt`, transcriptType: 'application/x-subrip', notesHtml: '<p>Only <em>this</em>.</p>', description: 'Only this.' })
    expect(json.episode.persons).toBeUndefined()
    expect(json.episode.type).toBeUndefined()
    expect(await exists(join(show, 'public', published.transcriptPath))).toBe(false)
    expect(await readFile(join(show, 'public', json.episode.transcriptPath), 'utf8')).toBe(SRT.replace(/\r\n/g, '\n'))
    const item = (await readFeeds(show)).rss.items![0]!
    expect(item.podcast?.transcripts).toEqual([{ url: `${BASE_URL}${json.episode.transcriptPath}`, type: 'application/x-subrip', rel: 'captions' }])
    expect(item.itunes?.episodeType).toBe('full')
    expect(item.podcast?.persons).toBeUndefined()
    const page = await readFile(join(show, 'public', 'episodes', published.slug, 'index.html'), 'utf8')
    expect(page).toContain('<div class="transcript"><p>Hello again.</p>\n<p>Second cue.</p></div>')
    expect(page).not.toContain('This is seedcast.')
    // The page follows the notes (its cache keys pages by the catalog entry, notes included): edited, then edited again.
    expect(page).toContain('<div class="notes"><p>Only <em>this</em>.</p></div>')
    await writeFile(file('notes.md'), '## Now\n\n[A link](https://example.org/now)\n')
    expect((await runCli(['episodes', 'edit', published.slug, '--show', show, '--notes', file('notes.md')])).code).toBe(0)
    const edited = await readFile(pageFile, 'utf8')
    expect(edited).toContain('<div class="notes"><h3>Now</h3>\n<p><a href="https://example.org/now" rel="noopener nofollow">A link</a></p></div>')
    expect(edited).not.toContain('Only <em>this</em>')

    const before = await treeHash(show)
    await writeFile(file('bad.vtt'), 'just some words\n')
    await writeFile(file('bad-chapters.txt'), '00:00:00 Intro\nat ten: Tea\n')
    await writeFile(file('late-chapters.txt'), '00:00:00 Intro\n01:00:00 Past the end\n')
    // The cover given where a text file goes, and notes saved in Latin-1: the JPEG's bytes were
    // the episode's description, the Latin-1 letters U+FFFD.
    await copyFile(fixture('cover.jpg'), file('cover.jpg'))
    await writeFile(file('latin1.md'), Buffer.from('Caf\xe9 talk\n', 'latin1'))
    await writeFile(file('latin1.srt'), Buffer.from('1\n00:00:01,000 --> 00:00:02,000\nCaf\xe9\n', 'latin1'))
    const cases: Array<[string[], string]> = [
      [['--transcript', file('bad.vtt')], 'seedcast: --transcript bad.vtt: not a WebVTT, SubRip, JSON or HTML transcript (no WEBVTT header and no SubRip cues)'],
      [['--chapters', file('bad-chapters.txt')], 'seedcast: --chapters bad-chapters.txt: line 2 is not "HH:MM:SS Title": at ten: Tea'],
      [['--chapters', file('late-chapters.txt')], 'seedcast: --chapters late-chapters.txt: "Past the end" starts at 01:00:00, after the end of the media (00:00:34)'],
      [['--notes', file('cover.jpg')], 'seedcast: --notes cover.jpg: not Markdown show notes (it is a binary file) (give a Markdown or plain-text file)\n'],
      [['--notes', file('latin1.md')], 'seedcast: --notes latin1.md: not Markdown show notes (it is not UTF-8 text; save it as UTF-8) (give a Markdown or plain-text file)\n'],
      [['--transcript', file('cover.jpg')], 'seedcast: --transcript cover.jpg: not a WebVTT, SubRip, JSON or HTML transcript (it is a binary file)'],
      [['--transcript', file('latin1.srt')], 'seedcast: --transcript latin1.srt: not a WebVTT, SubRip, JSON or HTML transcript (it is not UTF-8 text; save it as UTF-8)'],
      [['--chapters', file('cover.jpg')], 'seedcast: --chapters cover.jpg: not a chapters file (it is a binary file) (give a JSON chapters file'],
      [['--person', 'Ana:dj'], 'seedcast: --person: "dj" is not a role of the podcast:person taxonomy'],
      [['--type', 'teaser'], 'seedcast: Expected --type=teaser to be one of: full, trailer, bonus'],
      [[], 'seedcast: nothing to change (give the fields to change as flags']
    ]
    for (const [flags, message] of cases) {
      const bad = await runCli(['episodes', 'edit', published.slug, '--show', show, ...flags])
      expect(bad.code, flags.join(' ')).toBe(2)
      expect(bad.stderr.startsWith(message), bad.stderr).toBe(true)
    }
    expect(await treeHash(show)).toBe(before)
  })

  it('takes the episode art given with --image over the tags\', replaces it on edit and removes it with --image ""', async () => {
    const itemArt = async () => (await readFeeds(show)).rss.items!.map(item => item.itunes?.image)
    const { result, json } = await runCliJson(['publish', fixture('episode.mp3'), '--show', show, '--image', fixture('cover.jpg')])
    expect(result.code, result.stderr).toBe(0)
    const episode = json.episode
    expect(episode.imagePath).toBe(`images/${episode.slug}.jpg`)
    // The tags' 300x300 art is not looked at, so no note about it.
    expect(json.notes.filter((note: string) => /cover art in the tags/.test(note))).toEqual([])
    expect(await readFile(join(show, 'public', episode.imagePath))).toEqual(await readFile(fixture('cover.jpg')))
    expect(await itemArt()).toEqual([`${BASE_URL}${episode.imagePath}`])

    // A PNG in place of the JPEG: the .jpg goes, the page and the feeds name the .png.
    await writeFile(file('art.png'), squarePng(1400))
    expect((await runCli(['episodes', 'edit', episode.slug, '--show', show, '--image', file('art.png')])).code).toBe(0)
    const png = `images/${episode.slug}.png`
    expect(await readFile(join(show, 'public', png))).toEqual(await readFile(file('art.png')))
    expect(await exists(join(show, 'public', episode.imagePath))).toBe(false)
    expect(await itemArt()).toEqual([`${BASE_URL}${png}`])
    expect(await readFile(join(show, 'public', 'episodes', episode.slug, 'index.html'), 'utf8')).toContain(png)

    // Refused without a change: too small; then removed: the show's cover stands for it.
    const before = await treeHash(show)
    const small = await runCli(['episodes', 'edit', episode.slug, '--show', show, '--image', fixture('cover-small.png')])
    expect([small.code, small.stderr]).toEqual([1, 'seedcast: --image cover-small.png: 500x500 is too small (podcast apps want a square JPEG or PNG of 1400 to 3000 pixels a side)\n'])
    expect(await treeHash(show)).toBe(before)
    const removed = await runCliJson(['episodes', 'edit', episode.slug, '--show', show, '--image', ''])
    expect(removed.json.episode.imagePath).toBeUndefined()
    expect(await exists(join(show, 'public', png))).toBe(false)
    expect(await itemArt()).toEqual([undefined])
  })

  it('--no-draft dates a draft now unless --date is given', async () => {
    const draft = (await runCliJson(['publish', fixture('episode.mp3'), '--show', show, '--draft', '--date', '2026-01-01'])).json.episode
    const before = Date.now()
    const { json } = await runCliJson(['episodes', 'edit', draft.slug, '--show', show, '--no-draft'])
    const dated = Date.parse(json.episode.pubDate)
    expect(dated).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000)
    expect(dated).toBeLessThanOrEqual(Date.now())
    const other = (await runCliJson(['publish', fixture('episode-2.mp3'), '--show', show, '--draft'])).json.episode
    const kept = await runCliJson(['episodes', 'edit', other.slug, '--show', show, '--no-draft', '--date', '2026-02-03T04:05:06Z'])
    expect(kept.json.episode.pubDate).toBe('2026-02-03T04:05:06.000Z')
  })
})
