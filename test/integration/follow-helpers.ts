import { createHash, randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'

/** Media bytes that differ per episode (follow never probes them). */
export function mediaBytes (n: number, size = 64 * 1024): Buffer {
  const bytes = randomBytes(size)
  bytes.write(`episode ${n}`)
  return bytes
}

export const sri = (body: Buffer) => `sha256-${createHash('sha256').update(body).digest('base64')}`

export interface HandEpisode { guid: string, title: string, date: string, url: string, length: number, integrity?: string, torrent?: string }

/**
 * A feed as WordPress/Libsyn-style hosts write it: HTTP enclosures, itunes tags, a
 * license (free text, podcast:license or none), optional integrity and torrent sources
 * written the PeerTube way (one alternateEnclosure per file).
 */
export function handFeed (title: string, episodes: HandEpisode[], license?: string, extra = ''): string {
  const items = episodes.map(e => `    <item>
      <title>${e.title}</title>
      <guid isPermaLink="false">${e.guid}</guid>
      <pubDate>${new Date(e.date).toUTCString()}</pubDate>
      <enclosure url="${e.url}" length="${e.length}" type="audio/mpeg"/>
      <itunes:duration>00:01:00</itunes:duration>
      <itunes:explicit>false</itunes:explicit>${e.integrity || e.torrent
      ? `
      <podcast:alternateEnclosure type="audio/mpeg" length="${e.length}">
        <podcast:source uri="${e.url}"/>${e.torrent ? `\n        <podcast:source uri="${e.torrent}" contentType="application/x-bittorrent"/>` : ''}${e.integrity ? `\n        <podcast:integrity type="sri" value="${e.integrity}"/>` : ''}
      </podcast:alternateEnclosure>`
      : ''}
    </item>`).join('\n')
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:podcast="https://podcastindex.org/namespace/1.0">
  <channel>
    <title>${title}</title>
    <link>https://radio.example/</link>
    <description>A show written by hand.</description>
    <language>en</language>
    <itunes:author>Radio</itunes:author>
    <itunes:image href="https://radio.example/cover.jpg"/>
    <itunes:category text="News"/>
    <itunes:explicit>false</itunes:explicit>${license ? `\n    <podcast:license>${license}</podcast:license>` : ''}${extra}
${items}
  </channel>
</rss>
`
}

const stateSchema = z.object({ feeds: z.array(z.object({ url: z.string(), slug: z.string(), previousUrls: z.array(z.string()), etag: z.string().optional(), episodes: z.record(z.string(), z.object({ slug: z.string(), status: z.string(), seed: z.boolean().optional(), infoHash: z.string().optional(), name: z.string().optional(), error: z.string().optional() })) })) })

export async function readState (dir: string) {
  return stateSchema.parse(JSON.parse(await readFile(join(dir, 'follow.json'), 'utf8')))
}
