import { readFile, writeFile } from 'node:fs/promises'
import { isHttpUrl } from '../media/chapters-file.js'

/**
 * A podcast:chapters JSON file from the old host, made fit for publish before it sees it:
 * a chapter's `img` or `url` that is no http(s) URL (a typo, a `data:` image, a relative
 * path) costs that link only, not the whole file. publish refuses such a link in a file
 * the podcaster gives (`--chapters`, so they fix it); here the podcaster cannot fix the
 * old host, and dropping the file would lose every chapter's title and time. A relative
 * link is resolved against the chapters file's own URL, as a browser would. Returns one
 * phrase per link left out; the file is rewritten only when something changed. Anything
 * else wrong with the file (not JSON, no list, bad times) is left for publish to refuse.
 */
export async function dropBadChapterLinks (path: string, fileUrl: string): Promise<string[]> {
  let document: unknown
  try {
    document = JSON.parse((await readFile(path, 'utf8')).replace(/^\uFEFF/, ''))
  } catch {
    return []
  }
  const chapters = (document as { chapters?: unknown } | null)?.chapters
  if (!Array.isArray(chapters)) return []
  const dropped: string[] = []
  let changed = false
  chapters.forEach((chapter: unknown, index) => {
    if (typeof chapter !== 'object' || chapter === null) return
    const entry = chapter as Record<string, unknown>
    for (const key of ['img', 'url'] as const) {
      const value = entry[key]
      if (value === undefined || value === null || value === '') continue
      const resolved = typeof value === 'string' && URL.canParse(value, fileUrl) ? new URL(value, fileUrl).href : undefined
      if (resolved && isHttpUrl(resolved)) {
        if (resolved !== value) { entry[key] = resolved; changed = true }
        continue
      }
      delete entry[key]
      changed = true
      const title = typeof entry.title === 'string' && entry.title.trim() ? `"${entry.title.trim()}"` : `${index + 1}`
      dropped.push(`chapter ${title}'s ${key === 'img' ? 'image' : 'link'} (${String(value).slice(0, 80)}) is not an http(s) URL`)
    }
  })
  if (changed) await writeFile(path, JSON.stringify(document))
  return dropped
}
