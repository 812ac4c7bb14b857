import { matchesGlob } from 'node:path'
import { SeedcastError } from '../../errors.js'

/**
 * Picks the files of a torrent named by `--select` values: a number is a file index, from
 * 0, in torrent order (pad files count: the `index` of `seedcast get`'s metadata event,
 * the place in `seedcast info --json`'s `files`), anything else a glob matched
 * against the file's path inside the torrent and against its base name. Every value must
 * match at least one file, so a typo fails before anything is downloaded.
 */
export function selectFiles (paths: string[], selectors: string[]): number[] {
  if (selectors.length === 0) return paths.map((_, index) => index)
  const chosen = new Set<number>()
  for (const selector of selectors) {
    const matched = matchSelector(paths, selector.trim())
    if (matched.length === 0) {
      throw new SeedcastError(`\`select\` ${selector}: no file of the torrent matches`, {
        code: 'ESELECT',
        hint: `the torrent has ${paths.length} file${paths.length === 1 ? '' : 's'}: ${paths.slice(0, 5).map((path, index) => `${index} ${path}`).join(', ')}${paths.length > 5 ? ', ...' : ''}`
      })
    }
    for (const index of matched) chosen.add(index)
  }
  return [...chosen].sort((a, b) => a - b)
}

function matchSelector (paths: string[], selector: string): number[] {
  if (/^\d+$/.test(selector)) {
    const index = Number(selector)
    return index < paths.length ? [index] : []
  }
  const matched: number[] = []
  paths.forEach((path, index) => {
    const normalized = path.replaceAll('\\', '/')
    const base = normalized.slice(normalized.lastIndexOf('/') + 1)
    // Paths inside a multi-file torrent start with the torrent's name; accept globs with or without it.
    const inner = normalized.includes('/') ? normalized.slice(normalized.indexOf('/') + 1) : normalized
    if (selector === normalized || selector === inner || matchesGlob(normalized, selector) || matchesGlob(inner, selector) || matchesGlob(base, selector)) {
      matched.push(index)
    }
  })
  return matched
}
