import * as Flags from '@oclif/core/flags'
import { SeedcastCommand } from '../../cli/base-command.js'
import { episodeArg, showFlag } from '../../cli/show-options.js'
import { checkEpisodeChanges, editEpisode } from '../../src/show/episodes.js'
import { probeMedia } from '../../src/media/probe.js'
import { replaceEpisodeMedia, type ReplacedMedia } from '../../src/show/replace-media.js'
import { SeedcastError } from '../../src/errors.js'
import { episodeExtraFlags, episodeExtraOptions } from '../../cli/episode-extra-flags.js'

export default class EpisodesEdit extends SeedcastCommand {
  static override summary = 'Change an episode\'s title, description, date, numbers, flags or media, and rewrite the feeds.'

  static override description = `Changes only the fields given; the slug and guid stay as they are (podcast apps and peers know the episode by them). --media replaces the episode's media with a new file (a fixed cut), checked as \`seedcast publish\` checks it: same guid, slug and page, a new .torrent and infohash, the media's extension the new file's; the old media and .torrent go only once the new ones are in place, and a running \`seedcast serve --seed\` seeds the new torrent instead of the old. --no-draft publishes a draft, dated now unless --date is given (a --date in the future schedules it); --draft takes an episode out of the feeds, --season 0 and --episode 0 remove a number. --notes, --transcript, --chapters, --person, --type and --image work as in \`seedcast publish\`; --person replaces the list (--person "" clears it), --image "" removes the episode's art. The feeds are regenerated.`

  static override examples = [
    '<%= config.bin %> episodes edit episode-1-introduction-to-seedcast --title "Episode 1: Hello" --show my-show',
    '<%= config.bin %> episodes edit rough-cut --no-draft --date 2026-12-01T08:00:00Z',
    '<%= config.bin %> episodes edit interview --season 2 --episode 4 --explicit',
    '<%= config.bin %> episodes edit interview --transcript interview.srt --notes interview.md --person "Ana:host" --person "Bo:guest"',
    { description: 'Replace a bad cut, keeping the episode (guid, slug, page) as it is', command: '<%= config.bin %> episodes edit interview --media interview-fixed.mp3' }
  ]

  static override args = {
    episode: episodeArg
  }

  static override flags = {
    show: showFlag,
    title: Flags.string({ description: 'new title' }),
    description: Flags.string({ description: 'new description' }),
    date: Flags.string({ description: 'new publication date (ISO 8601)' }),
    season: Flags.integer({ description: 'season number (0 removes it)', min: 0 }),
    episode: Flags.integer({ description: 'episode number (0 removes it)', min: 0 }),
    draft: Flags.boolean({ description: 'draft (out of the feeds), or --no-draft to publish', allowNo: true }),
    explicit: Flags.boolean({ description: 'explicit, or --no-explicit', allowNo: true }),
    media: Flags.string({ description: 'new media file for the episode (same guid and slug; new .torrent and infohash)' }),
    ...episodeExtraFlags
  }

  async run (): Promise<unknown> {
    const { args, flags } = await this.parse(EpisodesEdit)
    const { show, ...given } = flags
    if (Object.entries(given).every(([name, value]) => value === undefined || name === 'json')) {
      throw new SeedcastError('nothing to change', { code: 'EUSAGE', hint: 'give the fields to change as flags, e.g. --title or --no-draft; see `seedcast episodes edit --help`' })
    }
    const changes = {
      title: flags.title,
      description: flags.description,
      date: flags.date,
      season: flags.season === 0 ? null : flags.season,
      episode: flags.episode === 0 ? null : flags.episode,
      draft: flags.draft,
      explicit: flags.explicit,
      ...episodeExtraOptions(flags)
    }
    const { media: _media, ...fields } = given
    const changed = Object.entries(fields).some(([name, value]) => value !== undefined && name !== 'json')
    let replaced: ReplacedMedia | undefined
    if (flags.media !== undefined) {
      // The other changes checked first, against the new media (chapters must fit it): a bad
      // flag must not leave the media replaced and the rest not done.
      if (changed) await checkEpisodeChanges(changes, (await probeMedia(flags.media)).duration)
      replaced = await replaceEpisodeMedia(show, args.episode, flags.media)
      for (const note of replaced.notes) this.log(`note: ${note}`)
      if (replaced.replaced) this.log(`Replaced the media of "${replaced.episode.title}" (${replaced.episode.slug}): ${replaced.episode.mediaPath}, infohash ${replaced.episode.infoHash} (was ${replaced.previousInfoHash})`)
    }
    if (replaced && !changed) {
      if (replaced.replaced) this.log('Feeds regenerated')
      return { episode: replaced.episode, replaced: replaced.replaced, previousInfoHash: replaced.previousInfoHash, notes: replaced.notes }
    }
    const episode = await editEpisode(show, replaced?.episode.slug ?? args.episode, changes)
    this.log(`Updated "${episode.title}" (${episode.slug}); feeds regenerated`)
    if (!episode.draft && new Date(episode.pubDate).getTime() > Date.now()) this.log(`Scheduled for ${episode.pubDate}: out of the feeds until then`)
    return replaced ? { episode, replaced: replaced.replaced, previousInfoHash: replaced.previousInfoHash, notes: replaced.notes } : { episode }
  }
}
