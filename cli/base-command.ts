import { Command } from '@oclif/core/command'
import { ExitError } from '@oclif/core/errors'
import { describeError, errorLine } from './error-view.js'
import { printableLines } from './printable.js'

/**
 * Base of every seedcast command: `--json` on every command, and errors turned into
 * one clear line on stderr (`seedcast: <what is wrong> (<what to do>)`) with the exit
 * code of the error's code (src/errors.ts), never a stack trace; with --json the error
 * is one line {"error": {message, hint, code, exitCode}} on standard output (on
 * `jsonStream`: `get --stdout` keeps standard output for the file), the same for every
 * command, including those that print JSON events line by line before it.
 * SEEDCAST_DEBUG=1 prints the stack as well.
 */
export abstract class SeedcastCommand extends Command {
  static override enableJsonFlag = true

  /**
   * Library options whose flag is not `--<option in kebab case>`, e.g. { outputDir: '--output' }.
   * An instance field, not a static: oclif copies statics into the manifest.
   */
  protected optionFlags: Record<string, string> = {}

  /**
   * Human output: titles, names and addresses in it may come from elsewhere (an imported
   * feed, a show.json written by an older version), so terminal controls are shown, not
   * run (cli/printable.ts).
   */
  public override log (message = '', ...args: unknown[]): void {
    super.log(typeof message === 'string' && args.length === 0 ? printableLines(message) : message, ...args)
  }

  /** Where --json output, errors included, goes. */
  protected jsonStream: NodeJS.WritableStream = process.stdout

  protected override async catch (error: Error & { exitCode?: number }): Promise<unknown> {
    if (error instanceof ExitError) throw error
    if (process.env.SEEDCAST_DEBUG) console.error(error)
    const view = this.describe(error)
    if (this.jsonEnabled()) {
      this.jsonStream.write(JSON.stringify({ error: view }) + '\n')
    } else {
      process.stderr.write(errorLine(view) + '\n')
    }
    return this.exit(view.exitCode)
  }

  /** The error as the user sees it, options named by this command's flags. */
  protected describe (error: Error) {
    return describeError(error, this.optionFlags)
  }
}
