import { Args } from '@oclif/core'
import { SeedcastCommand } from '../cli/base-command.js'
import { formatBytes } from '../src/torrent/format.js'
import { inspectTorrent } from '../src/torrent/inspect.js'

export default class Info extends SeedcastCommand {
  static override summary = 'Show what a .torrent or magnet link holds.'

  static override description = `Prints the name, infohash, files with sizes, piece length and count, trackers (by tier), web seeds, private flag, comment, creator, creation date and source of a .torrent, and its magnet link. A magnet link only knows its infohash, name, size, trackers and web seeds.

The .torrent is checked on the way: truncated or malformed bencode, missing info keys, piece hashes that do not match the size, and unsafe file paths (.., /) are errors. With --json the same fields come as one JSON object (dates in ISO 8601).`

  static override examples = [
    '<%= config.bin %> info episode-12.torrent',
    '<%= config.bin %> info "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567&dn=episode-12.mp3"',
    '<%= config.bin %> info episode-12.torrent --json'
  ]

  static override args = {
    torrent: Args.string({ description: '.torrent file or magnet link', required: true })
  }

  async run (): Promise<unknown> {
    const { args } = await this.parse(Info)
    const info = inspectTorrent(args.torrent)
    const rows: [string, string][] = [
      ['name', info.name],
      ['infohash', info.infoHash],
      ['size', info.kind === 'magnet' && info.length === 0 ? 'unknown' : `${formatBytes(info.length)} (${info.length} bytes)`]
    ]
    if (info.kind === 'torrent') {
      rows.push(['pieces', `${info.pieceCount} × ${formatBytes(info.pieceLength)}`])
      rows.push(['private', info.private ? 'yes' : 'no'])
    }
    info.announce.forEach((tier, index) => rows.push([`tier ${index + 1}`, tier.join(', ')]))
    for (const url of info.webSeeds) rows.push(['web seed', url])
    if (info.comment !== undefined) rows.push(['comment', info.comment])
    if (info.createdBy !== undefined) rows.push(['created by', info.createdBy])
    if (info.creationDate !== undefined) rows.push(['created', info.creationDate.toISOString()])
    if (info.source !== undefined) rows.push(['source', info.source])
    if (info.torrentUrl !== undefined) rows.push(['torrent url', info.torrentUrl])
    rows.push(['magnet', info.magnet])
    for (const [label, value] of rows) this.log(`${`${label}:`.padEnd(13)}${value}`)

    if (info.files.length > 0) {
      this.log(`files (${info.files.length}):`)
      const width = Math.max(...info.files.map(file => formatBytes(file.length).length))
      for (const file of info.files) this.log(`  ${formatBytes(file.length).padStart(width)}  ${file.path}`)
    }
    return info
  }
}
