import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { SeedcastCommand } from '../cli/base-command.js'
import { showFlag } from '../cli/show-options.js'
import { withProgressBar } from '../cli/progress.js'
import { publish } from '../src/show/publish.js'
import { episodeExtraFlags, episodeExtraOptions } from '../cli/episode-extra-flags.js'

export default class Publish extends SeedcastCommand {
  static override summary = 'Publish an audio or video file as a new episode: media, .torrent, catalog and feeds.'

  static override description = `Reads MEDIA (MP3, M4A, MP4, WebM, Ogg/Opus, FLAC, WAV) with music-metadata: type, duration, title and comment tags, cover art, chapters (ID3 CHAP or MP4 chapters). Non-media and truncated files are refused before the show is touched.

Then, in the show folder (--show, default: the current folder):
  public/media/<slug>.<ext>       a copy of MEDIA (slug from the title)
  public/torrents/<slug>.torrent  SHA-1 pieces, web seed = the media URL
  public/chapters/<slug>.json     Podcasting 2.0 chapters, if any
  public/images/<slug>.jpg        episode art, if the tags hold a valid one
  episodes.json                   the new episode (guid, date, numbers...)
  public/*.xml, public/feed.json  all four feeds, regenerated

The file is hashed once (SHA-1 pieces for the torrent and SHA-256 for podcast:integrity). Title and description come from the flags, else from the tags (title, comment), else the file name. Cover art in the tags becomes episode art only if podcast apps accept it (square JPEG/PNG, 1400 to 3000 px); otherwise a note says why. --image gives the episode's art instead (public/images/<slug>.jpg|png, the item's itunes:image; --image "" for none, the show's cover standing for it).

Beside the media: --notes takes Markdown show notes (rendered to sanitised HTML for content:encoded, and to plain text for the description); --transcript a WebVTT, SubRip, Podcasting 2.0 JSON or HTML transcript (public/transcripts/<slug>.vtt|srt|json|html, podcast:transcript in every feed with its type; an HTML transcript is published sanitised, and the episode page shows every kind as text); --chapters a Podcasting 2.0 JSON chapters file or plain "HH:MM:SS Title" lines, one chapter a line; --person "Name:role" (podcast:person, roles from the Podcasting 2.0 taxonomy: host, co-host, guest, producer, editor...); --type trailer or bonus.

A --date in the future schedules the episode: it is in the catalog but out of the feeds until that time. \`seedcast serve\` rewrites the feeds at that moment; a show on a static host needs \`seedcast feed build\` run after it (e.g. from cron).

Video streams: an MP4 (or M4A, M4V, MOV) whose moov box (its index) comes after the media data is published rewritten moov-first ("fast start", as qt-faststart does; same size, same samples), so browsers and podcast apps start playing before the download ends; the torrent and SHA-256 are of the rewritten file (a few bytes longer when 32-bit chunk offsets must become 64-bit past 4 GiB, as qt-faststart does). When that cannot be done safely (no moov box, two moov boxes, a malformed box inside moov, a moov over 256 MiB), the file is published as it is and a note says why.

Publishing bytes already in the show (same SHA-256) adds nothing and says so (exit 0). Drafts (--draft) stay in the catalog but out of the feeds until \`seedcast episodes edit <slug> --no-draft\`.

Several publishes may run at once on one show: they hash in parallel and write the catalog and feeds one at a time under a lock. Two publishes of the same bytes at once add one episode: the second waits for the first (it says so on stderr) and reports its episode. A publish killed at any moment leaves the catalog and feeds valid; the next seedcast command cleans up after it.`

  static override examples = [
    '<%= config.bin %> publish episode-12.mp3 --show my-show',
    '<%= config.bin %> publish interview.mp4 --title "Interview with Ana" --season 2 --episode 3 --date 2026-12-01',
    '<%= config.bin %> publish rough-cut.mp3 --draft --json',
    '<%= config.bin %> publish ep-13.mp3 --notes ep-13.md --transcript ep-13.vtt --chapters ep-13-chapters.txt --person "Ana:host" --person "Bo:guest"',
    '<%= config.bin %> publish trailer.mp3 --type trailer --date 2027-01-04T06:00:00Z   # scheduled: in the feeds from that time'
  ]

  static override args = {
    media: Args.string({ description: 'audio or video file to publish', required: true })
  }

  static override flags = {
    show: showFlag,
    title: Flags.string({ description: 'episode title (default: the title tag, else the file name)' }),
    description: Flags.string({ description: 'episode description (default: the comment tag, else the title)' }),
    date: Flags.string({ description: 'publication date, e.g. 2026-11-28 or 2026-11-28T09:30:00Z (default: now)' }),
    season: Flags.integer({ description: 'season number' }),
    episode: Flags.integer({ description: 'episode number' }),
    draft: Flags.boolean({ description: 'keep it out of the feeds for now', default: false }),
    explicit: Flags.boolean({ description: 'mark the episode explicit (default: the show\'s setting)', allowNo: true }),
    ...episodeExtraFlags
  }

  async run (): Promise<unknown> {
    const { args, flags } = await this.parse(Publish)
    const result = await withProgressBar('Hashing', { json: this.jsonEnabled() }, onProgress => publish(flags.show, args.media, {
      title: flags.title,
      description: flags.description,
      date: flags.date,
      season: flags.season,
      episode: flags.episode,
      draft: flags.draft,
      explicit: flags.explicit,
      ...episodeExtraOptions(flags),
      onProgress,
      // On stderr, --json or not: a script reads stdout, a person wonders why it paused.
      onWaitForTwin: pid => process.stderr.write(`seedcast: process ${pid} is publishing the same bytes; waiting for it to finish\n`)
    }))
    const { episode } = result
    if (result.duplicate) {
      this.log(`Already published as "${episode.title}" (${episode.slug}): same bytes (SHA-256), nothing added.`)
    } else {
      const scheduled = !episode.draft && new Date(episode.pubDate).getTime() > Date.now()
      this.log(`Published "${episode.title}"${episode.draft ? ' as a draft (not in the feeds)' : ''}`)
      if (scheduled) this.log(`Scheduled for ${episode.pubDate}: out of the feeds until then. \`seedcast serve\` adds it at that time; on a static host, run \`seedcast feed build\` then.`)
    }
    for (const note of result.notes) this.log(`Note: ${note}`)
    this.log(`  slug:     ${episode.slug}`)
    this.log(`  url:      ${result.mediaUrl}`)
    this.log(`  torrent:  ${result.torrentUrl}`)
    this.log(`  infohash: ${episode.infoHash}`)
    this.log(`  magnet:   ${result.magnet}`)
    this.log(`  feeds:    ${Object.values(result.feeds).join('\n            ')}`)
    return result
  }
}
