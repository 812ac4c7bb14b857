import { stripVTControlCharacters } from 'node:util'
import { SeedcastError, type ErrorCode } from '../src/errors.js'
import { printable } from './printable.js'

/** How an error is shown: one line of text, or the `error` object of --json. */
export interface ErrorView { message: string, hint?: string, code: ErrorCode, exitCode: number }

/** A library option's flag: `baseUrl` → `--base-url`, unless the command names it otherwise. */
export function flagName (option: string, renamed: Record<string, string> = {}): string {
  return renamed[option] ?? `--${option.replace(/[A-Z]/g, letter => `-${letter.toLowerCase()}`)}`
}

/** Text from the library with each option it names as `option` shown as its flag. */
export function withFlagNames (text: string, renamed: Record<string, string> = {}): string {
  return text.replace(/`([a-z][A-Za-z0-9]*)`/g, (_, option: string) => flagName(option, renamed))
}

/**
 * Describes any error for the user. A SeedcastError names options as `option`: each one
 * becomes its flag (`renamed` gives the flags whose name is not the option's in kebab
 * case, e.g. { outputDir: '-o' }). oclif's own parse errors are EUSAGE; anything else is a
 * bug (EBUG, exit 70).
 */
export function describeError (error: Error, renamed: Record<string, string> = {}): ErrorView {
  const oneLine = (text: string) => text.split('\n').map(line => line.trim()).filter(Boolean).join('; ')
  const flags = (text: string) => withFlagNames(text, renamed)
  if (error instanceof SeedcastError) {
    return { message: flags(oneLine(error.message)), hint: error.hint && flags(error.hint), code: error.code, exitCode: error.exitCode }
  }
  // oclif's own parse errors (unknown flag, missing argument) carry their exit code.
  const oclif = (error as { oclif?: { exit?: number } }).oclif
  if (oclif) {
    const missing = missingArguments(error) ?? failedFlags(error)
    if (missing) return { message: missing, hint: 'see --help', code: 'EUSAGE', exitCode: 2 }
    const stray = strayShowFolder(error)
    if (stray) return stray
    const message = oneLine(error.message.replace(/See more help with --help/, ''))
    return { message, hint: 'see --help', code: 'EUSAGE', exitCode: 2 }
  }
  return { message: `unexpected error: ${oneLine(error.message)}`, hint: 'this is a bug; SEEDCAST_DEBUG=1 shows details', code: 'EBUG', exitCode: 70 }
}

/**
 * oclif's "Missing 1 required arg:" lists the arguments on lines of their own and adds a
 * note about repeatable flags; as one line that read "arg:; media ...". Said here as
 * "missing argument MEDIA (audio or video file to publish)".
 */
function missingArguments (error: Error): string | undefined {
  if (error.constructor.name !== 'RequiredArgsError') return undefined
  const args = (error as { args?: Array<{ name?: string, description?: string }> }).args ?? []
  const named = args.filter(arg => arg.name)
  if (!named.length) return undefined
  const listed = named.map(arg => `${arg.name!.toUpperCase()}${arg.description ? ` (${arg.description})` : ''}`)
  return `missing argument${named.length === 1 ? '' : 's'} ${listed.join(', ')}`
}

/**
 * `seedcast publish ep.mp3 myshow`: oclif's "Unexpected argument: myshow" left the podcaster
 * guessing; a command that takes its show by --show says how to give it.
 */
function strayShowFolder (error: Error): ErrorView | undefined {
  if (error.constructor.name !== 'UnexpectedArgsError') return undefined
  const { args = [], parse } = error as { args?: unknown[], parse?: { input?: { flags?: Record<string, unknown> } } }
  const [first] = args
  if (args.length !== 1 || typeof first !== 'string' || !parse?.input?.flags?.show) return undefined
  return { message: `unexpected argument "${first}"`, hint: showFlagHint(first), code: 'EUSAGE', exitCode: 2 }
}

/** The hint for a show folder given as an argument to a command that takes it by --show. */
export function showFlagHint (folder: string): string {
  return `give the show folder as --show ${/^[\w./@:-]+$/.test(folder) ? folder : JSON.stringify(folder)}`
}

/**
 * oclif's flag checks say "The following error occurred:" then each reason on a line of
 * its own (dimmed in a terminal); as one line that read "The following error occurred:;
 * Missing required flag base-url". Said here as "missing --base-url (where the mirror's
 * public/ folder will be served)", other reasons as oclif words them.
 */
function failedFlags (error: Error): string | undefined {
  const [first = '', ...reasons] = stripVTControlCharacters(error.message).split('\n').map(line => line.trim()).filter(Boolean)
  if (!/^The following errors? occurred:$/.test(first)) return undefined
  const flags = (error as { parse?: { input?: { flags?: Record<string, { summary?: string, description?: string } | undefined> } } }).parse?.input?.flags ?? {}
  const said = reasons.filter(reason => !/^See more help with/.test(reason)).map(reason => {
    const name = /^Missing required flag (\S+)$/.exec(reason)?.[1]
    if (!name) return reason
    const about = flags[name]?.summary ?? flags[name]?.description
    return `missing --${name}${about ? ` (${about})` : ''}`
  })
  return said.length ? said.join('; ') : undefined
}

/** The one line a command prints on stderr for an error. */
export function errorLine (view: ErrorView): string {
  return printable(`seedcast: ${view.message}${view.hint ? ` (${view.hint})` : ''}`)
}
