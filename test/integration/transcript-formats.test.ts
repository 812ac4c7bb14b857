// podcast:transcript's other two formats: Podcasting 2.0 JSON (application/json) and HTML
// (text/html), published, edited in and imported like WebVTT and SubRip. An HTML transcript
// is anyone's HTML on import and is served from the show's origin: it is published
// sanitised, and the episode page shows its text, escaped, never its markup.
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { contentTypeFor } from '../../src/server/content-types.ts'
import { runCli, runCliJson } from '../helpers/cli.js'
import { exists, fixture, readFeeds, tempShow, treeHash } from './publish-helpers.js'

const JSON_TRANSCRIPT = JSON.stringify({ version: '1.0.0', segments: [{ speaker: 'Ana', startTime: 0, endTime: 2.5, body: 'Hello & welcome' }, { speaker: 'Bo', startTime: 2.5, endTime: 5, body: 'This is <seedcast>.' }] }, null, 2) + '\n'
const HTML_TRANSCRIPT = '<!DOCTYPE html>\n<html><head><title>T</title><script>alert(1)</script></head><body>\n<cite>Ana:</cite>\n<time datetime="0">0:00</time>\n<p onclick="alert(2)">Hello &amp; welcome</p>\n<img src=x onerror="alert(3)">\n<p>Read <a href="javascript:alert(4)">this</a> &lt;b&gt;</p>\n</body></html>\n'

describe('JSON and HTML transcripts', { timeout: 240_000 }, () => {
  let tmp: { path: string, cleanup: () => Promise<void> }
  let show: string
  const file = (name: string) => join(tmp.path, name)
  beforeEach(async () => {
    ({ show, ...tmp } = await tempShow())
    await writeFile(file('ep.json'), JSON_TRANSCRIPT)
    await writeFile(file('ep.html'), HTML_TRANSCRIPT)
  })
  afterEach(async () => { await tmp.cleanup() })

  it('publishes a JSON transcript as given, typed application/json, its segments on the episode page', async () => {
    const { result, json } = await runCliJson(['publish', fixture('episode.mp3'), '--show', show, '--transcript', file('ep.json')])
    expect(result.code, result.stderr).toBe(0)
    const episode = json.episode
    expect(episode).toMatchObject({ transcriptPath: `transcripts/${episode.slug}.json`, transcriptType: 'application/json' })
    expect(await readFile(join(show, 'public', episode.transcriptPath), 'utf8')).toBe(JSON_TRANSCRIPT)
    expect(contentTypeFor(episode.transcriptPath)).toBe('application/json; charset=utf-8')
    const { rss } = await readFeeds(show)
    // Not captions: rel="captions" is for subtitle formats.
    expect(rss.items![0]!.podcast?.transcripts).toEqual([{ url: expect.stringMatching(/\.json$/), type: 'application/json' }])
    const page = await readFile(join(show, 'public', 'episodes', episode.slug, 'index.html'), 'utf8')
    expect(page).toContain('<div class="transcript"><p>Hello &amp; welcome</p>\n<p>This is &lt;seedcast&gt;.</p></div>')
  })

  it('publishes an HTML transcript sanitised, typed text/html, and shows its text only on the page', async () => {
    const { result, json } = await runCliJson(['publish', fixture('episode.mp3'), '--show', show, '--transcript', file('ep.html')])
    expect(result.code, result.stderr).toBe(0)
    const episode = json.episode
    expect(episode).toMatchObject({ transcriptPath: `transcripts/${episode.slug}.html`, transcriptType: 'text/html' })
    const published = await readFile(join(show, 'public', episode.transcriptPath), 'utf8')
    expect(published).not.toMatch(/script|onclick|onerror|javascript:|<img/i)
    expect(published).toContain('<cite>Ana:</cite>')
    expect(published).toContain('<time datetime="0">0:00</time>')
    expect(published).toContain('<p>Hello &amp; welcome</p>')
    expect(contentTypeFor(episode.transcriptPath)).toBe('text/html; charset=utf-8')
    const { rss } = await readFeeds(show)
    expect(rss.items![0]!.podcast?.transcripts).toEqual([{ url: expect.stringMatching(/\.html$/), type: 'text/html' }])
    const page = await readFile(join(show, 'public', 'episodes', episode.slug, 'index.html'), 'utf8')
    const shown = /<div class="transcript">([\s\S]*?)<\/div>/.exec(page)![1]
    expect(shown).toBe('<p>Ana:</p>\n<p>0:00 Hello &amp; welcome</p>\n<p>Read this &lt;b&gt;</p>')
  })

  it('episodes edit takes them too, and refuses JSON without valid segments in one line, changing nothing', async () => {
    const published = (await runCliJson(['publish', fixture('episode.mp3'), '--show', show, '--transcript', file('ep.html')])).json.episode
    const { result, json } = await runCliJson(['episodes', 'edit', published.slug, '--show', show, '--transcript', file('ep.json')])
    expect(result.code, result.stderr).toBe(0)
    expect(json.episode).toMatchObject({ transcriptPath: `transcripts/${published.slug}.json`, transcriptType: 'application/json' })
    expect(await exists(join(show, 'public', published.transcriptPath))).toBe(false)

    const before = await treeHash(show)
    const cases: Array<[string, string, string]> = [
      ['list.json', '[1, 2]', 'JSON without a "segments" array'],
      ['empty.json', '{"version": "1.0.0", "segments": []}', 'the JSON transcript has no segments'],
      ['late.json', '{"segments": [{"startTime": -1, "body": "x"}]}', 'segments[0].startTime must be a number of seconds, not negative'],
      ['nobody.json', '{"segments": [{"startTime": 1}]}', 'segments[0].body must be a string'],
      ['broken.json', '{"segments": [', 'not valid JSON'],
      ['blank.html', '<html><body><script>x()</script></body></html>', 'the HTML file has no text']
    ]
    for (const [name, text, why] of cases) {
      await writeFile(file(name), text)
      const bad = await runCli(['episodes', 'edit', published.slug, '--show', show, '--transcript', file(name)])
      expect(bad.code, name).toBe(2)
      expect(bad.stderr.startsWith(`seedcast: --transcript ${name}: not a WebVTT, SubRip, JSON or HTML transcript (${why}`), bad.stderr).toBe(true)
      expect(bad.stderr.trim().split('\n')).toHaveLength(1)
    }
    expect(await treeHash(show)).toBe(before)
  })
})
