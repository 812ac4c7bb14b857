// oclif reads words after a command that takes no argument as more of the command's name:
// `seedcast demo myshow` said "command demo:myshow not found", `seedcast follow list x`
// "command follow:list:x not found", and a typo ("publsh") got no hint. The same argv is
// answered here, from the manifest, in seedcast's own error form (one line, or the --json
// error object; exit 2 as every usage error), before oclif would say it its way, and so is
// help asked for such argv ("Command publsh not found." from oclif). Anything oclif runs
// or answers itself (a command, a topic's help) is left to it.
import { errorLine, showFlagHint, type ErrorView } from './error-view.js'

/**
 * Command id (words joined by ':') → whether it takes arguments, whether it is hidden, and
 * whether it takes its show folder by --show.
 */
export type CommandTable = Record<string, { takesArgs: boolean, hidden?: boolean, showFlag?: boolean }>

/**
 * The usage error for argv when oclif would find no command in it, else undefined. When
 * argv names a command and then an argument it does not take, `command` holds its words:
 * help asked for such argv is that command's help.
 */
export function notACommand (argv: string[], table: CommandTable): (ErrorView & { command?: string[], topic?: boolean }) | undefined {
  const pasted = notACommandButASource(argv[0])
  if (pasted) return pasted
  const words = leadingWords(argv)
  // `seedcast --json`: oclif said "command --json not found" in its own two-line form.
  if (words.length === 0) return argv.includes('--json') ? usage('no command given', 'see seedcast --help') : undefined
  const ids = Object.keys(table)
  const prefixes = new Set(ids.flatMap(id => id.split(':').map((_, at, parts) => parts.slice(0, at + 1).join(':'))))
  // The id as oclif's normalizeArgv builds it: a word joins the id while the longer id is
  // some command's or topic's prefix, or when what is named so far takes no argument.
  const taken: string[] = []
  for (const word of words) {
    const longer = [...taken, word].join(':')
    if (!prefixes.has(longer) && table[taken.join(':')]?.takesArgs) break
    taken.push(word)
  }
  const id = taken.join(':')
  const spoken = (count: number) => taken.slice(0, count).join(' ')
  const visible = ids.filter(id => !table[id]!.hidden)
  const commandsUnder = (topic: string) => [...new Set(visible.filter(id => id.startsWith(topic + ':')).map(id => id.slice(topic.length + 1).split(':')[0]!))]
  if (Object.hasOwn(table, id)) return undefined
  if (prefixes.has(id)) {
    // A topic alone is answered with its help, exit 0; a script asking for --json gets a
    // usage error it can read instead (it printed the help text, which no JSON reader takes).
    if (!argv.includes('--json')) return undefined
    return { ...usage(`seedcast ${spoken(taken.length)} needs a command`, `seedcast ${spoken(taken.length)} has: ${commandsUnder(id).join(', ')}`), topic: true }
  }
  for (let count = taken.length - 1; count >= 1; count--) {
    const named = taken.slice(0, count).join(':')
    if (Object.hasOwn(table, named)) {
      // `seedcast episodes list myshow`: a show folder where --show takes it.
      const hint = table[named]!.showFlag && count === taken.length - 1 ? showFlagHint(taken[count]!) : `see seedcast ${spoken(count)} --help`
      return { ...usage(`unexpected argument "${taken[count]!}": seedcast ${spoken(count)} takes no arguments`, hint), command: taken.slice(0, count) }
    }
    if (prefixes.has(named)) {
      // A topic and a word none of its commands starts with: its commands, and the nearest.
      const under = commandsUnder(named)
      const guess = nearest(taken[count]!, under)
      return usage(`unknown command "seedcast ${spoken(count + 1)}"`, `${guess ? `did you mean seedcast ${spoken(count)} ${guess}? ` : ''}seedcast ${spoken(count)} has: ${under.join(', ')}`)
    }
  }
  const guess = nearest(taken[0]!, [...new Set(visible.map(id => id.split(':')[0]!))])
  return usage(`unknown command "${taken[0]!}"`, guess ? `did you mean seedcast ${guess}? see seedcast --help` : 'see seedcast --help')
}

/** Prints `view` as a command's own error would be (stdout with --json, else one line on stderr). */
export function printUsageError (argv: string[], { message, hint, code, exitCode }: ErrorView): void {
  const view = { message, hint, code, exitCode }
  if (argv.includes('--json')) process.stdout.write(JSON.stringify({ error: view }) + '\n')
  else process.stderr.write(errorLine(view) + '\n')
  process.exitCode = view.exitCode
}

function usage (message: string, hint: string): ErrorView {
  return { message, hint, code: 'EUSAGE', exitCode: 2 }
}

/**
 * A magnet link or a URL given where a command goes (`seedcast 'magnet:?xt=…'`): oclif read
 * it as a command id and printed "command magnet:?xt=… not found" over two lines.
 */
function notACommandButASource (first: string | undefined): ErrorView | undefined {
  if (first === undefined) return undefined
  if (/^magnet:/i.test(first)) return usage('a magnet link is not a command', 'download it with `seedcast get <magnet>`, or read it with `seedcast info <magnet>`')
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(first)) return usage(`"${first}" is a URL, not a command`, 'download a .torrent or magnet with `seedcast get <url>`, follow a feed with `seedcast follow add <url>`')
  return undefined
}

/**
 * The words before the first flag (or `--`), as oclif takes a command's name from them. A
 * first word `a:b` is oclif's own spelling of the id `a b`: read as those words.
 */
function leadingWords (argv: string[]): string[] {
  if (argv[0]?.includes(':')) return argv[0].split(':')
  const words: string[] = []
  for (const arg of argv) {
    if (arg.startsWith('-') || arg.includes('=')) break
    words.push(arg)
  }
  return words
}

/** The candidate within two edits of `word` (the closest, the first of equals), if any. */
function nearest (word: string, candidates: string[]): string | undefined {
  let best: string | undefined
  let bestDistance = 3
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate)
    if (distance < bestDistance) { best = candidate; bestDistance = distance }
  }
  return best
}

/** Levenshtein distance; names are short, so the full table is fine. */
function editDistance (a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, at) => at)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = row
  }
  return previous[b.length]!
}
