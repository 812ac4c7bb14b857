import type { FeedEpisode } from './types.js'

/**
 * What import and mirror say of an item with no readable date, which they date "now": the
 * new feeds then list it as the newest episode, which the podcaster or mirror operator
 * should know (and may fix with `seedcast episodes edit --date`). Undefined when dated.
 */
export function undatedNote (episode: Pick<FeedEpisode, 'title' | 'date' | 'dateText'>): string | undefined {
  if (episode.date) return undefined
  return `"${episode.title}": ${episode.dateText ? `its date "${episode.dateText}" cannot be read` : 'no date in the feed'}; dated now`
}
