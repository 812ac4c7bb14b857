// The help and error wording a new user meets first (issue 12, "Help and errors"): manuals
// that read as sentences at 80 columns, examples that can be pasted, and one-line errors
// that offer only what the command takes.
import { readFileSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { baseUrlMismatch } from '../../src/server/listen-check.js'
import { runCli } from '../helpers/cli.js'
import { tempDir } from '../helpers/tmp.js'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0)) await cleanup() })

const manifest = JSON.parse(readFileSync(new URL('../../oclif.manifest.json', import.meta.url), 'utf8')) as { commands: Record<string, { description?: string }> }

/** Lines of a description that oclif would print broken: a sentence cut mid-way, or a table row it has to wrap. */
function brokenLines (description: string): string[] {
  const broken: string[] = []
  for (const paragraph of description.split(/\n\s*\n/)) {
    const lines = paragraph.split('\n')
    lines.forEach((line, index) => {
      // A table row keeps its columns only if oclif need not wrap it (80 columns, indented by 2; it
      // drops the indentation of the lines it wraps). A "- " list item may wrap.
      const listItem = /^\s*- /.test(line)
      const tableRow = !listItem && (/^\s+\S/.test(line) || /^\S+\s{2,}\S/.test(line))
      const row = tableRow || listItem
      if (tableRow && (line.length > 76 || /^ {4}/.test(line))) broken.push(line) // a continuation would lose its indentation
      // oclif keeps every newline: prose going on to the next line breaks the sentence there.
      if (!row && index < lines.length - 1 && !/[.:!?]$/.test(line.trimEnd())) broken.push(line)
    })
  }
  return broken
}

function descriptionOf (help: string): string {
  return help.slice(help.indexOf('DESCRIPTION'), help.indexOf('EXAMPLES'))
}

describe('help text', { timeout: 120_000 }, () => {
  it('breaks no sentence over lines and wraps no table row, in any command', () => {
    expect(brokenLines('A sentence that stops\nin the middle.')).toHaveLength(1) // the check itself catches it
    for (const [id, command] of Object.entries(manifest.commands)) {
      expect(brokenLines(command.description ?? ''), `seedcast ${id.replaceAll(':', ' ')} --help`).toEqual([])
    }
  })

  it('feed lint --help prints its paragraphs as whole sentences', async () => {
    const help = await runCli(['feed', 'lint', '--help'], { env: { COLUMNS: '80' } })
    const text = descriptionOf(help.stdout).replace(/\n {2}/g, ' ')
    expect(text).toContain('missing title, description, itunes:image, language, itunes:category')
    // No line of the description ends early with a sentence going on below it.
    const lines = descriptionOf(help.stdout).split('\n').filter(line => line.trim())
    const short = lines.filter((line, index) => line.length < 50 && lines[index + 1] && /^ {2}[a-z]/.test(lines[index + 1]!) && !/[.:]$/.test(line))
    expect(short).toEqual([])
  })

  it('init --help names public/ once, and lists the categories its errors point to', async () => {
    const help = (await runCli(['init', '--help'], { env: { COLUMNS: '80' } })).stdout
    expect(descriptionOf(help).match(/^ {2}public\//gm)).toHaveLength(1)
    expect(descriptionOf(help)).toMatch(/^ {2}episodes\.json {2}/m)
    const flowing = help.replace(/\s+/g, ' ')
    expect(flowing).toContain('Society & Culture (Documentary, Personal Journals, Philosophy, Places & Travel, Relationships)')
    expect(flowing).toContain('Technology; True Crime; TV & Film (After Shows,')
  })

  it('get --help shows its magnet example whole, on one line that can be pasted', async () => {
    const help = (await runCli(['get', '--help'], { env: { COLUMNS: '80' } })).stdout
    const example = help.split('\n').find(line => line.includes('magnet:?'))
    expect(example).toMatch(/"magnet:\?xt=urn:btih:[^"\s]+&xs=[^"\s]+"/)
    expect(help).not.toMatch(/magnet:[^"\n]*\\\n/)
  })

  it('serve --help says which base URLs get a warning, and the check does as it says', async () => {
    const help = (await runCli(['serve', '--help'])).stdout.replace(/\s+/g, ' ')
    expect(help).toContain('A base URL with a host name and no port (https://example.org/show/) is taken to be a reverse proxy in front of this server and not warned about.')
    expect(baseUrlMismatch('https://example.org/show/', { host: '127.0.0.1', port: 8080 })).toBeUndefined()
    expect(baseUrlMismatch('http://127.0.0.1:9/show/', { host: '127.0.0.1', port: 8080 })).toContain('names port 9')
    expect(baseUrlMismatch('http://example.org:9000/show/', { host: '0.0.0.0', port: 8080 })).toContain('names port 9000')
    expect(baseUrlMismatch('https://127.0.0.1:8080/', { host: '127.0.0.1', port: 8080 })).toContain('is https')
  })
})

describe('error lines', { timeout: 120_000 }, () => {
  it('a missing argument names it in one line', async () => {
    const result = await runCli(['publish'])
    expect(result.code).toBe(2)
    expect(result.stderr).toBe('seedcast: missing argument MEDIA (audio or video file to publish) (see --help)\n')
    const verify = await runCli(['verify', 'x.torrent'])
    expect(verify.stderr).toBe('seedcast: missing argument PATH (the data: file, or the torrent\'s folder) (see --help)\n')
  })

  it('a missing required flag names it and what it is for in one line, also with --json', async () => {
    const result = await runCli(['mirror', 'http://127.0.0.1:9/feed.xml', 'dir'])
    expect(result.code).toBe(2)
    expect(result.stderr).toBe('seedcast: missing --base-url (where the mirror\'s public/ folder will be served) (see --help)\n')
    const json = await runCli(['mirror', 'http://127.0.0.1:9/feed.xml', 'dir', '--json'])
    expect(json.code).toBe(2)
    expect(JSON.parse(json.stdout)).toEqual({ error: { message: 'missing --base-url (where the mirror\'s public/ folder will be served)', hint: 'see --help', code: 'EUSAGE', exitCode: 2 } })
  })

  it('serve on a folder that is not a show does not suggest a flag serve lacks', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const result = await runCli(['serve', tmp.path, '--port', '0'])
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(`seedcast: ${tmp.path}: not a seedcast show folder (no show.json) (give the path of an existing show folder, or run \`seedcast init\` to make one)\n`)
    expect(result.stderr).not.toContain('--show')
  })

  it('every command taking --show says a missing folder is no show the same way (one code, one line)', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const notAFolder = join(tmp.path, 'notes.txt')
    await writeFile(notAFolder, 'just text\n')
    const hint = 'give the path of an existing show folder, or run `seedcast init` to make one'
    const cases: Array<[string, string]> = [[join(tmp.path, 'nowhere'), 'no such folder'], [notAFolder, 'not a folder'], [join(notAFolder, 'x'), 'no such folder'], [tmp.path, 'no show.json']]
    for (const [path, why] of cases) {
      for (const command of [['feed', 'build'], ['episodes', 'list'], ['episodes', 'show', 'x'], ['show'], ['token', 'list']]) {
        const json = await runCli([...command, '--show', path, '--json'])
        expect(json.code, `${command.join(' ')} ${path}`).toBe(1)
        expect(JSON.parse(json.stdout), `${command.join(' ')} ${path}`).toEqual({ error: { message: `${path}: not a seedcast show folder (${why})`, hint, code: 'ENOTSHOW', exitCode: 1 } })
      }
    }
    // Relative paths are named absolute, as the other file errors name them.
    const relative = await runCli(['feed', 'build', '--show', 'nowhere'], { cwd: tmp.path })
    expect(relative.stderr).toBe(`seedcast: ${join(tmp.path, 'nowhere')}: not a seedcast show folder (no such folder) (${hint})\n`)
  })

  it('verify and magnet, which take only .torrent files, do not offer a magnet link', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const notTorrent = join(tmp.path, 'notes.txt')
    await writeFile(notTorrent, 'just text\n')
    await mkdir(join(tmp.path, 'data'))
    for (const args of [['verify', notTorrent, join(tmp.path, 'data')], ['magnet', notTorrent]]) {
      const result = await runCli(args)
      expect(result.code).toBe(1)
      expect(result.stderr).toBe(`seedcast: ${notTorrent}: not a torrent: it does not start with a bencoded dictionary (give a .torrent file)\n`)
    }
  })
})
