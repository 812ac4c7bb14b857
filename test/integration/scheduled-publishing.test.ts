import { readFile, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { once } from 'node:events'
import { editEpisode } from '../../src/show/episodes.js'
import { ScheduledPublisher, type ScheduledRelease } from '../../src/server/scheduled-publishing.js'
import { binPath, runCli, runCliJson } from '../helpers/cli.js'
import { startJsonProcess, waitForLines, type JsonProcess } from '../helpers/json-process.js'
import { failureOf, httpAnnounce } from '../helpers/tracker.js'
import { exists, fixture, readFeeds, tempShow } from './publish-helpers.js'

describe('scheduled publishing', { timeout: 240_000 }, () => {
  let tmp: { path: string, cleanup: () => Promise<void> }
  let show: string
  let server: JsonProcess | undefined
  beforeEach(async () => { ({ show, ...tmp } = await tempShow()) })
  afterEach(async () => {
    server?.kill()
    await server?.exited
    server = undefined
    await tmp.cleanup()
  })

  it('keeps a future-dated episode out of the feeds, and says so in publish, list, build and show', async () => {
    const past = (await runCliJson(['publish', fixture('episode.mp3'), '--show', show, '--date', '2026-01-01'])).json.episode
    const future = new Date(Date.now() + 86_400_000).toISOString().replace(/\.\d{3}Z$/, '.000Z')
    const text = await runCli(['publish', fixture('episode-2.mp3'), '--show', show, '--date', future])
    expect(text.stdout).toContain(`Scheduled for ${future}: out of the feeds until then.`)
    const feeds = await readFeeds(show)
    expect(feeds.guids.rss).toEqual([past.guid])
    expect([feeds.guids.p2p, feeds.guids.atom, feeds.guids.json]).toEqual([[past.guid], [past.guid], [past.guid]])
    const scheduled = (await runCliJson(['episodes', 'list', '--show', show])).json.episodes[0]
    expect(await exists(join(show, 'public', 'episodes', past.slug, 'index.html'))).toBe(true)
    expect(await exists(join(show, 'public', 'episodes', scheduled.slug, 'index.html'))).toBe(false) // no page before its date

    const list = await runCliJson(['episodes', 'list', '--show', show])
    expect(list.json.episodes.map((episode: { scheduled: boolean }) => episode.scheduled)).toEqual([true, false])
    expect((await runCli(['episodes', 'list', '--show', show])).stdout).toContain(`[scheduled ${future.slice(0, 16).replace('T', ' ')} UTC]`)
    const build = await runCliJson(['feed', 'build', '--show', show])
    expect(build.json).toMatchObject({ episodes: 2, published: 1, scheduled: 1, nextScheduled: future })
    expect((await runCliJson(['show', '--show', show])).json.episodes).toEqual({ total: 2, published: 1, scheduled: 1, drafts: 0 })
  })

  it('serve adds a scheduled episode to the feeds when its date comes', async () => {
    const future = new Date(Date.now() + 86_400_000).toISOString()
    const episode = (await runCliJson(['publish', fixture('episode.mp3'), '--show', show, '--date', future])).json.episode
    server = startJsonProcess([binPath, 'serve', show, '--port', '0', '--json'])
    await waitForLines('serve listening', 60_000, () => server!.lines.length > 0, [server])
    const base = new URL('show/', server.lines[0]!.url).href
    // Counted as scheduled, not as one of the published episodes (it said 1 episode).
    expect(server.lines[0]!.shows[0]).toMatchObject({ episodes: 0, scheduled: 1 })
    const rssUrl = new URL('rss.xml', base).href
    const rss = async () => (await fetch(rssUrl)).text()
    expect(await rss()).not.toContain(episode.guid)
    // Before its date the episode is not there at all: no media, no .torrent, no page, and the
    // tracker does not know its infohash (else anyone could fetch or find it early).
    const status = async (path: string) => (await fetch(new URL(path, base))).status
    const files = [episode.mediaPath, episode.torrentPath, `episodes/${episode.slug}/`]
    expect(await Promise.all(files.map(status))).toEqual([404, 404, 404])
    expect(failureOf(await httpAnnounce(`${base}announce`, episode.infoHash))).toMatch(/only tracks/)

    // Rescheduled (in-process, so the date is still ahead when the edit lands) to two seconds from now:
    // the server sees episodes.json change, waits for the date and rebuilds the feeds.
    const soon = new Date(Date.now() + 2_000)
    await editEpisode(show, episode.slug, { date: soon })
    expect(await rss()).not.toContain(episode.guid)
    await waitForLines('released event', 30_000, () => server!.lines.some(line => line.event === 'released'), [server])
    const released = server.lines.find(line => line.event === 'released')!
    expect(released).toMatchObject({ at: soon.toISOString(), published: 1 })
    expect(Date.now()).toBeGreaterThanOrEqual(soon.getTime())
    expect(await rss()).toContain(`<guid isPermaLink="false">${episode.guid}</guid>`)
    expect((await readFeeds(show)).guids).toEqual({ rss: [episode.guid], p2p: [episode.guid], atom: [episode.guid], json: [episode.guid] })
    expect(await exists(join(show, 'public', 'episodes', episode.slug, 'index.html'))).toBe(true) // and its page
    expect(await Promise.all(files.map(status))).toEqual([200, 200, 200])
    expect(failureOf(await httpAnnounce(`${base}announce`, episode.infoHash))).toBeUndefined()
  })

  /** The publisher's next 'released' event, or a failure after 20 s. */
  function nextRelease (publisher: ScheduledPublisher): Promise<ScheduledRelease> {
    const released = once(publisher, 'released') as Promise<[ScheduledRelease]>
    return Promise.race([released.then(([release]) => release), new Promise<never>((_resolve, reject) => setTimeout(() => reject(new Error('no released event within 20 s')), 20_000).unref())])
  }

  it('serve\'s publisher releases the episodes whose dates came after their catalog was written, however late it reads it, in one build', async () => {
    // Two episodes dated a minute and half a minute ago in a catalog written two minutes ago
    // (so the build that followed that write left them out), read by the publisher only now:
    // on a loaded machine an edit's catalog can be read after its episode's date, and a server
    // started after the dates (a reboot) reads it late too. Before, dates were counted from the
    // server's start, and these episodes stayed out of the feeds until the next publish; and
    // dates that had all passed were released one build each.
    const future = new Date(Date.now() + 86_400_000).toISOString()
    const first = (await runCliJson(['publish', fixture('episode.mp3'), '--show', show, '--date', future])).json.episode
    const second = (await runCliJson(['publish', fixture('episode-2.mp3'), '--show', show, '--date', future])).json.episode
    const catalogFile = join(show, 'episodes.json')
    const catalog = JSON.parse(await readFile(catalogFile, 'utf8')) as { episodes: Array<{ guid: string, pubDate: string }> }
    const came = new Date(Date.now() - 60_000)
    const dates = new Map([[first.guid, came], [second.guid, new Date(Date.now() - 30_000)]])
    for (const entry of catalog.episodes) entry.pubDate = dates.get(entry.guid)!.toISOString()
    await writeFile(catalogFile, JSON.stringify(catalog, null, 2) + '\n')
    await utimes(catalogFile, new Date(came.getTime() - 60_000), new Date(came.getTime() - 60_000))
    expect((await readFeeds(show)).guids.rss).toEqual([])
    const publisher = new ScheduledPublisher([show])
    try {
      const releases: ScheduledRelease[] = []
      publisher.on('released', (release: ScheduledRelease) => releases.push(release))
      const released = nextRelease(publisher)
      await publisher.start()
      expect(await released).toMatchObject({ dir: show, at: came.toISOString(), published: 2 })
      expect((await readFeeds(show)).guids.rss).toEqual([first.guid, second.guid].toSorted())
      // A third, truly scheduled a moment ahead: its release comes after any the two above set off.
      const third = (await runCliJson(['publish', fixture('video.mp4'), '--show', show, '--draft'])).json.episode
      const soon = new Date(Date.now() + 1_000)
      const thirdReleased = nextRelease(publisher)
      await editEpisode(show, third.slug, { draft: false, date: soon })
      await thirdReleased
      expect(releases.map(release => release.at)).toEqual([came.toISOString(), soon.toISOString()])
    } finally {
      publisher.close()
    }
  })

  it('serve\'s publisher does not take an episode published while it runs for a scheduled one', async () => {
    // A publish dated now, while serving, was "released" at once: a second build of the feeds
    // and a "scheduled episode out" line about an episode that was never scheduled.
    const publisher = new ScheduledPublisher([show])
    await publisher.start()
    try {
      const releases: ScheduledRelease[] = []
      publisher.on('released', (release: ScheduledRelease) => releases.push(release))
      const now = (await runCliJson(['publish', fixture('episode.mp3'), '--show', show])).json.episode
      const later = (await runCliJson(['publish', fixture('episode-2.mp3'), '--show', show, '--date', new Date(Date.now() + 86_400_000).toISOString()])).json.episode
      // Then one truly scheduled, a moment ahead (in-process, so it is still ahead when written):
      // its release comes after anything the publishes above would have set off at once.
      const soon = new Date(Date.now() + 1_000)
      const released = nextRelease(publisher)
      await editEpisode(show, later.slug, { date: soon })
      await released
      expect(releases.map(release => release.at)).toEqual([soon.toISOString()])
      expect((await readFeeds(show)).guids.rss.toSorted()).toEqual([later.guid, now.guid].toSorted())
    } finally {
      publisher.close()
    }
  })

  it('seed does not announce a scheduled episode before its date, and starts seeding it when the date comes', async () => {
    const past = (await runCliJson(['publish', fixture('episode.mp3'), '--show', show, '--date', '2026-01-01'])).json.episode
    const scheduled = (await runCliJson(['publish', fixture('episode-2.mp3'), '--show', show, '--date', new Date(Date.now() + 86_400_000).toISOString()])).json.episode
    server = startJsonProcess([binPath, 'seed', show, '--json', '--no-dht', '--no-lsd', '--no-webrtc', '--port', '0', '--state', join(tmp.path, 'state')])
    const seeding = () => server!.lines.filter(line => line.event === 'seeding').map(line => line.infoHash)
    await waitForLines('past episode seeding', 60_000, () => seeding().length > 0, [server])
    expect(seeding()).toEqual([past.infoHash])
    // Rescheduled to two seconds from now: the catalog change is seen at once, the date by the next poll.
    const soon = new Date(Date.now() + 2_000)
    await editEpisode(show, scheduled.slug, { date: soon })
    await waitForLines('scheduled episode seeding', 40_000, () => seeding().includes(scheduled.infoHash), [server])
    expect(Date.now()).toBeGreaterThanOrEqual(soon.getTime())
    expect(seeding()).toEqual([past.infoHash, scheduled.infoHash])
  })
})
