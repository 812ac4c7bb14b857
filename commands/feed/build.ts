import { SeedcastCommand } from '../../cli/base-command.js'
import { showFlag } from '../../cli/show-options.js'
import { buildFeeds } from '../../src/show/feeds.js'

export default class FeedBuild extends SeedcastCommand {
  static override summary = 'Regenerate the show\'s feeds from its catalog.'

  static override description = `Writes public/rss.xml (HTTP enclosures, with the torrent and magnet as Podcasting 2.0 alternate enclosures), public/p2p.xml (magnet enclosures), public/atom.xml and public/feed.json from show.json and episodes.json, each file atomically. Run it after editing show.json or episodes.json by hand; publish and the episodes commands do it themselves.

Items of episodes unchanged since the last build are copied from the feeds on disk (their places are kept in .seedcast/feed-items.json), so a build after one publish renders one item; the result is byte for byte what a full build writes. A feed edited by hand, or a missing index, makes the build render everything.

Web pages are rendered only when what they show changed (the episode, its chapters or transcript, the show, the player, seedcast's templates), and no file is written whose bytes stay the same: a build with nothing changed writes nothing. An episode page edited by hand stays until then; delete its folder (public/episodes/<slug>) to have it written again.`

  static override examples = [
    '<%= config.bin %> feed build --show my-show',
    '<%= config.bin %> feed build --json'
  ]

  static override flags = {
    show: showFlag
  }

  async run (): Promise<unknown> {
    const { flags } = await this.parse(FeedBuild)
    const result = await buildFeeds(flags.show)
    const drafts = result.episodes - result.published - result.scheduled
    this.log(`Feeds rebuilt: ${result.published} episode${result.published === 1 ? '' : 's'} (${drafts} draft${drafts === 1 ? '' : 's'} and ${result.scheduled} scheduled left out)`)
    if (result.nextScheduled) this.log(`  next scheduled episode: ${result.nextScheduled} (run feed build again then, or let \`seedcast serve\` do it)`)
    if (result.torrents.length) this.log(`  torrents: ${result.torrents.length} rewritten for the show's base URL and trackers`)
    for (const path of Object.values(result.feeds)) this.log(`  ${path}`)
    return result
  }
}
