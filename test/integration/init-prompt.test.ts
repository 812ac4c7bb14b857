// `seedcast init` in a terminal (a real pseudo-terminal): each answer is checked as it is
// given and asked again when refused, the cover is asked for, and the show it makes passes
// `feed lint` with one episode.
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { binPath, runCli, runCliJson } from '../helpers/cli.js'
import { runInPty } from '../helpers/pty.js'
import { tempDir } from '../helpers/tmp.js'
import { APPLE_CATEGORIES } from '../../src/feed/apple-categories.js'
import { fixture, initFlags, readFeeds } from './publish-helpers.js'

/** initFlags with one flag's value replaced. */
function withFlag (flag: string, value: string): string[] {
  const args = [...initFlags]
  args.splice(args.indexOf(flag), 2)
  return [...args, flag, value]
}

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0)) await cleanup() })

describe('init in a terminal', { timeout: 240_000 }, () => {
  it('re-asks a refused value instead of failing at the end, asks for the cover, and makes a show that lints clean', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const show = join(tmp.path, 'show')
    const run = await runInPty([process.execPath, binPath, 'init', show, '--language', 'english', '--base-url', 'https://pod.example.org/show/'], [
      { expect: '--title \\(', send: 'Tea Time' },
      { expect: '--description \\(', send: 'Talks over tea' },
      { expect: '--author \\(', send: 'Ana' },
      { expect: '--owner-name \\(', send: 'Ana' },
      { expect: '--owner-email \\(', send: 'not-an-email' },
      { expect: 'is not an email address[\\s\\S]*--owner-email \\(', send: 'ana@example.org' },
      { expect: '--language \\(', send: 'en' },
      { expect: '--category \\(', send: 'Cooking' },
      { expect: 'not an Apple Podcasts category \\(one of: Arts[\\s\\S]*--category \\(', send: 'Arts > Food' },
      { expect: '--image \\(', send: fixture('cover-small.png') },
      { expect: 'cover-small\\.png\\r*\\n[\\s\\S]*seedcast: [^\\n]*\\n[\\s\\S]*--image \\(', send: fixture('cover.jpg') }
    ], { cwd: tmp.path })
    expect(run.failed, JSON.stringify(run.transcript)).toBeNull()
    expect(run.code, run.transcript).toBe(0)
    // The bad --language flag was refused at once with the valid form, then asked for.
    expect(run.transcript).toContain('seedcast: --language: "english" is not a BCP 47 language tag (did you mean en?')
    expect(run.transcript).toContain(`Created show "Tea Time" in ${show}`)

    const shown = await runCliJson(['show', '--show', show])
    expect(shown.json.show).toMatchObject({ title: 'Tea Time', language: 'en', category: 'Arts', subcategory: 'Food', owner: { email: 'ana@example.org' }, image: 'cover.jpg' })
    const published = await runCli(['publish', fixture('episode.mp3'), '--show', show])
    expect(published.code, published.stderr).toBe(0)
    const lint = await runCliJson(['feed', 'lint', join(show, 'public', 'rss.xml')])
    expect(lint.json.findings.filter((finding: { level: string }) => finding.level === 'error')).toEqual([])
    expect(lint.result.code).toBe(0)
  })

  it('outside a terminal, --language english is refused with the valid form and nothing is created', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const result = await runCli(['init', join(tmp.path, 'show'), '--title', 'T', '--description', 'D', '--author', 'A', '--owner-name', 'A', '--owner-email', 'a@example.org', '--language', 'english', '--category', 'Technology', '--base-url', 'https://pod.example.org/'])
    expect(result.code).toBe(2)
    expect(result.stderr).toBe('seedcast: --language: "english" is not a BCP 47 language tag (did you mean en? Give an ISO 639 code such as en, en-US, fr, pt-BR)\n')
    expect(await readdir(tmp.path)).toEqual([])
  })

  it('takes a language only when feed lint takes it: an extension or private-use part is refused, a region and script are kept', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    for (const tag of ['en-u-ca-gregory', 'de-x-swiss']) {
      const refused = await runCli(['init', join(tmp.path, 'show'), ...withFlag('--language', tag)])
      expect(refused.code, tag).toBe(2)
      expect(refused.stderr).toBe(`seedcast: --language: "${tag}" has an extension or private-use part that podcast apps and \`feed lint\` do not take (give the language alone: ${tag.slice(0, 2)})\n`)
    }
    expect(await readdir(tmp.path)).toEqual([])
    const show = join(tmp.path, 'show')
    const made = await runCli(['init', show, ...withFlag('--language', 'zh-hant-tw')])
    expect(made.code, made.stderr).toBe(0)
    expect((await readFeeds(show)).rss.language).toBe('zh-Hant-TW')
    expect((await runCli(['publish', fixture('episode.mp3'), '--show', show])).code).toBe(0)
    const lint = await runCliJson(['feed', 'lint', join(show, 'public', 'rss.xml')])
    expect(lint.json.findings.filter((finding: { element: string }) => finding.element.includes('language'))).toEqual([])
    expect(lint.json.errors).toBe(0)
  })

  it('a wrong category names the valid ones, and init --help lists every one with its subcategories, as the error says', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const result = await runCli(['init', join(tmp.path, 'show'), ...withFlag('--category', 'Cooking')])
    expect(result.code).toBe(2)
    expect(result.stderr).toBe(`seedcast: --category: "Cooking" is not an Apple Podcasts category (one of: ${Object.keys(APPLE_CATEGORIES).join(', ')}; with their subcategories in \`seedcast init --help\`)\n`)
    const sub = await runCli(['init', join(tmp.path, 'show'), ...withFlag('--category', 'Arts > Cooking')])
    expect(sub.stderr).toBe('seedcast: --subcategory: "Cooking" is not a subcategory of "Arts" in Apple Podcasts\' list (one of: Books, Design, Fashion & Beauty, Food, Performing Arts, Visual Arts)\n')
    const help = (await runCli(['init', '--help'], { env: { COLUMNS: '80' } })).stdout.replace(/\s+/g, ' ')
    for (const [category, subcategories] of Object.entries(APPLE_CATEGORIES)) {
      expect(help).toContain(subcategories.length ? `${category} (${subcategories.join(', ')})` : `${category};`)
    }
    expect(await readdir(tmp.path)).toEqual([])
  })
})
