// `seedcast mirror` of items with no readable date: dated now, as import dates them, and
// said so in its --json result and its human output (import's note has the same words).
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli, runCliJson } from '../helpers/cli.ts'
import { FeedHost } from '../helpers/feed-host.ts'
import { tempDir } from '../helpers/tmp.ts'
import { handFeed, mediaBytes } from './follow-helpers.ts'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

const ownerTag = '\n    <itunes:owner><itunes:name>Radio</itunes:name><itunes:email>radio@example.org</itunes:email></itunes:owner>'

describe('seedcast mirror: undated items', () => {
  it('names each item it dated now, in --json and in its human output', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const host = await new FeedHost().start()
    cleanups.push(() => host.close())
    const files = [mediaBytes(1), mediaBytes(2), mediaBytes(3)]
    files.forEach((body, i) => host.put(`/media/${i}.mp3`, body, 'audio/mpeg'))
    const episodes = [
      { guid: 'dated', title: 'Dated', date: '2026-09-01T00:00:00Z', url: host.url('/media/0.mp3'), length: files[0]!.length },
      // handFeed writes new Date('someday').toUTCString(): "Invalid Date".
      { guid: 'garbled', title: 'Garbled', date: 'someday', url: host.url('/media/1.mp3'), length: files[1]!.length },
      { guid: 'none', title: 'Dateless', date: '2026-09-03T00:00:00Z', url: host.url('/media/2.mp3'), length: files[2]!.length }
    ]
    const xml = handFeed('Free Radio', episodes, 'CC-BY-SA-4.0', ownerTag).replace(`<pubDate>${new Date('2026-09-03T00:00:00Z').toUTCString()}</pubDate>`, '')
    host.put('/feed.xml', xml, 'application/rss+xml')

    const json = await runCliJson(['mirror', host.url('/feed.xml'), join(tmp.path, 'one'), '--base-url', 'http://127.0.0.1:9/m/', '--no-dht'], { timeoutMs: 90_000 })
    expect(json.result.code, json.result.stderr).toBe(0)
    expect(json.json.notes).toEqual(expect.arrayContaining(['"Garbled": its date "Invalid Date" cannot be read; dated now', '"Dateless": no date in the feed; dated now']))
    expect(json.json.notes).toHaveLength(2)
    const catalog = JSON.parse(await readFile(join(tmp.path, 'one', 'episodes.json'), 'utf8'))
    expect(catalog.episodes.find((e: { guid: string }) => e.guid === 'dated').pubDate).toBe('2026-09-01T00:00:00.000Z')

    const text = await runCli(['mirror', host.url('/feed.xml'), join(tmp.path, 'two'), '--base-url', 'http://127.0.0.1:9/m/', '--no-dht'], { timeoutMs: 90_000 })
    expect(text.code, text.stderr).toBe(0)
    expect(text.stderr).toContain('mirrored "Garbled"\nNote: "Garbled": its date "Invalid Date" cannot be read; dated now\n')
    expect(text.stderr).toContain('mirrored "Dateless"\nNote: "Dateless": no date in the feed; dated now\n')
    expect(text.stderr).not.toContain('"Dated": ')
  }, 120_000)
})
