import { Args, Flags } from '@oclif/core'
import { SeedcastCommand } from '../cli/base-command.js'
import { showFlag } from '../cli/show-options.js'
import { withProgressBar } from '../cli/progress.js'
import { publish } from '../src/show/publish.js'

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

The file is hashed once (SHA-1 pieces for the torrent and SHA-256 for podcast:integrity). Title and description come from the flags, else from the tags (title, comment), else the file name. Cover art in the tags becomes episode art only if podcast apps accept it (square JPEG/PNG, 1400 to 3000 px); otherwise a note says why.

Publishing bytes already in the show (same SHA-256) adds nothing and says so (exit 0). Drafts (--draft) stay in the catalog but out of the feeds until \`seedcast episodes edit <slug> --no-draft\`.

Several publishes may run at once on one show: they hash in parallel and write the catalog and feeds one at a time under a lock. A publish killed at any moment leaves the catalog and feeds valid; the next seedcast command cleans up after it.`

  static override examples = [
    '<%= config.bin %> publish episode-12.mp3 --show my-show',
    '<%= config.bin %> publish interview.mp4 --title "Interview with Ana" --season 2 --episode 3 --date 2026-12-01',
    '<%= config.bin %> publish rough-cut.mp3 --draft --json'
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
    explicit: Flags.boolean({ description: 'mark the episode explicit (default: the show\'s setting)', allowNo: true })
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
      onProgress
    }))
    const { episode } = result
    if (result.duplicate) {
      this.log(`Already published as "${episode.title}" (${episode.slug}): same bytes (SHA-256), nothing added.`)
    } else {
      this.log(`Published "${episode.title}"${episode.draft ? ' as a draft (not in the feeds)' : ''}`)
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
