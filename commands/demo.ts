import { fileURLToPath } from 'node:url'
import { Flags } from '@oclif/core'
import { SeedcastCommand } from '../cli/base-command.js'
import { buildDemoShow, DEMO_BASE_URL } from '../src/show/demo.js'

// From dist/commands/demo.js (and commands/demo.ts) the repository root is two levels up.
const fixturesDir = fileURLToPath(new URL('../../fixtures/', import.meta.url))

export default class Demo extends SeedcastCommand {
  static override summary = 'Build a demo show from the bundled fixtures (what `npm start` runs).'

  static override description = `Makes a show folder (default .demo/show) with the fixture cover and publishes the fixture episodes: two short spoken MP3s (the first with chapters) and an MP4 video. Its base URL is ${DEMO_BASE_URL} unless --base-url says otherwise, so \`seedcast serve\` on that address serves it.

Its trackers are \`self\`: the tracker \`seedcast serve\` runs at the base URL, so its torrents and magnets carry <base-url>announce over http:// (aria2c and other BitTorrent clients) and ws:// (browsers) and any client finds the seeder of \`serve --seed\`.

Running it again reuses the show (the episodes are already there); --force, or another --base-url, rebuilds it from scratch. It only ever replaces a demo show it made: a folder holding any other show (yours), a show.json it cannot read, or files and no show is refused, with or without --force.`

  static override examples = [
    '<%= config.bin %> demo',
    '<%= config.bin %> demo --dir /tmp/demo-show --base-url http://192.168.1.20:8080/ --force'
  ]

  static override flags = {
    dir: Flags.string({ description: 'show folder to make', default: '.demo/show' }),
    'base-url': Flags.string({ description: 'where public/ will be served', default: DEMO_BASE_URL }),
    force: Flags.boolean({ description: 'delete an existing demo show first', default: false })
  }

  async run (): Promise<unknown> {
    const { flags } = await this.parse(Demo)
    const result = await buildDemoShow({ dir: flags.dir, fixturesDir, baseUrl: flags['base-url'], force: flags.force })
    this.log(`Show page: ${result.show.baseUrl} (once served by \`seedcast serve ${flags.dir}\`)`)
    this.log(`${result.created ? 'Built' : 'Reused'} the demo show "${result.show.title}" in ${result.dir}`)
    for (const { episode, duplicate } of result.episodes) this.log(`  ${duplicate ? 'kept     ' : 'published'} ${episode.slug} (${episode.mimeType}, ${episode.duration.toFixed(1)} s)`)
    this.log('Feeds:')
    for (const path of Object.values(result.feeds)) this.log(`  ${path}`)
    this.log(`Served at ${result.show.baseUrl} by \`seedcast serve ${result.dir}\` (rss.xml for podcast apps, p2p.xml for magnet enclosures)`)
    return result
  }
}
