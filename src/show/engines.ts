// The pieces publishing calls from the other areas, in one place: the torrent engine
// (hashing, .torrent files), the feeds and the web pages.
export { createTorrent } from '../torrent/create.js'
export { podcastGuid } from '../feed/guid.js'
export { renderFeeds, renderFeedsReusing, type FeedBytes } from '../feed/render.js'
export type { FeedItemIndex, PreviousFeeds } from '../feed/item-reuse.js'
export { episodeUrls, FEED_FILES, publicUrl } from '../feed/urls.js'
export { SELF_TRACKER, showTrackers } from '../feed/trackers.js'
export { writeSite } from '../site/write.js'
