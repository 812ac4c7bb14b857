// Help pages rendered once, at build time, for the output most scripts and pipes get: 80
// columns and no colour (stdout not a terminal, as oclif sees it). `seedcast create --help`
// then prints a string instead of loading oclif's Help (about 45 ms of module loading and
// 15 ms of rendering, twice what Node itself takes to start). Keyed by the exact argv, and
// valid only for the manifest and package.json it was made from: any other argv, width,
// colour or a stale cache goes to the live renderer in fast-start.ts.
import { readFileSync } from 'node:fs'
import { isatty } from 'node:tty'
import { join } from 'node:path'
import * as zlib from 'node:zlib'

/** Where `npm run build` writes the cache (scripts/help-cache.js), below the package root. */
export const HELP_CACHE_FILE = join('dist', 'help-cache.json')

interface HelpCache {
  /** helpSource of package.json and oclif.manifest.json as they were when rendering. */
  source?: string
  /** argv joined by NUL → exactly what oclif prints on stdout. */
  pages: Record<string, string>
}

/**
 * The fingerprint of what help is made from: lengths and CRC-32 of both texts. It guards
 * against a package.json or manifest edited after the build, not against an adversary, and
 * zlib's CRC-32 costs nothing to load where node:crypto took 5 ms of a 40 ms start-up.
 * Undefined on a Node without zlib.crc32 (before 22.2): no cache there.
 */
export function helpSource (packageText: string, manifestText: string): string | undefined {
  const { crc32 } = zlib as { crc32?: (data: string) => number }
  if (typeof crc32 !== 'function') return undefined
  return [packageText.length, crc32(packageText), manifestText.length, crc32(manifestText)].join(':')
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
  let cache: HelpCache
  try {
    cache = JSON.parse(readFileSync(join(root, HELP_CACHE_FILE), 'utf8')) as HelpCache
  } catch {
    return undefined
  }
  const page = cache.pages?.[helpCacheKey(argv)]
  if (page === undefined || cache.source === undefined || cache.source !== helpSource(packageText, manifestText)) return undefined
  // supports-color says "no colour" for a stream that is not a terminal unless FORCE_COLOR
  // or a --color flag forces it; stdout is not one here, so only then is it asked (loading
  // it took a quarter of this path's time).
  if (!('FORCE_COLOR' in process.env) && !process.argv.some(arg => arg.includes('color')) && !isatty(1)) return page
  const { default: supportsColor } = await import('supports-color')
  return supportsColor.stdout !== false && supportsColor.stderr !== false ? undefined : page
}
