import { constants, type Stats } from 'node:fs'
import { open, realpath, stat, type FileHandle } from 'node:fs/promises'
import { isAbsolute, join, relative, sep } from 'node:path'

/**
 * The file below `publicDir` a decoded URL path (relative to the show's mount path)
 * names, or undefined when it would leave publicDir or names a dot file (".seedcast",
 * temp files). Symbolic links are checked when the file is opened (openPublicFile).
 */
export function resolvePublicFile (publicDir: string, urlPath: string): string | undefined {
  const segments = urlPath.split('/').filter(segment => segment !== '')
  if (segments.some(segment => segment.startsWith('.') || segment.includes('\\') || segment.includes('\0'))) return undefined
  const path = join(publicDir, ...segments)
  const inside = relative(publicDir, path)
  if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) return undefined
  return path
}

/** An open regular file and what fstat said of that very descriptor. */
export interface OpenFile { handle: FileHandle, stats: Stats }

/**
 * Opens a file below the show's public/ for serving, or undefined when there is no such
 * regular file or it is reached through a symbolic link that leads outside public/
 * (`realRoot` is public/'s own real path). Everything served afterwards comes from this
 * descriptor and its fstat, so a file replaced by rename while it is served (a publish
 * rewriting the feeds) is answered with the old bytes and the old validators, whole,
 * never a mix of two files.
 */
export async function openPublicFile (realRoot: string, path: string): Promise<OpenFile | undefined> {
  const real = await realpath(path).catch(() => undefined)
  if (real === undefined || !real.startsWith(realRoot + sep)) return undefined
  // O_NOFOLLOW: the last component was just resolved; a link swapped in since is refused.
  const handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => undefined)
  if (!handle) return undefined
  const stats = await handle.stat().catch(() => undefined)
  if (!stats?.isFile()) {
    await handle.close()
    return undefined
  }
  return { handle, stats }
}

/** Stats of the file a path names after following links, when it stays below realRoot. */
export async function statPublicFile (realRoot: string, path: string): Promise<{ real: string, stats: Stats } | undefined> {
  const real = await realpath(path).catch(() => undefined)
  if (real === undefined || !real.startsWith(realRoot + sep)) return undefined
  const stats = await stat(real).catch(() => undefined)
  return stats ? { real, stats } : undefined
}
