// Argv naming no command gets seedcast's own one-line usage error (cli/not-a-command.ts),
// where oclif said "command demo:myshow not found" for an argument given to a command that
// takes none. Checked against the committed manifest: every real command line is left alone.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { notACommand, type CommandTable } from '../../cli/not-a-command.js'
import { binPath, repoRoot } from '../helpers/cli.js'

interface ManifestCommand { id: string, hidden?: boolean, strict?: boolean, args?: Record<string, unknown>, flags?: Record<string, unknown> }
const manifest = JSON.parse(readFileSync(join(repoRoot, 'oclif.manifest.json'), 'utf8')) as { commands: Record<string, ManifestCommand> }
const table: CommandTable = Object.fromEntries(Object.values(manifest.commands).map(command => [command.id, { takesArgs: command.strict === false || Object.keys(command.args ?? {}).length > 0, hidden: command.hidden, showFlag: Object.hasOwn(command.flags ?? {}, 'show') }]))

function bin (args: string[]) {
  const result = spawnSync(process.execPath, [binPath, ...args], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 60_000 })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

describe('argv that names no command', () => {
  it('leaves every command, with or without an argument, and every topic to oclif', () => {
    const ids = Object.keys(table)
    expect(ids.length).toBeGreaterThan(20)
    for (const id of ids) {
      const words = id.split(':')
      expect(notACommand(words, table), id).toBeUndefined()
      expect(notACommand([...words, '--json'], table), id).toBeUndefined()
      expect(notACommand([...words, 'x'], table) === undefined, `${id} x`).toBe(table[id]!.takesArgs)
      for (let count = 1; count < words.length; count++) expect(notACommand(words.slice(0, count), table), words.slice(0, count).join(' ')).toBeUndefined()
    }
    expect(notACommand([], table)).toBeUndefined()
    expect(notACommand(['--version'], table)).toBeUndefined()
    expect(notACommand(['feed:build'], table)).toBeUndefined()
    for (const id of ids) expect(notACommand([id], table), id).toBeUndefined()
  })

  it('names the argument a command does not take, the unknown command, and the nearest real one', () => {
    expect(table.demo?.takesArgs).toBe(false)
    expect(notACommand(['demo', 'myshow'], table)).toEqual({ message: 'unexpected argument "myshow": seedcast demo takes no arguments', hint: 'see seedcast demo --help', code: 'EUSAGE', exitCode: 2, command: ['demo'] })
    expect(notACommand(['follow', 'list', 'x', '--json'], table)?.message).toBe('unexpected argument "x": seedcast follow list takes no arguments')
    expect(notACommand(['publsh', 'ep.mp3'], table)).toMatchObject({ message: 'unknown command "publsh"', hint: 'did you mean seedcast publish? see seedcast --help' })
    expect(notACommand(['frobnicate'], table)).toMatchObject({ message: 'unknown command "frobnicate"', hint: 'see seedcast --help' })
    expect(notACommand(['feed', 'bild'], table)).toMatchObject({ message: 'unknown command "seedcast feed bild"', hint: 'did you mean seedcast feed build? seedcast feed has: build, lint' })
  })

  it('reads a first word a:b as oclif does (the words a b), and names a pasted magnet or URL', () => {
    expect(notACommand(['episodes:nope'], table)).toMatchObject({ message: 'unknown command "seedcast episodes nope"', hint: 'seedcast episodes has: edit, list, remove, show' })
    expect(notACommand(['publsh:x'], table)).toMatchObject({ message: 'unknown command "publsh"', hint: 'did you mean seedcast publish? see seedcast --help' })
    expect(notACommand(['episodes:list', '--json'], table)).toBeUndefined()
    const magnet = `magnet:?xt=urn:btih:${'ab'.repeat(20)}&dn=ep.mp3`
    expect(notACommand([magnet], table)).toEqual({ message: 'a magnet link is not a command', hint: 'download it with `seedcast get <magnet>`, or read it with `seedcast info <magnet>`', code: 'EUSAGE', exitCode: 2 })
    expect(notACommand(['https://podcast.example/rss.xml'], table)).toMatchObject({ message: '"https://podcast.example/rss.xml" is a URL, not a command', code: 'EUSAGE' })
    // oclif printed "command magnet:?xt=… not found" over two lines.
    expect(bin([magnet])).toEqual({ code: 2, stdout: '', stderr: 'seedcast: a magnet link is not a command (download it with `seedcast get <magnet>`, or read it with `seedcast info <magnet>`)\n' })
    expect(bin(['episodes:nope']).stderr).toBe('seedcast: unknown command "seedcast episodes nope" (seedcast episodes has: edit, list, remove, show)\n')
  })

  it('is what bin/run.js prints: one line on stderr, or the --json error on stdout, exit 2', () => {
    const plain = bin(['demo', 'myshow'])
    expect(plain).toEqual({ code: 2, stdout: '', stderr: 'seedcast: unexpected argument "myshow": seedcast demo takes no arguments (see seedcast demo --help)\n' })
    const json = bin(['follow', 'lst', '--json'])
    expect(json.code).toBe(2)
    expect(json.stderr).toBe('')
    expect(JSON.parse(json.stdout)).toEqual({ error: { message: 'unknown command "seedcast follow lst"', hint: 'did you mean seedcast follow list? seedcast follow has: add, export, import, list, remove, run', code: 'EUSAGE', exitCode: 2 } })
  })

  it('answers a topic or no command at all with --json by a usage error, not the help text (exit 0)', () => {
    // A script running `seedcast episodes --json` got the topic's help and exit 0.
    const topic = bin(['episodes', '--json'])
    expect(topic.code).toBe(2)
    expect(topic.stderr).toBe('')
    expect(JSON.parse(topic.stdout)).toEqual({ error: { message: 'seedcast episodes needs a command', hint: 'seedcast episodes has: edit, list, remove, show', code: 'EUSAGE', exitCode: 2 } })
    // `seedcast --json` got oclif's two-line "command --json not found".
    const none = bin(['--json'])
    expect(none.code).toBe(2)
    expect(JSON.parse(none.stdout)).toEqual({ error: { message: 'no command given', hint: 'see seedcast --help', code: 'EUSAGE', exitCode: 2 } })
    // Without --json a topic alone is still its help, and help asked for is help.
    const help = bin(['episodes'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('episodes list')
    for (const args of [['episodes', '--json', '--help'], ['--json', '--help']]) {
      const asked = bin(args)
      expect(asked.code, args.join(' ')).toBe(0)
      expect(asked.stdout, args.join(' ')).toContain('USAGE\n  $ seedcast ')
    }
  })

  it('says how to give a show folder to a command that takes it by --show', () => {
    // `seedcast episodes list myshow` (as `seedcast serve myshow` is written) said only "see --help".
    expect(table['episodes:list']?.showFlag).toBe(true)
    expect(notACommand(['episodes', 'list', 'myshow'], table)).toMatchObject({ message: 'unexpected argument "myshow": seedcast episodes list takes no arguments', hint: 'give the show folder as --show myshow' })
    expect(notACommand(['show', 'my show', '--json'], table)?.hint).toBe('give the show folder as --show "my show"')
    // Two stray words are not one show folder; demo has no --show.
    expect(notACommand(['feed', 'build', 'a', 'b'], table)?.hint).toBe('see seedcast feed build --help')
    expect(notACommand(['demo', 'myshow'], table)?.hint).toBe('see seedcast demo --help')
    expect(bin(['token', 'list', 'myshow'])).toEqual({ code: 2, stdout: '', stderr: 'seedcast: unexpected argument "myshow": seedcast token list takes no arguments (give the show folder as --show myshow)\n' })
    // A command that takes an argument and the show by --show: oclif's parse error, said the same way.
    expect(bin(['publish', 'ep.mp3', 'myshow'])).toEqual({ code: 2, stdout: '', stderr: 'seedcast: unexpected argument "myshow" (give the show folder as --show myshow)\n' })
    const json = bin(['episodes', 'remove', 'ep-1', 'myshow', '--json'])
    expect(json.code).toBe(2)
    expect(JSON.parse(json.stdout)).toEqual({ error: { message: 'unexpected argument "myshow"', hint: 'give the show folder as --show myshow', code: 'EUSAGE', exitCode: 2 } })
  })

  it('reads `seedcast help COMMAND` as `seedcast COMMAND --help`', () => {
    const help = bin(['help', 'feed', 'build'])
    expect(help.code).toBe(0)
    expect(help.stdout).toBe(bin(['feed', 'build', '--help']).stdout)
    expect(help.stdout).toContain('USAGE')
    expect(bin(['help']).stdout).toBe(bin(['--help']).stdout)
  })

  it('answers help asked for an unknown command with the same error, and for a stray argument with the command\'s help', () => {
    expect(bin(['help', 'publsh'])).toEqual({ code: 2, stdout: '', stderr: 'seedcast: unknown command "publsh" (did you mean seedcast publish? see seedcast --help)\n' })
    expect(bin(['follow', 'lst', '--help'])).toEqual(bin(['follow', 'lst']))
    const json = bin(['nosuch', '--help', '--json'])
    expect(json.code).toBe(2)
    expect(JSON.parse(json.stdout)).toEqual({ error: { message: 'unknown command "nosuch"', hint: 'see seedcast --help', code: 'EUSAGE', exitCode: 2 } })
    // A version flag after an unknown command is no version request: the same error.
    expect(bin(['nosuch', '--version'])).toEqual(bin(['nosuch']))
    expect(bin(['publsh', '--version', '--json'])).toEqual(bin(['publsh', '--json']))
    expect(bin(['demo', 'myshow', '--version'])).toEqual(bin(['demo', 'myshow']))
    const stray = bin(['demo', 'myshow', '--help'])
    expect(stray.code).toBe(0)
    expect(stray.stdout).toBe(bin(['demo', '--help']).stdout)
    expect(stray.stdout).toContain('USAGE')
  })
})
