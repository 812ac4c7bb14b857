// The answers scripts ask a CLI for most, `seedcast --version` and a help page printed to
// a pipe, given from package.json and the help pages rendered at build time
// (written by scripts/help-cache.js) with nothing but Node's own modules: no oclif, not
// even fast-start.ts, and no second module of ours (each ESM module costs 1-3 ms here).
// Loading those took 10 of the 35 ms CPU time of `seedcast --version` (Node itself: 22).
// Anything else returns false, and bin/run.js goes on to fast-start.ts, then to oclif.
import { existsSync, readFileSync, writeSync } from 'node:fs'
import { arch, homedir, release } from 'node:os'
import { join } from 'node:path'
import { isatty } from 'node:tty'

export interface PackageJson {
  name: string
  version: string
  description?: string
  oclif: {
    bin?: string
    binAliases?: string[]
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
  if (!pjson) return false
  // Scripts asked for JSON everywhere else; oclif's --version has no --json and prints its
  // user agent line, so this answer is seedcast's own, whatever canAnswer says.
  if (asksVersion(argv, pjson) && argv.includes('--json')) {
    writeOut(JSON.stringify(versionFields(pjson)) + '\n')
    return true
  }
  if (!canAnswer(pjson)) return false
  if (asksVersion(argv, pjson)) {
    writeOut(userAgent(pjson) + '\n')
    return true
  }
  // Cached pages are help requests and topics alone (one word); a command run goes on at once.
  if (argv.length > 1 && !argv.includes('--help') && !(pjson.oclif.additionalHelpFlags ?? []).some(flag => argv.includes(flag))) return false
  const manifestText = readText(join(root, 'oclif.manifest.json'))
  if (manifestText === undefined) return false
  // A page in the cache is what fast-start.ts answered at build time for exactly this argv,
  // from this very package.json and manifest (the cache checks both).
  const page = await cachedHelp(root, argv, packageText!, manifestText)
  if (page === undefined) return false
  writeOut(page)
  return true
}

// Help pages rendered once, at build time, for the output most scripts and pipes get: 80
// columns and no colour (stdout not a terminal, as oclif sees it). `seedcast create --help`
// then prints a string instead of loading oclif's Help (about 45 ms of module loading and
// 15 ms of rendering, twice what Node itself takes to start). Keyed by the exact argv, and
// valid only for the manifest and package.json it was made from: any other argv, width,
// colour or a stale cache goes to the live renderer in fast-start.ts.

/** Where `npm run build` writes the cache (scripts/help-cache.js), below the package root. */
export const HELP_CACHE_FILE = join('dist', 'help-cache.json')
/** What the pages were rendered from (helpSource), beside them. */
export const HELP_SOURCE_FILE = join('dist', 'help-cache.source')

interface HelpCache {
  /** argv joined by NUL → exactly what oclif prints on stdout. */
  pages: Record<string, string>
}

/**
 * What help is made from: package.json and the manifest, kept verbatim at build time and
 * compared as text (a hash meant loading node:crypto or node:zlib, 1 to 5 ms of a 30 ms
 * start-up, to save comparing 120 kB).
 */
export function helpSource (packageText: string, manifestText: string): string {
  return `${packageText}\0${manifestText}`
}

export function helpCacheKey (argv: string[]): string {
  return argv.join('\0')
}

/**
 * The cached page for this argv, or undefined when there is none or it would not be what
 * oclif prints now: stdout is a terminal (its width and colours vary), OCLIF_COLUMNS is
 * set, colour is on, or the CLI changed since the cache was written. Colour is decided by
 * oclif's own rule (its ux/supports-color: supports-color on stdout and on stderr), not by
 * ansis's: ansis turns colour on wherever CI is set, where oclif's help stays plain.
 */
export async function cachedHelp (root: string, argv: string[], packageText: string, manifestText: string): Promise<string | undefined> {
  if (isatty(1) || process.env.OCLIF_COLUMNS) return undefined
  const cache = parseJson<HelpCache>(readText(join(root, HELP_CACHE_FILE)))
  const page = cache?.pages?.[helpCacheKey(argv)]
  if (page === undefined || readText(join(root, HELP_SOURCE_FILE)) !== helpSource(packageText, manifestText)) return undefined
  // supports-color says "no colour" for a stream that is not a terminal unless FORCE_COLOR
  // or a --color flag forces it; stdout is not one here, so only then is it asked (loading
  // it took a quarter of this path's time).
  if (!('FORCE_COLOR' in process.env) && !process.argv.some(arg => arg.includes('color'))) return page
  const { default: supportsColor } = await import('supports-color')
  return supportsColor.stdout !== false && supportsColor.stderr !== false ? undefined : page
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

/** `seedcast --version --json`: what `--version` prints, as fields. */
export function versionFields (pjson: PackageJson): { name: string, version: string, platform: string, arch: string, node: string } {
  return { name: pjson.name, version: pjson.version, platform: process.platform, arch: arch() === 'ia32' ? 'x86' : arch(), node: process.version }
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
