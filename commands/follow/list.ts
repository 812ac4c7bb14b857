import { SeedcastCommand } from '../../cli/base-command.js'
import { libraryFlag } from '../../cli/library-flag.js'
import { defaultLibraryDir } from '../../src/follow/library.js'
import { listFollowed } from '../../src/follow/subscriptions.js'
import { formatBytes } from '../../src/torrent/format.js'

export default class FollowList extends SeedcastCommand {
  static override summary = 'List the followed feeds and what the library holds of each.'

  static override description = 'One line per feed: its folder, episodes held and their size, its license, when it was last polled, the last error if the last poll failed, and since when a feed is gone (its host answered 410 Gone: no longer polled, its episodes kept). With --json, the full records.'

  static override examples = [
    '<%= config.bin %> follow list',
    '<%= config.bin %> follow list --json | jq -r ".feeds[].url"'
  ]

  static override flags = { dir: libraryFlag }

  async run (): Promise<unknown> {
    const { flags } = await this.parse(FollowList)
    const dir = flags.dir ?? defaultLibraryDir()
    const feeds = await listFollowed(dir)
    if (feeds.length === 0) this.log(`no feed followed in ${dir} (add one with \`seedcast follow add <feed-url>\`)`)
    for (const feed of feeds) {
      const license = feed.allowRedistribution ? 'shared by your choice' : feed.license ?? 'no license'
      this.log(`${feed.slug}  ${feed.episodes} episode${feed.episodes === 1 ? '' : 's'}, ${formatBytes(feed.bytes)}  ${license}  ${feed.url}`)
      if (feed.failed) this.log(`    ${feed.failed} episode${feed.failed === 1 ? '' : 's'} failed (see --json)`)
      if (feed.goneAt) this.log(`    gone since ${feed.goneAt} (the host answered 410 Gone): no longer polled, its episodes are kept`)
      else if (feed.lastError) this.log(`    last poll failed: ${feed.lastError}`)
    }
    return { dir, feeds }
  }
}
