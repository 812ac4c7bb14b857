import { Args, Flags } from '@oclif/core'
import { SeedcastCommand } from '../cli/base-command.js'
import { progressBar } from '../cli/progress.js'
import { publish } from '../src/show/publish.js'

export default class Publish extends SeedcastCommand {
  static override summary = 'Publish an audio or video file as a new episode: media, .torrent, catalog and feeds.'

  static override description = `Reads MEDIA (MP3, M4A, MP4, WebM, Ogg/Opus, FLAC, WAV) with music-metadata: type,
duration, title and comment tags, chapters (ID3 CHAP or MP4 chapters). Non-media and
truncated files are refused before the show is touched.

Then, in the show folder (--show, default: current folder):
  public/media/<slug>.<ext>     a copy of MEDIA (the slug comes from the title)
  public/torrents/<slug>.torrent  hashed once: SHA-1 pieces and SHA-256; web seed = the
                                 media URL, trackers = the show's
  public/chapters/<slug>.json   Podcasting 2.0 chapters, when MEDIA has chapters
  public/images/<slug>.jpg      episode art, when MEDIA's tags hold a cover that podcast
                                 apps accept (square JPEG/PNG, 1400-3000 px)
  episodes.json                 the new episode (new guid, date, numbers, flags)
  public/rss.xml p2p.xml atom.xml feed.json   regenerated

Title and description come from the flags, else from the tags (title, comment), else
the file name. Publishing bytes already in the show (same SHA-256) adds nothing and says
so (exit 0). Drafts (--draft) are kept in the catalog and left out of the feeds until
\`seedcast episodes edit <slug> --no-draft\`.

Several publishes may run at once on one show: hashing runs in parallel, the catalog and
feeds are written one at a time under a lock. A publish killed at any moment leaves the
catalog and feeds valid.`

  static override examples = [
    '<%= config.bin %> publish episode-12.mp3 --show my-show',
    '<%= config.bin %> publish interview.mp4 --title "Interview with Ana" --season 2 --episode 3 --date 2026-12-01',
    '<%= config.bin %> publish rough-cut.mp3 --draft --json'
  ]

  static override args = {
    media: Args.string({ description: 'audio or video file to publish', required: true })
  }

  static override flags = {
    show: Flags.string({ description: 'show folder (default: current folder)', default: '.' }),
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
    const bar = progressBar('Hashing', { json: this.jsonEnabled() })
    let result
    try {
      result = await publish(flags.show, args.media, {
        title: flags.title,
        description: flags.description,
        date: flags.date,
        season: flags.season,
        episode: flags.episode,
        draft: flags.draft,
        explicit: flags.explicit,
        onProgress: bar.update
      })
    } finally {
      bar.stop()
    }
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
