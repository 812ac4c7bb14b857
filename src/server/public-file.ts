import { stat } from 'node:fs/promises'
import { isAbsolute, join, relative, sep } from 'node:path'

/**
 * The file below `publicDir` a decoded URL path (relative to the show's mount path)
 * names, or undefined when it would leave publicDir or names a dot file (".seedcast",
 * temp files). Used by the range check; @fastify/static does its own resolution, with
 * the same answer for every path that gets this far.
 */
export function resolvePublicFile (publicDir: string, urlPath: string): string | undefined {
  const segments = urlPath.split('/').filter(segment => segment !== '')
  if (segments.some(segment => segment.startsWith('.') || segment.includes('\\') || segment.includes('\0'))) return undefined
  const path = join(publicDir, ...segments)
  const inside = relative(publicDir, path)
  if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) return undefined
  return path
}

/** Size of a regular file, or undefined when there is none. */
export async function fileSize (path: string): Promise<number | undefined> {
  const info = await stat(path).catch(() => undefined)
  return info?.isFile() ? info.size : undefined
}
