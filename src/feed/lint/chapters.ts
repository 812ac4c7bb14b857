import { isHttpUrl, itemLabel, itemPath, type FeedDocument } from './document.js'
import type { Findings } from './findings.js'
import type { Resources } from './resources.js'
import { attr, child } from './xml-tree.js'

/** Reads each podcast:chapters file that can be reached and checks it is Podcasting 2.0 JSON chapters. */
export async function checkChapterFiles (doc: FeedDocument, findings: Findings, resources: Resources): Promise<void> {
  const jobs = doc.items.flatMap((item, index) => {
    const url = attr(child(item, doc.podcast('chapters')), 'url')
    return url && isHttpUrl(url) && resources.canLoad(url) ? [{ url, element: `${itemPath(index)}/podcast:chapters`, label: itemLabel(item, index) }] : []
  })
  let next = 0
  await Promise.all(Array.from({ length: Math.min(4, jobs.length) }, async () => {
    while (next < jobs.length) {
      const { url, element, label } = jobs[next++]!
      let document: unknown
      try {
        document = JSON.parse((await resources.bytes(url, 4 * 1024 * 1024)).toString('utf8'))
      } catch (error) {
        findings.error(element, `${label}: ${error instanceof SyntaxError ? `${url} is not JSON` : (error as Error).message}`)
        continue
      }
      const problem = chaptersProblem(document)
      if (problem) findings.error(element, `${label}: ${url}: ${problem}`)
    }
  }))
}

function chaptersProblem (document: unknown): string | undefined {
  if (typeof document !== 'object' || document === null) return 'not a JSON chapters object'
  const { version, chapters } = document as { version?: unknown, chapters?: unknown }
  if (typeof version !== 'string') return 'no "version" string (e.g. "1.2.0")'
  if (!Array.isArray(chapters)) return 'no "chapters" array'
  const bad = chapters.findIndex(chapter => typeof chapter?.startTime !== 'number' || chapter.startTime < 0)
  if (bad >= 0) return `chapter ${bad + 1} has no valid startTime (seconds)`
  return undefined
}
