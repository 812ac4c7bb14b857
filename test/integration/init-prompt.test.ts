// `seedcast init` in a terminal (a real pseudo-terminal): each answer is checked as it is
// given and asked again when refused, the cover is asked for, and the show it makes passes
// `feed lint` with one episode.
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { binPath, runCli, runCliJson } from '../helpers/cli.js'
import { runInPty } from '../helpers/pty.js'
import { tempDir } from '../helpers/tmp.js'
import { fixture } from './publish-helpers.js'

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
  })
})
