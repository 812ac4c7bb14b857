// A sample show for the feed tests: pure ShowConfig/Episode objects (sampleShow, sampleEpisode),
// and a real public folder made from the fixtures with real torrents (buildPublicFolder).
import { createHash } from 'node:crypto'
import { copyFile, mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { renderFeeds } from '../../src/feed/render.ts'
import { podcastGuid } from '../../src/feed/guid.ts'
import { chaptersJson } from '../../src/media/chapters.ts'
import { probeMedia } from '../../src/media/probe.ts'
import type { Episode, ShowConfig } from '../../src/model/show.ts'
import { createTorrent } from '../../src/torrent/create.ts'
import { repoRoot } from '../helpers/cli.ts'

export function sampleShow (overrides: Partial<ShowConfig> = {}): ShowConfig {
  const baseUrl = overrides.baseUrl ?? 'https://cdn.example.org/shows/seedcast/'
  return {
    version: 1,
    title: 'The seedcast show',
    description: 'Podcasts published peer to peer.',
    author: 'The seedcast team',
    owner: { name: 'Ada Owner', email: 'owner@example.org' },
    language: 'en',
    category: 'Society & Culture',
    subcategory: 'Documentary',
    explicit: false,
    image: 'cover.jpg',
    link: 'https://example.org/',
    baseUrl,
    license: 'CC-BY-SA-4.0',
    trackers: ['udp://tracker.example.org:6969/announce', 'wss://tracker.example.org/'],
    funding: { url: 'https://example.org/support', title: 'Support the show' },
    podcastGuid: podcastGuid(`${baseUrl}rss.xml`),
    locked: true,
    ...overrides
  }
}

export function sampleEpisode (n: number, overrides: Partial<Episode> = {}): Episode {
  const slug = overrides.slug ?? `episode-${n}`
  return {
    slug,
    guid: `b1a5e0c4-0000-4000-8000-${String(n).padStart(12, '0')}`,
    title: `Episode ${n}`,
    description: `Description of episode ${n}.`,
    pubDate: new Date(Date.UTC(2026, 0, n, 6, 0, 0)).toISOString(),
    season: 1,
    episode: n,
    explicit: false,
    draft: false,
    duration: 34.377,
    mimeType: 'audio/mpeg',
    length: 293633 + n,
    mediaPath: `media/${slug}.mp3`,
    torrentPath: `torrents/${slug}.torrent`,
    chaptersPath: `chapters/${slug}.json`,
    infoHash: createHash('sha1').update(slug).digest('hex'),
    sha256: createHash('sha256').update(slug).digest('base64'),
    pieceLength: 16384,
    ...overrides
  }
}

export interface PublicFolder { dir: string, show: ShowConfig, episodes: Episode[] }

/**
 * Writes a complete public/ folder as publish would: fixture media under media/, real
 * .torrent files (web seed = media URL, the show's trackers) under torrents/, JSON chapters,
 * the cover, and the four feeds, for a show served at `baseUrl`.
 */
export async function buildPublicFolder (dir: string, baseUrl: string, showOverrides: Partial<ShowConfig> = {}): Promise<PublicFolder> {
  const show = sampleShow({ baseUrl, trackers: [`${baseUrl}announce`], ...showOverrides })
  for (const folder of ['media', 'torrents', 'chapters']) await mkdir(join(dir, folder), { recursive: true })
  await copyFile(join(repoRoot, 'fixtures', 'cover.jpg'), join(dir, 'cover.jpg'))
  const sources = [
    { fixture: 'episode.mp3', slug: 'episode-1', date: '2026-01-05T06:00:00.000Z' },
    { fixture: 'episode-2.mp3', slug: 'episode-2', date: '2026-01-12T06:00:00.000Z' },
    { fixture: 'video.mp4', slug: 'video-demo', date: '2026-01-19T06:00:00.000Z' }
  ]
  const episodes: Episode[] = []
  for (const [index, source] of sources.entries()) {
    const media = await probeMedia(join(repoRoot, 'fixtures', source.fixture))
    const mediaPath = `media/${source.slug}.${media.extension}`
    await copyFile(join(repoRoot, 'fixtures', source.fixture), join(dir, mediaPath))
    const created = await createTorrent(join(dir, mediaPath), {
      announce: show.trackers.map(url => [url]), webSeeds: [baseUrl + mediaPath], sha256: true, creationDate: null
    })
    const torrentPath = `torrents/${source.slug}.torrent`
    await writeFile(join(dir, torrentPath), created.torrent)
    let chaptersPath: string | undefined
    if (media.chapters.length > 0) {
      chaptersPath = `chapters/${source.slug}.json`
      await writeFile(join(dir, chaptersPath), JSON.stringify(chaptersJson(media.chapters)))
    }
    episodes.push({
      slug: source.slug,
      guid: `seedcast-${source.slug}`,
      title: media.title ?? source.slug,
      description: media.description ?? '',
      pubDate: source.date,
      episode: index + 1,
      explicit: false,
      draft: false,
      duration: media.duration,
      mimeType: media.mimeType,
      length: media.size,
      mediaPath,
      torrentPath,
      ...(chaptersPath ? { chaptersPath } : {}),
      infoHash: created.infoHash,
      sha256: created.files[0]!.sha256!,
      pieceLength: created.pieceLength
    })
  }
  await writeFeeds(dir, show, episodes)
  return { dir, show, episodes }
}

export async function writeFeeds (dir: string, show: ShowConfig, episodes: Episode[]): Promise<void> {
  for (const [name, text] of Object.entries(renderFeeds(show, episodes))) await writeFile(join(dir, name), text)
}
