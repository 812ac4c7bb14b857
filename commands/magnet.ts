import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { SeedcastCommand } from '../cli/base-command.js'
import { inspectTorrent } from '../src/torrent/inspect.js'
import { readTorrentArgument } from '../cli/torrent-argument.js'
import { magnetURI } from '../src/torrent/magnet.js'

export default class Magnet extends SeedcastCommand {
  static override summary = 'Print the magnet link of a .torrent.'

  static override description = `Builds a magnet link (BEP 9) from a .torrent: the infohash (xt), the name (dn), the total size (xl), every tracker (tr) and every web seed (ws, BEP 19). With --torrent-url it also carries where the .torrent itself can be downloaded (xs), so a client that finds no peer still gets the metadata and then the data from the web seed. TORRENT may be the http(s) URL of a .torrent, which then is the xs unless --torrent-url names another, or - to read it from standard input.`

  static override examples = [
    '<%= config.bin %> magnet episode-12.torrent',
    '<%= config.bin %> magnet episode-12.torrent --torrent-url https://example.com/torrents/episode-12.torrent',
    '<%= config.bin %> magnet episode-12.torrent --json',
    '<%= config.bin %> magnet https://podcast.example/torrents/episode-12.torrent'
  ]

  static override args = {
    torrent: Args.string({ description: '.torrent file, its http(s) URL, or - for standard input', required: true })
  }

  static override flags = {
    'torrent-url': Flags.string({ description: 'URL of the .torrent, added as xs=' })
  }

  async run (): Promise<unknown> {
    const { args, flags } = await this.parse(Magnet)
    const info = inspectTorrent(await readTorrentArgument(args.torrent))
    // A .torrent given by URL is downloadable there: that is the magnet's xs unless told otherwise.
    const fetchedFrom = /^https?:\/\//i.test(args.torrent) ? args.torrent : undefined
    const magnet = magnetURI({
      infoHash: info.infoHash,
      name: info.name,
      length: info.kind === 'torrent' ? info.length : undefined,
      trackers: info.announce.flat(),
      webSeeds: info.webSeeds,
      torrentUrl: flags['torrent-url'] ?? info.torrentUrl ?? fetchedFrom
    })
    this.log(magnet)
    return { magnet, infoHash: info.infoHash, name: info.name }
  }
}
