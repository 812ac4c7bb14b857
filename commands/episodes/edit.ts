import * as Flags from '@oclif/core/flags'
import { SeedcastCommand } from '../../cli/base-command.js'
import { episodeArg, showFlag } from '../../cli/show-options.js'
import { editEpisode } from '../../src/show/episodes.js'
import { SeedcastError } from '../../src/errors.js'
import { episodeExtraFlags, episodeExtraOptions } from '../../cli/episode-extra-flags.js'

export default class EpisodesEdit extends SeedcastCommand {
  static override summary = 'Change an episode\'s title, description, date, numbers or flags, and rewrite the feeds.'

  static override description = `Changes only the fields given; the slug, guid, media and torrent stay as they are (podcast apps and peers know the episode by them). --no-draft publishes a draft, dated now unless --date is given (a --date in the future schedules it); --draft takes an episode out of the feeds, --season 0 and --episode 0 remove a number. --notes, --transcript, --chapters, --person, --type and --image work as in \`seedcast publish\`; --person replaces the list (--person "" clears it), --image "" removes the episode's art. The feeds are regenerated.`

  static override examples = [
    '<%= config.bin %> episodes edit episode-1-introduction-to-seedcast --title "Episode 1: Hello" --show my-show',
    '<%= config.bin %> episodes edit rough-cut --no-draft --date 2026-12-01T08:00:00Z',
    '<%= config.bin %> episodes edit interview --season 2 --episode 4 --explicit',
    '<%= config.bin %> episodes edit interview --transcript interview.srt --notes interview.md --person "Ana:host" --person "Bo:guest"'
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
    ...episodeExtraFlags
  }

  async run (): Promise<unknown> {
    const { args, flags } = await this.parse(EpisodesEdit)
    const { show, ...given } = flags
    if (Object.entries(given).every(([name, value]) => value === undefined || name === 'json')) {
      throw new SeedcastError('nothing to change', { code: 'EUSAGE', hint: 'give the fields to change as flags, e.g. --title or --no-draft; see `seedcast episodes edit --help`' })
    }
    const episode = await editEpisode(show, args.episode, {
      title: flags.title,
      description: flags.description,
      date: flags.date,
      season: flags.season === 0 ? null : flags.season,
      episode: flags.episode === 0 ? null : flags.episode,
      draft: flags.draft,
      explicit: flags.explicit,
      ...episodeExtraOptions(flags)
    })
    this.log(`Updated "${episode.title}" (${episode.slug}); feeds regenerated`)
    if (!episode.draft && new Date(episode.pubDate).getTime() > Date.now()) this.log(`Scheduled for ${episode.pubDate}: out of the feeds until then`)
    return { episode }
  }
}
