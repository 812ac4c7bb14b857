import { Args, Flags } from '@oclif/core'
import { SeedcastCommand } from '../../cli/base-command.js'
import { libraryFlag } from '../../cli/library-flag.js'
import { defaultLibraryDir } from '../../src/follow/library.js'
import { followFeed } from '../../src/follow/subscriptions.js'

export default class FollowAdd extends SeedcastCommand {
  static override summary = 'Follow a podcast feed (any RSS or Atom podcast feed, seedcast\'s or not).'

  static override description = `Fetches the feed once to check it is a podcast feed, and records it in the library (follow.json); its episodes are downloaded by \`seedcast follow run\` into a folder named after the show's title.
Episodes with torrent sources (seedcast and PeerTube feeds) are seeded; episodes that come over HTTP only are seeded when the feed's license allows redistribution (Creative Commons or another free license), or when --allow-redistribution says you may.`

  static override examples = [
    '<%= config.bin %> follow add https://example.org/podcast/rss.xml',
    { description: 'Follow a show by its web page (a seedcast show page, or any page that names its feed)', command: '<%= config.bin %> follow add https://pod.example.org/show/' },
    { description: 'Follow a feed whose author allowed you to share it, though its feed names no free license', command: '<%= config.bin %> follow add https://radio.example/feed --allow-redistribution' }
  ]

  static override args = {
    url: Args.string({ description: 'the feed\'s http(s) URL, or the show\'s web page that names its feed', required: true })
  }

  static override flags = {
    dir: libraryFlag,
    'allow-redistribution': Flags.boolean({ description: 'seed this feed\'s HTTP-only episodes whatever its license says (you have the right to)', allowNo: true })
  }

  async run (): Promise<unknown> {
    const { args, flags } = await this.parse(FollowAdd)
    const added = await followFeed(flags.dir ?? defaultLibraryDir(), args.url, { allowRedistribution: flags['allow-redistribution'] })
    this.log(`${added.added ? 'following' : added.revived ? 'following again (it had answered 410 Gone)' : 'already following'} ${added.title || added.url} (${added.episodes} episode${added.episodes === 1 ? '' : 's'} in the feed, folder ${added.slug}, license ${added.license ?? 'none given'})`)
    return added
  }
}
