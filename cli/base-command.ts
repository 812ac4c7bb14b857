import { Command, Errors } from '@oclif/core'
import { SeedcastError } from '../src/errors.js'

/**
 * Base of every seedcast command: `--json` on every command, and errors turned into
 * one clear line on stderr (`seedcast: <what is wrong> (<what to do>)`) with a non-zero
 * exit, never a stack trace; with --json the error is a JSON object on stdout.
 * SEEDCAST_DEBUG=1 prints the stack as well.
 */
export abstract class SeedcastCommand extends Command {
  static override enableJsonFlag = true

  protected override async catch (error: Error & { exitCode?: number }): Promise<unknown> {
    if (error instanceof Errors.ExitError) throw error
    if (process.env.SEEDCAST_DEBUG) console.error(error)
    const { message, hint, code, exit } = describe(error)
    if (this.jsonEnabled()) {
      this.logJson({ error: { message, hint, code, exitCode: exit } })
    } else {
      process.stderr.write(`seedcast: ${message}${hint ? ` (${hint})` : ''}\n`)
    }
    return this.exit(exit)
  }
}

function describe (error: Error): { message: string, hint?: string, code: string, exit: number } {
  const oneLine = (text: string) => text.split('\n').map(line => line.trim()).filter(Boolean).join('; ')
  if (error instanceof SeedcastError) {
    return { message: oneLine(error.message), hint: error.hint, code: error.code, exit: error.exitCode }
  }
  // oclif's own parse errors (unknown flag, missing argument) carry their exit code.
  const oclif = (error as { oclif?: { exit?: number } }).oclif
  if (oclif) {
    const message = oneLine(error.message.replace(/See more help with --help/, ''))
    return { message, hint: 'see --help', code: 'EUSAGE', exit: oclif.exit ?? 2 }
  }
  return { message: `unexpected error: ${oneLine(error.message)}`, hint: 'this is a bug; SEEDCAST_DEBUG=1 shows details', code: 'EBUG', exit: 70 }
}
