import { Args, Flags } from '@oclif/core'
import { SeedcastCommand } from '../../cli/base-command.js'
import { libraryFlag } from '../../cli/library-flag.js'
import { defaultLibraryDir } from '../../src/follow/library.js'
import { importOpml } from '../../src/follow/subscriptions.js'

export default class FollowImport extends SeedcastCommand {
  static override summary = 'Follow every feed of an OPML subscription list (what podcast apps export).'

  static override description = 'Each feed is fetched once, as `follow add` does; a feed that cannot be fetched or read is reported and the others are followed. Feeds already followed are left as they are (listed apart: "alreadyFollowed" in --json). Lists the file includes (OPML 2.0 `<outline type="include" url=…>`) are fetched like feeds and their feeds followed too, up to 3 levels deep and 50 lists, each list once (a loop is harmless); one that cannot be had is reported like a feed. Exits 1 when some feed or included list failed.'

  static override examples = ['<%= config.bin %> follow import antennapod-feeds.opml']

  static override args = {
    file: Args.file({ description: 'the OPML file', required: true })
  }

  static override flags = {
    dir: libraryFlag,
    'allow-redistribution': Flags.boolean({ description: 'seed these feeds\' HTTP-only episodes whatever their licenses say' })
  }

  async run (): Promise<unknown> {
    const { args, flags } = await this.parse(FollowImport)
    const result = await importOpml(flags.dir ?? defaultLibraryDir(), args.file, { allowRedistribution: flags['allow-redistribution'] || undefined })
    for (const feed of result.added) this.log(`following ${feed.title || feed.url}`)
    for (const feed of result.alreadyFollowed) this.log(`${feed.revived ? 'following again (it had answered 410 Gone)' : 'already following'} ${feed.title || feed.url}`)
    for (const failure of result.failed) process.stderr.write(`seedcast: ${failure.message}\n`)
    const already = result.alreadyFollowed.length ? `, ${result.alreadyFollowed.length} already followed` : ''
    this.log(`${result.added.length} feed(s) added${already}, ${result.failed.length} failed`)
    if (result.failed.length) process.exitCode = 1
    return result
  }
}
