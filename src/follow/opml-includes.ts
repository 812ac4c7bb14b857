import { SeedcastError } from '../errors.js'
import { fetchFeed } from '../feed/read/fetch-feed.js'
import { readOpmlList, type OpmlFeed, type OpmlList } from '../feed/read/opml.js'

/** How deep lists may include lists (the file given is depth 0). */
export const MAX_INCLUDE_DEPTH = 3
/** How many included lists one import reads at most, whatever their nesting. */
export const MAX_INCLUDED_LISTS = 50

export interface OpmlFeeds {
  feeds: OpmlFeed[]
  /** An included list that could not be had, one line each (as a feed that cannot be followed). */
  failed: Array<{ url: string, message: string }>
}

/**
 * The feeds of an OPML list and of the lists it includes (OPML 2.0 `type="include"`), as
 * a directory or a podcast network publishes its shows' list for others to include. Each
 * included list is fetched as a feed is (same size and time limits, redirects, one-line
 * errors), breadth first, at most MAX_INCLUDE_DEPTH deep and MAX_INCLUDED_LISTS in all;
 * a list seen before (a loop, or two lists including a third) is read once. A list that
 * cannot be had or read costs only its feeds, and is reported.
 */
export async function opmlFeeds (top: OpmlList, options: { timeoutMs?: number } = {}): Promise<OpmlFeeds> {
  const result: OpmlFeeds = { feeds: [], failed: [] }
  const feedUrls = new Set<string>()
  const take = (list: OpmlList) => {
    for (const feed of list.feeds) {
      if (feedUrls.has(feed.url)) continue
      feedUrls.add(feed.url)
      result.feeds.push(feed)
    }
  }
  take(top)
  const seen = new Set<string>()
  let queue = top.includes.map(url => ({ url, depth: 1 }))
  let read = 0
  while (queue.length) {
    const next: typeof queue = []
    for (const { url, depth } of queue) {
      if (seen.has(url)) continue
      seen.add(url)
      const fail = (message: string) => result.failed.push({ url, message })
      if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) { fail(`${url}: an included OPML list must be an absolute http(s) URL; not read`); continue }
      if (depth > MAX_INCLUDE_DEPTH) { fail(`${url}: included more than ${MAX_INCLUDE_DEPTH} lists deep; not read`); continue }
      if (++read > MAX_INCLUDED_LISTS) { fail(`${url}: more than ${MAX_INCLUDED_LISTS} included OPML lists; not read`); continue }
      try {
        const fetched = await fetchFeed(url, { timeoutMs: options.timeoutMs })
        if (fetched.notModified) throw new SeedcastError(`${url}: the server answered 304 to an unconditional request`, { code: 'EHTTP' })
        seen.add(fetched.url)
        const list = readOpmlList(fetched.xml, url, fetched.url)
        take(list)
        next.push(...list.includes.map(include => ({ url: include, depth: depth + 1 })))
      } catch (err) {
        if (!(err instanceof SeedcastError)) throw err
        fail(err.message)
      }
    }
    queue = next
  }
  return result
}
