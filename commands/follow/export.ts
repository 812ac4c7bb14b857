import { SeedcastCommand } from '../../cli/base-command.js'
import { libraryFlag } from '../../cli/library-flag.js'
import { defaultLibraryDir } from '../../src/follow/library.js'
import { exportOpml } from '../../src/follow/subscriptions.js'

export default class FollowExport extends SeedcastCommand {
  static override summary = 'Print the followed feeds as an OPML subscription list.'

  static override description = 'The OPML 2.0 list every podcast app imports, on standard output. With --json, {"opml": "<the document>"}.'

  static override examples = ['<%= config.bin %> follow export > subscriptions.opml']

  static override flags = { dir: libraryFlag }

  async run (): Promise<unknown> {
    const { flags } = await this.parse(FollowExport)
    const opml = await exportOpml(flags.dir ?? defaultLibraryDir())
    if (!this.jsonEnabled()) process.stdout.write(opml)
    return { opml }
  }
}
