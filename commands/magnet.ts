import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { SeedcastCommand } from '../cli/base-command.js'
import { inspectTorrent } from '../src/torrent/inspect.js'
import { magnetURI } from '../src/torrent/magnet.js'

export default class Magnet extends SeedcastCommand {
  static override summary = 'Print the magnet link of a .torrent.'

  static override description = `Builds a magnet link (BEP 9) from a .torrent: the infohash (xt), the name (dn), the total size (xl), every tracker (tr) and every web seed (ws, BEP 19). With --torrent-url it also carries where the .torrent itself can be downloaded (xs), so a client that finds no peer still gets the metadata and then the data from the web seed.`

  static override examples = [
    '<%= config.bin %> magnet episode-12.torrent',
    '<%= config.bin %> magnet episode-12.torrent --torrent-url https://example.com/torrents/episode-12.torrent',
    '<%= config.bin %> magnet episode-12.torrent --json'
  ]

  static override args = {
    torrent: Args.string({ description: '.torrent file', required: true })
  }

  static override flags = {
    'torrent-url': Flags.string({ description: 'URL of the .torrent, added as xs=' })
  }

  async run (): Promise<unknown> {
    const { args, flags } = await this.parse(Magnet)
    const info = inspectTorrent(args.torrent)
    const magnet = magnetURI({
      infoHash: info.infoHash,
      name: info.name,
      length: info.kind === 'torrent' ? info.length : undefined,
      trackers: info.announce.flat(),
      webSeeds: info.webSeeds,
      torrentUrl: flags['torrent-url'] ?? info.torrentUrl
    })
    this.log(magnet)
    return { magnet, infoHash: info.infoHash, name: info.name }
  }
}
