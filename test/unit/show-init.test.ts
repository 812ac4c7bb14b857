import { execFileSync, spawn } from 'node:child_process'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { podcastGuid } from '../../src/feed/guid.js'
import { imageSize } from '../../src/media/image-size.js'
import { binPath, runCli, runCliJson } from '../helpers/cli.js'
import { tempDir } from '../helpers/tmp.js'
import { fixture, initFlags, readFeeds, treeHash } from '../integration/publish-helpers.js'

/** initFlags with one flag's value replaced (or the flag removed when value is undefined). */
function withFlag (flag: string, value: string | undefined): string[] {
  const args = [...initFlags]
  const at = args.indexOf(flag)
  if (at >= 0) args.splice(at, 2)
  return value === undefined ? args : [...args, flag, value]
}

describe('seedcast init', () => {
  let dir: { path: string, cleanup: () => Promise<void> }
  beforeEach(async () => { dir = await tempDir() })
  afterEach(async () => { await dir.cleanup() })

  it('creates show.json, episodes.json, public/ with the cover and empty feeds', async () => {
    const show = join(dir.path, 'show')
    const { result, json } = await runCliJson(['init', show, ...withFlag('--category', 'Society & Culture > Documentary'),
      '--tracker', 'udp://tracker.example.org:6969/announce', '--tracker', 'wss://tracker.example.org', '--funding', 'https://pay.example.org/ Buy us tea', '--explicit'])
    expect(result.code).toBe(0)
    expect(json.show.baseUrl).toBe('https://pod.example.org/show/')
    const config = JSON.parse(await readFile(join(show, 'show.json'), 'utf8'))
    expect(config).toMatchObject({
      version: 1, title: 'Test Show', language: 'en-US', category: 'Society & Culture', subcategory: 'Documentary',
      explicit: true, image: 'cover.jpg', license: 'CC-BY-SA-4.0', locked: true,
      trackers: ['udp://tracker.example.org:6969/announce', 'wss://tracker.example.org/'],
      funding: { url: 'https://pay.example.org/', title: 'Buy us tea' },
      owner: { name: 'Tester', email: 'tester@example.org' }
    })
    expect(config.podcastGuid).toBe(podcastGuid('https://pod.example.org/show/rss.xml'))
    expect(JSON.parse(await readFile(join(show, 'episodes.json'), 'utf8'))).toEqual({ version: 1, episodes: [] })
    expect(await readFile(join(show, 'public', 'cover.jpg'))).toEqual(await readFile(fixture('cover.jpg')))
    expect(await readFile(join(show, '.seedcast', '.gitignore'), 'utf8')).toBe('*\n') // the show folder can live in git
    // assets/ and seedcast-sw.js are there too once the player is built (npm run build).
    expect((await readdir(join(show, 'public'))).filter(name => name !== 'assets' && name !== 'seedcast-sw.js').sort()).toEqual(['atom.xml', 'chapters', 'cover.jpg', 'feed.json', 'index.html', 'media', 'p2p.xml', 'rss.xml', 'torrents'])
    const feeds = await readFeeds(show)
    expect(feeds.rss.title).toBe('Test Show')
    expect(feeds.rss.items ?? []).toHaveLength(0)
    expect(feeds.rss.podcast?.guid).toBe(config.podcastGuid)
  })

  it('without --image (a script, no terminal) makes a placeholder cover, says so, and the show lints clean with one episode', async () => {
    const show = join(dir.path, 'show')
    const made = await runCli(['init', show, ...withFlag('--image', undefined)])
    expect(made.code, made.stderr).toBe(0)
    expect(made.stdout).toContain('no --image given: public/cover.png is a plain placeholder; replace it with seedcast show edit --image')
    const config = JSON.parse(await readFile(join(show, 'show.json'), 'utf8'))
    expect(config.image).toBe('cover.png')
    const cover = await readFile(join(show, 'public', 'cover.png'))
    expect(imageSize(cover)).toEqual({ format: 'png', width: 1400, height: 1400 })
    // A real PNG, as a decoder reads it (ffprobe), not only a header that looks right.
    const probed = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,height', '-of', 'csv=p=0', join(show, 'public', 'cover.png')], { encoding: 'utf8' })
    expect(probed.trim()).toBe('png,1400,1400')
    const published = await runCli(['publish', fixture('episode.mp3'), '--show', show])
    expect(published.code, published.stderr).toBe(0)
    const lint = await runCliJson(['feed', 'lint', join(show, 'public', 'rss.xml')])
    expect(lint.json.findings.filter((finding: { level: string }) => finding.level === 'error')).toEqual([])
    expect(lint.result.code).toBe(0)
    // Different titles, different covers.
    const other = join(dir.path, 'other')
    expect((await runCli(['init', other, ...withFlag('--image', undefined).map(arg => arg === 'Test Show' ? 'Other Show' : arg)])).code).toBe(0)
    expect(await readFile(join(other, 'public', 'cover.png'))).not.toEqual(cover)
  })

  it('refuses a folder that already is a show, changing nothing', async () => {
    expect((await runCli(['init', dir.path, ...initFlags])).code).toBe(0)
    const before = await treeHash(dir.path)
    const again = await runCli(['init', dir.path, ...withFlag('--title', 'Other')])
    expect(again.code).not.toBe(0)
    expect(again.stderr.trim()).toBe(`seedcast: ${dir.path}: already a seedcast show folder (show.json exists) (pick another folder, or edit show.json)`)
    expect(await treeHash(dir.path)).toBe(before)
  })

  it('refuses a folder whose public/ already holds files (a website\'s), changing nothing; an empty public/ is fine', async () => {
    await mkdir(join(dir.path, 'site', 'public'), { recursive: true })
    await writeFile(join(dir.path, 'site', 'public', 'index.html'), '<h1>my site</h1>')
    const before = await treeHash(dir.path)
    const refused = await runCli(['init', join(dir.path, 'site'), ...initFlags])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toBe(`seedcast: ${join(dir.path, 'site', 'public')} already holds files (index.html); the show's feeds and pages would replace them (pick another folder for the show, or move public/ away first)\n`)
    expect(await treeHash(dir.path)).toBe(before)
    await mkdir(join(dir.path, 'empty', 'public'), { recursive: true })
    const empty = await runCli(['init', join(dir.path, 'empty'), ...initFlags])
    expect(empty.code, empty.stderr).toBe(0)
    expect(await readFile(join(dir.path, 'empty', 'public', 'rss.xml'), 'utf8')).toContain('<rss')
  })

  it('lists the missing required flags when there is no terminal to ask', async () => {
    const result = await runCli(['init', join(dir.path, 'show'), '--title', 'Only a title'])
    expect(result.code).toBe(2)
    expect(result.stderr.trim()).toBe('seedcast: missing --description, --author, --owner-name, --owner-email, --language, --category, --base-url (give them as flags, or run in a terminal to be asked)')
    expect(await readdir(dir.path)).toEqual([])
  })

  it('asks for the missing required values in a terminal', async () => {
    const show = join(dir.path, 'asked')
    // `script` runs the CLI on a pseudo-terminal, so process.stdin.isTTY is true.
    const command = [process.execPath, binPath, 'init', show, '--author', 'Bob'].map(arg => `'${arg}'`).join(' ')
    const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
    child.stdin.write(`Asked Show\nAbout it\nAna\nana@example.org\nfr-ca\nArts > Food\nhttps://asked.example.org/pod\n${fixture('cover.jpg')}\n`)
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    const code = await new Promise(resolve => child.on('exit', resolve))
    clearTimeout(timer)
    child.stdin.end()
    expect(code, output).toBe(0)
    for (const question of ['title (', 'description (', 'owner-name (', 'owner-email (', 'language (', 'category (', 'base-url (', 'image (']) expect(output).toContain(`--${question}`)
    expect(output).not.toContain('--author (')
    expect(JSON.parse(await readFile(join(show, 'show.json'), 'utf8'))).toMatchObject({
      title: 'Asked Show', description: 'About it', author: 'Bob', owner: { name: 'Ana', email: 'ana@example.org' },
      language: 'fr-CA', category: 'Arts', subcategory: 'Food', baseUrl: 'https://asked.example.org/pod/', image: 'cover.jpg'
    })
  })

  const badFlags: [string, string, RegExp][] = [
    ['--image', fixture('cover-small.png'), /^seedcast: --image cover-small\.png: 500x500 is too small \(/],
    ['--image', fixture('cover-wide.jpg'), /^seedcast: --image cover-wide\.jpg: 1600x1400 is not square \(/],
    ['--image', fixture('episode.mp3'), /^seedcast: --image episode\.mp3: not a JPEG or PNG image \(/],
    ['--image', fixture('missing.jpg'), /^seedcast: .*missing\.jpg: no such file or directory/],
    ['--category', 'Cooking', /^seedcast: --category: "Cooking" is not an Apple Podcasts category/],
    ['--category', 'Technology > Knitting', /^seedcast: --subcategory: "Knitting" is not a subcategory of "Technology"/],
    ['--language', 'not a language', /^seedcast: --language: "not a language" is not a BCP 47 language tag/],
    ['--base-url', 'ftp://example.org/', /^seedcast: --base-url: "ftp:\/\/example\.org\/" is not an http\(s\) URL/],
    ['--base-url', 'not a url', /^seedcast: --base-url: "not a url" is not an http\(s\) URL/],
    ['--license', 'CC-BY-XYZ', /^seedcast: --license: "CC-BY-XYZ" is not an SPDX license id/],
    ['--owner-email', 'no-at-sign', /^seedcast: --owner-email: "no-at-sign" is not an email address/],
    ['--link', 'javascript:alert(1)', /^seedcast: --link: "javascript:alert\(1\)" is not an http\(s\) URL/],
    ['--tracker', 'tracker.example.org', /^seedcast: --tracker: "tracker\.example\.org" is not a tracker URL/],
    ['--funding', 'mailto:x@example.org', /^seedcast: --funding: "mailto:x@example\.org" is not an http\(s\) URL/]
  ]
  for (const [flag, value, message] of badFlags) {
    it(`rejects ${flag} ${value.replace(/^.*fixtures\//, '')} with one line and creates nothing`, async () => {
      const result = await runCli(['init', join(dir.path, 'show'), ...withFlag(flag, value)])
      expect(result.code).not.toBe(0)
      expect(result.stderr).toMatch(message)
      expect(result.stderr.trim().split('\n')).toHaveLength(1)
      expect(result.stdout).toBe('')
      expect(await readdir(dir.path)).toEqual([])
    })
  }

  it('reports errors as JSON with --json', async () => {
    const { result, json } = await runCliJson(['init', join(dir.path, 'show'), ...withFlag('--language', '???')])
    expect(result.code).toBe(2)
    expect(json.error).toMatchObject({ code: 'EUSAGE', message: '--language: "???" is not a BCP 47 language tag' })
  })
})
