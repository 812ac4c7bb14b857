import { SeedcastCommand } from '../../cli/base-command.js'
import { showFlag } from '../../cli/show-options.js'
import { describeShow } from '../../src/show/describe.js'

export default class Show extends SeedcastCommand {
  static override summary = 'Print a show: its metadata, feed URLs and episode counts.'

  static override description = `Prints show.json of the show folder (--show, default: the current folder) one field a line, with the public URLs of its four feeds and cover and how many episodes are published, scheduled and drafts. With --json, the same as an object. Change the show with \`seedcast show edit\`.`

  static override examples = [
    '<%= config.bin %> show --show my-show',
    '<%= config.bin %> show --json | jq -r .feeds.rss'
  ]

  static override flags = {
    show: showFlag
  }

  async run (): Promise<unknown> {
    const { flags } = await this.parse(Show)
    const shown = await describeShow(flags.show)
    const { show, feeds, image, episodes } = shown
    const rows: Array<[string, unknown]> = [
      ['title', show.title], ['description', show.description], ['author', show.author],
      ['owner', `${show.owner.name} <${show.owner.email}>`], ['language', show.language],
      ['category', show.subcategory ? `${show.category} > ${show.subcategory}` : show.category],
      ['type', show.type ?? 'episodic'], ['explicit', show.explicit], ['image', image ?? '(none)'],
      ['link', show.link ?? '(none)'], ['baseUrl', show.baseUrl], ['license', show.license],
      ['trackers', show.trackers.length ? show.trackers.join(' ') : '(none)'],
      ['funding', show.funding ? `${show.funding.url} (${show.funding.title})` : '(none)'],
      ['podcastGuid', show.podcastGuid], ['locked', show.locked],
      ['rss', feeds.rss], ['p2p', feeds.p2p], ['atom', feeds.atom], ['json', feeds.json],
      ['episodes', `${episodes.published} published, ${episodes.scheduled} scheduled, ${episodes.drafts} drafts`]
    ]
    for (const [key, value] of rows) this.log(`${key.padEnd(12)} ${String(value)}`)
    return shown
  }
}
