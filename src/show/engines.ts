// The pieces publishing calls from the other areas, in one place: the torrent engine
// (hashing, .torrent files) and the feeds.
export { createTorrent } from '../torrent/create.js'
export { podcastGuid } from '../feed/guid.js'
export { renderFeeds } from '../feed/render.js'
export { episodeUrls, FEED_FILES, publicUrl } from '../feed/urls.js'
export { SELF_TRACKER, showTrackers } from '../feed/trackers.js'
