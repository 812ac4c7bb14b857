import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { describeError, errorLine } from '../../cli/error-view.js'
import { ERROR_CODES, SeedcastError, fileError, invalidOption, isErrorCode } from '../../src/errors.js'
import { readChaptersFile } from '../../src/media/chapters-file.js'
import { readTranscript } from '../../src/media/transcript.js'
import { repoRoot, runCli } from '../helpers/cli.js'
import { tempDir } from '../helpers/tmp.js'

function sources (dir: string): string[] {
  return readdirSync(join(repoRoot, dir), { recursive: true, encoding: 'utf8' })
    .filter(name => name.endsWith('.ts'))
    .map(name => readFileSync(join(repoRoot, dir, name), 'utf8'))
}

describe('the error registry', () => {
  it('gives every code a message shape and an exit code; only usage errors exit 2', () => {
    for (const [code, { exitCode, shape }] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^E[A-Z]+$/)
      expect(shape.length, code).toBeGreaterThan(5)
      expect([1, 2, 70, 130], code).toContain(exitCode)
    }
    expect(Object.entries(ERROR_CODES).filter(([, { exitCode }]) => exitCode === 2).map(([code]) => code)).toEqual(['EUSAGE', 'ECONFIG'])
  })

  it('has merged the codes that meant the same', () => {
    for (const gone of ['EBADTORRENT', 'EBENCODE', 'EBADCATALOG', 'EBADFLAG', 'EPERM', 'ESEEDCAST']) expect(isErrorCode(gone), gone).toBe(false)
  })

  it('knows every code written in src/, cli/ and commands/, and every registered code is used', () => {
    const text = [...sources('src'), ...sources('cli'), ...sources('commands')].join('\n').replace(/export const ERROR_CODES = \{[\s\S]*?\n\} as const/, '')
    const written = new Set([...text.matchAll(/'(E[A-Z]{2,})'/g)].map(match => match[1]!))
    // Codes of Node and of the media containers compared against, not seedcast's own.
    const foreign = new Set(['EPERM', 'EROFS', 'EADDRNOTAVAIL', 'ENOTFOUND', 'EAGAIN', 'EPIPE', 'ECONNRESET', 'ESRCH', 'EBML', 'EDQUOT'])
    expect([...written].filter(code => !isErrorCode(code) && !foreign.has(code))).toEqual([])
    expect(Object.keys(ERROR_CODES).filter(code => !written.has(code))).toEqual([])
  })

  it('takes the exit code from the registry', () => {
    expect(new SeedcastError('x', { code: 'EUSAGE' }).exitCode).toBe(2)
    expect(new SeedcastError('x', { code: 'ETORRENT' }).exitCode).toBe(1)
    expect(new SeedcastError('x', { code: 'EINTR' }).exitCode).toBe(130)
  })

  it('turns fs errors into registered codes (EPERM is EACCES, anything else EIO)', () => {
    const errno = (code: string) => Object.assign(new Error(code), { code })
    expect(fileError(errno('EPERM'), '/x').code).toBe('EACCES')
    expect(fileError(errno('ENOENT'), '/x')).toMatchObject({ code: 'ENOENT', message: '/x: no such file or directory' })
    expect(fileError(errno('EMFILE'), '/x', 'open')).toMatchObject({ code: 'EIO', message: '/x: cannot open: EMFILE' })
  })
})

describe('options in errors', () => {
  it('the library names the option; the command shows it as its flag', () => {
    const error = invalidOption('baseUrl', '"ftp://x/" is not an http(s) URL', 'give `baseUrl` an https URL')
    expect(error).toMatchObject({ code: 'EUSAGE', option: 'baseUrl', exitCode: 2, message: '`baseUrl`: "ftp://x/" is not an http(s) URL' })
    const view = describeError(error)
    expect(view).toEqual({ message: '--base-url: "ftp://x/" is not an http(s) URL', hint: 'give --base-url an https URL', code: 'EUSAGE', exitCode: 2 })
    expect(errorLine(view)).toBe('seedcast: --base-url: "ftp://x/" is not an http(s) URL (give --base-url an https URL)')
  })

  it('a refused transcript or chapters file names its option, shown as --transcript / --chapters', async () => {
    const tmp = await tempDir()
    try {
      writeFileSync(join(tmp.path, 'bad.vtt'), 'just words, no cues\n')
      writeFileSync(join(tmp.path, 'bad.txt'), '00:00 Intro\nat ten: Tea\n')
      const transcript = await readTranscript(join(tmp.path, 'bad.vtt')).then(() => undefined, (error: unknown) => error as SeedcastError)
      expect(transcript).toMatchObject({ code: 'EUSAGE', option: 'transcript', message: '`transcript` bad.vtt: not a WebVTT, SubRip, JSON or HTML transcript (no WEBVTT header and no SubRip cues)' })
      expect(errorLine(describeError(transcript!))).toBe('seedcast: --transcript bad.vtt: not a WebVTT, SubRip, JSON or HTML transcript (no WEBVTT header and no SubRip cues) (give a .vtt (starting with WEBVTT), .srt, Podcasting 2.0 JSON ({"segments": [...]}) or HTML file)')
      const chapters = await readChaptersFile(join(tmp.path, 'bad.txt'), 60).then(() => undefined, (error: unknown) => error as SeedcastError)
      expect(chapters).toMatchObject({ code: 'EUSAGE', option: 'chapters', message: '`chapters` bad.txt: line 2 is not "HH:MM:SS Title": at ten: Tea' })
      expect(describeError(chapters!).message).toBe('--chapters bad.txt: line 2 is not "HH:MM:SS Title": at ten: Tea')
      // No library message in src/media names a flag.
      for (const text of sources('src/media')) expect(text).not.toMatch(/`--(transcript|chapters) /)
    } finally {
      await tmp.cleanup()
    }
  })

  it('a command renames options whose flag is not their kebab case', () => {
    const error = new SeedcastError('no peers', { code: 'ENOPEERS', hint: 'add one with `trackers`, or raise `timeoutSeconds`' })
    expect(describeError(error, { trackers: '--tracker', timeoutSeconds: '--timeout' }).hint).toBe('add one with --tracker, or raise --timeout')
  })

  it('a non-seedcast error is a bug (EBUG, exit 70); an oclif parse error is usage (exit 2)', () => {
    expect(describeError(new TypeError('x is undefined'))).toMatchObject({ code: 'EBUG', exitCode: 70, message: 'unexpected error: x is undefined' })
    expect(describeError(Object.assign(new Error('Nonexistent flag: --nope\nSee more help with --help'), { oclif: { exit: 2 } }))).toMatchObject({ code: 'EUSAGE', exitCode: 2, message: 'Nonexistent flag: --nope' })
  })

  it('a usage error exits 2 from any command, library or oclif', async () => {
    const fromLibrary = await runCli(['peers', 'no-such-torrent-or-infohash'])
    expect(fromLibrary.stderr).toMatch(/^seedcast: no-such-torrent-or-infohash: not an infohash/)
    expect(fromLibrary.code).toBe(2)
    const fromOclif = await runCli(['info', '--nope'])
    expect(fromOclif.code).toBe(2)
  })
})
