import { Args, Flags } from '@oclif/core'
import { SeedcastCommand } from '../../cli/base-command.js'
import { libraryFlag } from '../../cli/library-flag.js'
import { defaultLibraryDir } from '../../src/follow/library.js'
import { unfollowFeed } from '../../src/follow/subscriptions.js'

export default class FollowRemove extends SeedcastCommand {
  static override summary = 'Stop following a feed and delete its episodes from the library.'

  static override description = 'The feed is named by its URL (or an earlier URL it moved from) or by its folder name in the library, as `follow list` shows them. A running `follow run` stops seeding its episodes at its next pass. --keep-files leaves the folder on disk.'

  static override examples = [
    '<%= config.bin %> follow remove https://example.org/podcast/rss.xml',
    '<%= config.bin %> follow remove radio-libre --keep-files'
  ]

  static override args = {
    feed: Args.string({ description: 'feed URL or folder name', required: true })
  }

  static override flags = {
    dir: libraryFlag,
    'keep-files': Flags.boolean({ description: 'keep the feed\'s folder and episodes on disk' })
  }

  async run (): Promise<unknown> {
    const { args, flags } = await this.parse(FollowRemove)
    const removed = await unfollowFeed(flags.dir ?? defaultLibraryDir(), args.feed, { keepFiles: flags['keep-files'] })
    this.log(`no longer following ${removed.url}${removed.deleted ? ` (folder ${removed.slug} deleted)` : ''}`)
    return removed
  }
}
