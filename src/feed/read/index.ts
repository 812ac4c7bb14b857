// The podcast feed reader: any RSS/Atom podcast feed or OPML list in, seedcast's types out.
// Shared by follow, mirror and import.
export { fetchFeed, type FeedValidators, type FetchedFeed, type FetchFeedOptions } from './fetch-feed.js'
export { readOpml, writeOpml, type OpmlFeed } from './opml.js'
export { MAX_FEED_BYTES, parseDate, readPodcastFeed, type ReadFeedOptions } from './podcast-feed.js'
export { allowsRedistribution } from './redistribution.js'
export { sourceKind, type SourceKind } from './sources.js'
export type * from './types.js'
export { pollInterval } from './update-interval.js'
