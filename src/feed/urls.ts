import { basename } from 'node:path'
import { magnetURI } from '../torrent/magnet.js'
import { showTrackers } from './trackers.js'
import type { Episode, ShowConfig } from '../model/show.js'

/** The public URLs of a show's four feeds. */
export interface FeedUrls { rss: string, p2p: string, atom: string, json: string }

/** The public URLs of one episode's files, and its magnet link. */
export interface EpisodeUrls {
  media: string
  torrent: string
  chapters?: string
  image?: string
  transcript?: string
  magnet: string
}

const URL_SAFE_PATH = /^[A-Za-z0-9._~!$'()*,;=:@/-]*$/

/** The file names of the feeds at the root of public/. */
export const FEED_FILES = { rss: 'rss.xml', p2p: 'p2p.xml', atom: 'atom.xml', json: 'feed.json' } as const

/**
 * The URL of a path under public/: the show's base URL + the path, each segment
 * percent-encoded, so copying public/ to the host named by the base URL makes every link work.
 */
export function publicUrl (show: Pick<ShowConfig, 'baseUrl'>, path: string): string {
  const base = show.baseUrl.endsWith('/') ? show.baseUrl : `${show.baseUrl}/`
  const trimmed = path.replace(/^\/+/, '')
  // Slugs are URL-safe already; encode only paths that need it.
  if (URL_SAFE_PATH.test(trimmed)) return base + trimmed
  return base + trimmed.split('/').map(segment => encodeURIComponent(segment)).join('/')
}

export function feedUrls (show: Pick<ShowConfig, 'baseUrl'>): FeedUrls {
  return {
    rss: publicUrl(show, FEED_FILES.rss),
    p2p: publicUrl(show, FEED_FILES.p2p),
    atom: publicUrl(show, FEED_FILES.atom),
    json: publicUrl(show, FEED_FILES.json)
  }
}

/**
 * URLs of an episode's media, .torrent, chapters and image, and its magnet: btih, the media
 * file's name (the torrent's name, as publish writes it), size, the show's trackers (`self`
 * expanded), the
 * media URL as web seed (ws) and the .torrent URL (xs).
 */
export function episodeUrls (show: Pick<ShowConfig, 'baseUrl' | 'trackers'>, episode: Episode): EpisodeUrls {
  const media = publicUrl(show, episode.mediaPath)
  const torrent = publicUrl(show, episode.torrentPath)
  return {
    media,
    torrent,
    ...(episode.chaptersPath ? { chapters: publicUrl(show, episode.chaptersPath) } : {}),
    ...(episode.imagePath ? { image: publicUrl(show, episode.imagePath) } : {}),
    ...(episode.transcriptPath ? { transcript: publicUrl(show, episode.transcriptPath) } : {}),
    magnet: magnetURI({
      infoHash: episode.infoHash,
      name: basename(episode.mediaPath),
      length: episode.length,
      trackers: showTrackers(show),
      webSeeds: episode.originalUrl ? [media, episode.originalUrl] : [media],
      torrentUrl: torrent
    })
  }
}
