import type { Chapter, Episode, ShowConfig } from '../model/show.js'

/** The player's built entry, as paths below public/ (e.g. "assets/main-3f2a.js"); both absent when it is not built. */
export interface PlayerAssets { js?: string, css?: string }

/** One published episode with what its page shows beyond the catalog entry. */
export interface SiteEpisode {
  episode: Episode
  /** From its chapters file; empty when it has none. */
  chapters: Chapter[]
  /** Plain text, when the episode has a transcript. */
  transcript?: string
}

/** Everything the pages are rendered from: pure data, no file access. */
export interface SiteModel {
  show: ShowConfig
  /** Published episodes shown in full on the show page (the newest ones), newest first. */
  episodes: SiteEpisode[]
  /** The older published episodes, newest first: listed on the show page by title and date only, each linking to its page. */
  olderEpisodes?: Episode[]
  /** Pixel size of the cover, so the page keeps its layout while the image loads. */
  coverSize?: { width: number, height: number }
  assets: PlayerAssets
}
