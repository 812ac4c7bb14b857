// The answers scripts ask a CLI for most, `seedcast --version` and a help page printed to
// a pipe, given from package.json and the help pages rendered at build time
// (help-cache.ts) with nothing but Node's own modules: no oclif, not even fast-start.ts.
// Loading those took 10 of the 35 ms CPU time of `seedcast --version` (Node itself: 22).
// Anything else returns false, and bin/run.js goes on to fast-start.ts, then to oclif.
import { existsSync, readFileSync, writeSync } from 'node:fs'
import { arch, homedir, release } from 'node:os'
import { join } from 'node:path'

export interface PackageJson {
  name: string
  version: string
  description?: string
  oclif: {
    bin?: string
    dirname?: string
    topicSeparator?: string
    topics?: Record<string, { description?: string, hidden?: boolean, subtopics?: unknown }>
    hooks?: unknown
    plugins?: unknown
    theme?: unknown
    helpClass?: unknown
    helpOptions?: unknown
    flexibleTaxonomy?: boolean
    additionalHelpFlags?: string[]
    additionalVersionFlags?: string[]
    state?: string
  }
}

/** Answers argv if it asks for the version or for a help page in the build's cache; true when it did. */
export async function quickAnswer (argv: string[], root: string): Promise<boolean> {
  const packageText = readText(join(root, 'package.json'))
  const pjson = parseJson<PackageJson>(packageText)
  if (!pjson || !canAnswer(pjson)) return false
  if (asksVersion(argv, pjson)) {
    writeOut(userAgent(pjson) + '\n')
    return true
  }
  // Cached pages are help requests and topics alone (one word); a command run goes on at once.
  if (argv.length > 1 && !argv.includes('--help') && !(pjson.oclif.additionalHelpFlags ?? []).some(flag => argv.includes(flag))) return false
  const manifestText = readText(join(root, 'oclif.manifest.json'))
  if (manifestText === undefined) return false
  const { cachedHelp } = await import('./help-cache.js')
  // A page in the cache is what fast-start.ts answered at build time for exactly this argv,
  // from this very package.json and manifest (the cache checks both).
  const page = await cachedHelp(root, argv, packageText!, manifestText)
  if (page === undefined) return false
  writeOut(page)
  return true
}

/** As oclif decides it: the first argument is --version or one of the package's version flags. */
export function asksVersion (argv: string[], pjson: PackageJson): boolean {
  return argv[0] !== undefined && (argv[0] === '--version' || (pjson.oclif.additionalVersionFlags ?? []).includes(argv[0]))
}

/** Situations where oclif's answer depends on more than package.json and the manifest. */
export function canAnswer (pjson: PackageJson): boolean {
  const { oclif } = pjson
  if (!oclif || oclif.hooks || oclif.plugins || oclif.theme || oclif.helpClass || oclif.flexibleTaxonomy) return false
  // oclif reports the platform "wsl" there.
  if (process.platform !== 'linux' && process.platform !== 'darwin') return false
  if (/microsoft/i.test(release())) return false
  // Debug output and themes change what oclif prints.
  const scope = pjson.name.toUpperCase().replaceAll('-', '_')
  if (process.env.DEBUG || process.env[`${scope}_DEBUG`] || process.env[`${scope}_CONFIG_DIR`]) return false
  const configHome = process.env.XDG_CONFIG_HOME || join(homedir(), '.config')
  if (existsSync(join(configHome, oclif.dirname ?? pjson.name, 'theme.json'))) return false
  return true
}

export function userAgent (pjson: PackageJson): string {
  const cpu = arch() === 'ia32' ? 'x86' : arch()
  return `${pjson.name}/${pjson.version} ${process.platform}-${cpu} node-${process.version}`
}

/**
 * Writes to standard output directly: process.stdout is built on first use, a stream and
 * its modules, which cost more than the rest of `--version`. A reader gone (EPIPE, as
 * with `| head -1`) ends the output quietly; a non-blocking pipe that is full hands the
 * rest to process.stdout, which waits for it.
 */
function writeOut (text: string): void {
  const bytes = Buffer.from(text)
  let done = 0
  try {
    while (done < bytes.length) done += writeSync(1, bytes, done)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EAGAIN') process.stdout.write(bytes.subarray(done))
  }
}

export function readText (path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}

export function parseJson<T> (text: string | undefined): T | undefined {
  try {
    return text === undefined ? undefined : JSON.parse(text) as T
  } catch {
    return undefined
  }
}
