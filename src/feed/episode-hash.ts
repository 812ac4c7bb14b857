import { hash } from 'node:crypto'
import type { Episode } from '../model/show.js'

/**
 * Each episode's catalog entry as a hash: the feeds' item index and the site's page records
 * key what they rendered by it, so a build computes it once per episode and both look it up.
 */
export type EpisodeHashes = ReadonlyMap<Episode, string>

/** The hash of one catalog entry (its JSON as loaded: every field, in the catalog's order). */
export function episodeHash (episode: Episode): string {
  // One-shot hash(): createHash() + update() + digest() cost three times as much per entry.
  return hash('sha1', JSON.stringify(episode), 'base64')
}

export function episodeHashes (episodes: readonly Episode[]): EpisodeHashes {
  return new Map(episodes.map(episode => [episode, episodeHash(episode)]))
}

/** The hash from `hashes` when it has the entry, else computed. */
export function hashOf (episode: Episode, hashes?: EpisodeHashes): string {
  return hashes?.get(episode) ?? episodeHash(episode)
}
