import { v5 as uuidv5 } from 'uuid'

/** The Podcasting 2.0 namespace's UUIDv5 namespace for podcast:guid. */
export const PODCAST_GUID_NAMESPACE = 'ead4c236-bf58-58c6-a2c6-a6b28d128cb6'

/**
 * podcast:guid for a feed URL, by the namespace's rule: UUIDv5 of the URL with the scheme
 * ("https://") and trailing slashes removed, so the guid survives a move from http to https.
 */
export function podcastGuid (feedUrl: string): string {
  const name = feedUrl.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/+$/, '')
  return uuidv5(name, PODCAST_GUID_NAMESPACE)
}
