/**
 * The output of the long-running commands (seed, serve, get, follow run): with --json one
 * JSON object per line, as it happens, so a script reads events while the command runs;
 * otherwise lines on standard error, standard output staying free for results (or, with
 * `get --stdout`, for the file).
 */
import { printable } from './printable.js'

export function jsonLine (value: unknown, stream: NodeJS.WritableStream = process.stdout): void {
  stream.write(JSON.stringify(value) + '\n')
}

/** The one form of a warning on standard error. */
export function warningLine (message: string): string {
  // Warnings quote trackers' failure reasons and peers' and hosts' words (cli/printable.ts).
  return printable(`seedcast: warning: ${message}`)
}

export function printWarning (message: string, stream: NodeJS.WritableStream = process.stderr): void {
  stream.write(warningLine(message) + '\n')
}
