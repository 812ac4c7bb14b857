// `seedcast import` of a feed whose dates are written as feeds outside North America often
// write them: RFC 822 with a zone abbreviation it does not define (CEST, BST, AEST). Those
// are read at their offset, not replaced by the time of the import (which put a whole back
// catalog at today, in the wrong order); a date that cannot be read at all is named in
// the note, not called missing. Feed and media served on 127.0.0.1.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.ts'
import { FeedHost } from '../helpers/feed-host.ts'
import { tempDir } from '../helpers/tmp.ts'
import { fixture } from './publish-helpers.ts'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

describe('seedcast import of a feed with dates in zone abbreviations', () => {
  it('dates each episode from the feed (CEST, BST, AEST at their offsets) and names a date it cannot read', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const host = await new FeedHost().start()
    cleanups.push(() => host.close())
    const media = await Promise.all(['episode.mp3', 'episode-2.mp3', 'video.webm', 'video.mp4'].map(name => readFile(fixture(name))))
    const types = ['audio/mpeg', 'audio/mpeg', 'video/webm', 'video/mp4']
    const dates = ['Mon, 01 Dec 2025 10:00:00 CEST', 'Tue, 02 Dec 2025 10:00:00 BST', 'Wed, 03 Dec 2025 10:00:00 AEST', 'Thursday, December 4th 2025']
    const items = dates.map((date, n) => {
      host.put(`/e${n}`, media[n]!, types[n])
      return `<item><title>Episode ${n}</title><guid>e${n}</guid><pubDate>${date}</pubDate><enclosure url="${host.url(`/e${n}`)}" length="${media[n]!.length}" type="${types[n]}"/></item>`
    })
    host.put('/feed.xml', `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>Zones</title><link>https://zones.example/</link>
<description>Dates as hosts write them.</description><language>de</language><itunes:category text="News"/>
<itunes:owner><itunes:name>Z</itunes:name><itunes:email>z@example.org</itunes:email></itunes:owner>
${items.join('\n')}
</channel></rss>`, 'application/rss+xml')
    const dir = join(tmp.path, 'show')

    const result = await runCli(['import', host.url('/feed.xml'), dir, '--base-url', 'https://pod.example.org/zones/', '--license', 'CC-BY-4.0'], { timeoutMs: 90_000 })
    expect(result.code, result.stderr).toBe(0)
    const catalog = JSON.parse(await readFile(join(dir, 'episodes.json'), 'utf8'))
    const dateOf = (guid: string) => catalog.episodes.find((episode: { guid: string }) => episode.guid === guid).pubDate
    expect([dateOf('e0'), dateOf('e1'), dateOf('e2')]).toEqual(['2025-12-01T08:00:00.000Z', '2025-12-02T09:00:00.000Z', '2025-12-03T00:00:00.000Z'])
    expect(result.stderr).toContain('Note: "Episode 3": its date "Thursday, December 4th 2025" cannot be read; dated now\n')
    expect(result.stderr).not.toMatch(/"Episode [012]": .*dated now/)
  })
})
