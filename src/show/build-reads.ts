import type { FileSpan } from '../atomic.js'
import type { PreviousFeeds } from '../feed/item-reuse.js'
import type { ShowPaths } from '../model/paths.js'
import { startSiteReads, type SiteReads } from '../site/write.js'
import { previousFeeds } from './feed-index.js'

/**
 * What a build reads that does not depend on the catalog: the previous feeds (opened) and
 * their index, and the site's page records and page folders (startSiteReads). Started as soon
 * as the lock is held, so those reads run in the thread pool while this thread parses the
 * catalog, instead of after it.
 * settle() waits for them and closes the previous feeds; call it before releasing the lock.
 */
export interface BuildReads {
  feeds: Promise<PreviousFeeds | undefined>
  site: SiteReads
  settle: () => Promise<void>
}

export function startBuildReads (paths: ShowPaths): BuildReads {
  const feeds = previousFeeds(paths)
  const site = startSiteReads(paths)
  return {
    feeds,
    site,
    settle: async () => {
      await Promise.all([site.records, site.pageDirs, site.close()])
      const previous = await feeds
      if (previous) await Promise.all(Object.values(previous.feeds).map(feed => (feed as FileSpan).file.close()))
    }
  }
}
