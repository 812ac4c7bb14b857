import { SeedcastCommand } from '../../cli/base-command.js'
import { episodeArg, showFlag } from '../../cli/show-options.js'
import { showEpisode } from '../../src/show/episode-list.js'
import { clock } from '../../src/clock.js'

export default class EpisodesShow extends SeedcastCommand {
  static override summary = 'Show one episode: its fields, URLs, magnet and infohash.'

  static override description = `Prints the catalog entry of the episode named by its slug or its guid, with its public media and .torrent URLs and its magnet link (trackers, web seed and .torrent URL).`

  static override examples = [
    '<%= config.bin %> episodes show episode-1-introduction-to-seedcast --show my-show',
    '<%= config.bin %> episodes show 3f1c0a52-7d4e-4f7b-9a1e-2b7f3c4d5e6f --json'
  ]

  static override args = {
    episode: episodeArg
  }

  static override flags = {
    show: showFlag
  }

  async run (): Promise<unknown> {
    const { args, flags } = await this.parse(EpisodesShow)
    const shown = await showEpisode(flags.show, args.episode)
    const { episode, ...urls } = shown
    // The duration as `episodes list` and the show pages give it (0:34, 1:02:05); --json keeps the seconds.
    const fields = { ...episode, duration: clock(episode.duration), ...urls }
    for (const [key, value] of Object.entries(fields)) this.log(`${key.padEnd(12)} ${String(value)}`)
    return shown
  }
}
