import * as Flags from '@oclif/core/flags'
import { SeedcastCommand } from '../../cli/base-command.js'
import { showFieldFlags, showFieldOptions } from '../../cli/show-fields-flags.js'
import { showFlag } from '../../cli/show-options.js'
import { SeedcastError } from '../../src/errors.js'
import { editShow } from '../../src/show/edit.js'

export default class ShowEdit extends SeedcastCommand {
  static override summary = 'Change the show\'s metadata, base URL or trackers, and rewrite the feeds and torrents.'

  static override description = `Takes the flags of \`seedcast init\` and changes only the values given, each checked as init checks it (a bad one is a one-line error and nothing changes). Then, holding the show's lock, it rewrites what depends on them:
  show.json          the new values
  public/torrents/   the trackers and web seeds of every .torrent
  public/            the four feeds and the web pages

The .torrent files change outside their info dictionary only: infohashes, and so the magnets' xt, stay the same.

podcast:guid never changes: it names the show wherever it moves.

Moving to a new host: give the new --base-url and copy public/ there. With --redirect-from-old, seedcast also writes old-location/rss.xml and old-location/p2p.xml in the show folder: the feeds at their old URLs with <itunes:new-feed-url> pointing at the new ones. Copy them over the old host's rss.xml and p2p.xml (or serve them there) so podcast apps and directories follow the show; keep them there for a few weeks. They still list every episode at its old URL, so listeners whose app has not yet moved keep playing; where the old host can answer the old feed URLs with a 301 redirect to the new ones, do that as well (Apple follows both). Then give the new feed URL to the directories where the show is listed.

Clearing: --link "" and --funding "" remove the link or funding; --tracker "" removes every tracker. --tracker replaces the whole list: give every tracker you want to keep.`

  static override examples = [
    '<%= config.bin %> show edit --show my-show --image new-cover.jpg --description "Talks over tea, every Monday"',
    '<%= config.bin %> show edit --base-url https://cdn.example.org/tea/ --redirect-from-old',
    '<%= config.bin %> show edit --tracker wss://tracker.example.org --tracker udp://tracker.example.org:6969/announce',
    '<%= config.bin %> show edit --category "Society & Culture > Documentary" --type serial --json'
  ]

  protected override optionFlags = { trackers: '--tracker' }

  static override flags = {
    show: showFlag,
    ...showFieldFlags,
    explicit: Flags.boolean({ description: 'the show has explicit content, or --no-explicit', allowNo: true }),
    locked: Flags.boolean({ description: 'podcast:locked (ask other platforms not to import the feed), or --no-locked', allowNo: true }),
    'redirect-from-old': Flags.boolean({ description: 'with --base-url: write the old location\'s feeds with itunes:new-feed-url into old-location/', default: false })
  }

  async run (): Promise<unknown> {
    const { flags } = await this.parse(ShowEdit)
    const options = showFieldOptions({ ...flags, tracker: flags.tracker?.filter(tracker => tracker.trim() !== '') })
    const given = Object.values(options).some(value => value !== undefined)
    if (!given) throw new SeedcastError('nothing to change', { code: 'EUSAGE', hint: 'give the values to change as flags, e.g. --title or --base-url; see `seedcast show edit --help`' })
    const result = await editShow(flags.show, { ...options, redirectFromOld: flags['redirect-from-old'] })
    if (!result.changed.length) {
      this.log(`"${result.show.title}": nothing changed (the values given are the current ones)`)
      return result
    }
    this.log(`Updated "${result.show.title}": ${result.changed.join(', ')}`)
    if (result.torrents.length) this.log(`  torrents: ${result.torrents.length} rewritten (trackers and web seeds; infohashes unchanged)`)
    this.log(`  feeds:    ${Object.values(result.feeds).join('\n            ')}`)
    if (result.redirect) {
      this.log(`  moved:    copy ${result.redirect.dir}/rss.xml and p2p.xml to the old location:`)
      for (const [from, to] of Object.entries(result.redirect.moved)) this.log(`            ${from} -> ${to}`)
    }
    return result
  }
}
