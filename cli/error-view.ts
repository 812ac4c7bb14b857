import { SeedcastError, type ErrorCode } from '../src/errors.js'

/** How an error is shown: one line of text, or the `error` object of --json. */
export interface ErrorView { message: string, hint?: string, code: ErrorCode, exitCode: number }

/** A library option's flag: `baseUrl` → `--base-url`, unless the command names it otherwise. */
export function flagName (option: string, renamed: Record<string, string> = {}): string {
  return renamed[option] ?? `--${option.replace(/[A-Z]/g, letter => `-${letter.toLowerCase()}`)}`
}

/**
 * Describes any error for the user. A SeedcastError names options as `option`: each one
 * becomes its flag (`renamed` gives the flags whose name is not the option's in kebab
 * case, e.g. { outputDir: '-o' }). oclif's own parse errors are EUSAGE; anything else is a
 * bug (EBUG, exit 70).
 */
export function describeError (error: Error, renamed: Record<string, string> = {}): ErrorView {
  const oneLine = (text: string) => text.split('\n').map(line => line.trim()).filter(Boolean).join('; ')
  const flags = (text: string) => text.replace(/`([a-z][A-Za-z0-9]*)`/g, (_, option: string) => flagName(option, renamed))
  if (error instanceof SeedcastError) {
    return { message: flags(oneLine(error.message)), hint: error.hint && flags(error.hint), code: error.code, exitCode: error.exitCode }
  }
  // oclif's own parse errors (unknown flag, missing argument) carry their exit code.
  const oclif = (error as { oclif?: { exit?: number } }).oclif
  if (oclif) {
    const message = oneLine(error.message.replace(/See more help with --help/, ''))
    return { message, hint: 'see --help', code: 'EUSAGE', exitCode: 2 }
  }
  return { message: `unexpected error: ${oneLine(error.message)}`, hint: 'this is a bug; SEEDCAST_DEBUG=1 shows details', code: 'EBUG', exitCode: 70 }
}

/** The one line a command prints on stderr for an error. */
export function errorLine (view: ErrorView): string {
  return `seedcast: ${view.message}${view.hint ? ` (${view.hint})` : ''}`
}
