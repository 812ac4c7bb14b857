import * as Flags from '@oclif/core/flags'
import { SeedcastCommand } from '../../cli/base-command.js'
import { episodeArg, showFlag } from '../../cli/show-options.js'
import { removeEpisode } from '../../src/show/episodes.js'

export default class EpisodesRemove extends SeedcastCommand {
  static override summary = 'Remove an episode from the catalog and the feeds, and delete its files.'

  static override description = `Takes the episode out of episodes.json and regenerates the feeds, then deletes its media, .torrent, chapters and art files from public/ (keep them with --keep-media, e.g. while peers still download it).`

  static override examples = [
    '<%= config.bin %> episodes remove rough-cut --show my-show',
    '<%= config.bin %> episodes remove episode-3 --keep-media --json'
  ]

  static override args = {
    episode: episodeArg
  }

  static override flags = {
    show: showFlag,
    'keep-media': Flags.boolean({ description: 'leave the media, torrent and chapters files in public/', default: false })
  }

  async run (): Promise<unknown> {
    const { args, flags } = await this.parse(EpisodesRemove)
    const result = await removeEpisode(flags.show, args.episode, { keepMedia: flags['keep-media'] })
    this.log(`Removed "${result.episode.title}" (${result.episode.slug}); feeds regenerated`)
    for (const path of result.deleted) this.log(`  deleted ${path}`)
    return result
  }
}
