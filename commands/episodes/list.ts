import { SeedcastCommand } from '../../cli/base-command.js'
import { showFlag } from '../../cli/show-options.js'
import { isScheduled } from '../../src/feed/published.js'
import { listEpisodes } from '../../src/show/episode-list.js'
import { clock } from '../../src/clock.js'

export default class EpisodesList extends SeedcastCommand {
  static override summary = 'List the episodes of a show, newest first.'

  static override description = `Prints one line per episode of the show's catalog (episodes.json): date, slug, season/episode numbers, duration, title, [draft] for drafts and [scheduled <date>] for episodes dated in the future (the feeds leave both out). With --json, the full catalog entries, each with "scheduled": true or false.`

  static override examples = [
    '<%= config.bin %> episodes list --show my-show',
    '<%= config.bin %> episodes list --json | jq -r ".episodes[].slug"'
  ]

  static override flags = {
    show: showFlag
  }

  async run (): Promise<unknown> {
    const { flags } = await this.parse(EpisodesList)
    const { show, episodes } = await listEpisodes(flags.show)
    const now = new Date()
    this.log(`${show.title}: ${episodes.length} episode${episodes.length === 1 ? '' : 's'}`)
    for (const episode of episodes) {
      const number = episode.season || episode.episode ? ` S${episode.season ?? '-'}E${episode.episode ?? '-'}` : ''
      // clock() rounds once: rounding the seconds alone printed 59.6 s as "0:60".
      const minutes = clock(episode.duration)
      const state = episode.draft ? '  [draft]' : isScheduled(episode, now) ? `  [scheduled ${episode.pubDate.slice(0, 16).replace('T', ' ')} UTC]` : ''
      this.log(`  ${episode.pubDate.slice(0, 10)}  ${episode.slug}${number}  ${minutes}  ${episode.title}${state}`)
    }
    return { show: show.title, episodes: episodes.map(episode => ({ ...episode, scheduled: isScheduled(episode, now) })) }
  }
}
