import * as Args from '@oclif/core/args'
import { SeedcastCommand } from '../cli/base-command.js'
import { formatBytes } from '../src/torrent/format.js'
import { inspectTorrent, SANITISED_BECAUSE } from '../src/torrent/inspect.js'
import { readTorrentArgument } from '../cli/torrent-argument.js'

export default class Info extends SeedcastCommand {
  static override summary = 'Show what a .torrent or magnet link holds.'

  static override description = `Prints the name, infohash, files with sizes, piece length and count, trackers (by tier), web seeds, private flag, comment, creator, creation date and source of a .torrent, and its magnet link. A magnet link only knows its infohash, name, size, trackers and web seeds. TORRENT may also be the http(s) URL of a .torrent (fetched, 30 s and 64 MiB at most) or - to read it from standard input.

The .torrent is checked on the way: truncated or malformed bencode, missing info keys and piece hashes that do not match the size are errors, and so is a BitTorrent v2-only torrent (a hybrid v1 + v2 torrent works, through its v1 part).

File names that are unsafe on disk are sanitised as libtorrent (qBittorrent, Deluge) does, never refused: slashes, "..", "." and bidirectional-text controls removed, empty names written as "_", bytes that are not UTF-8 replaced by "_", names past 240 bytes cut, and names that then collide told apart by ".1", ".2"... The names as written are kept for display and for the infohash; the sanitised ones are where get and verify write and read the data, and info lists every change under "sanitised". BEP 47 pad files are counted but never written; symlinks are shown with their target, and one pointing outside the torrent is never made. Stray bytes after the end of the .torrent are ignored and reported.

With --json the same fields come as one JSON object (dates in ISO 8601): each file has "path" (as written), "safePath" (on disk), "type" (file, pad or symlink) and, for a symlink, "target" (null when it is not made); "sanitised" lists each change with its reasons.`

  static override examples = [
    '<%= config.bin %> info episode-12.torrent',
    '<%= config.bin %> info "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567&dn=episode-12.mp3"',
    '<%= config.bin %> info episode-12.torrent --json',
    '<%= config.bin %> info https://podcast.example/torrents/episode-12.torrent',
    '<%= config.bin %> create episode-12.mp3 -o - | <%= config.bin %> info -'
  ]

  static override args = {
    torrent: Args.string({ description: '.torrent file, its http(s) URL, - for standard input, or a magnet link', required: true })
  }

  async run (): Promise<unknown> {
    const { args } = await this.parse(Info)
    const info = inspectTorrent(await readTorrentArgument(args.torrent))
    const rows: [string, string][] = [
      ['name', info.name],
      ...(info.safeName !== info.name ? [['saved as', info.safeName] as [string, string]] : []),
      ['infohash', info.infoHash],
      ['size', info.kind === 'magnet' && info.length === 0 ? 'unknown' : `${formatBytes(info.length)} (${info.length} bytes)`]
    ]
    if (info.kind === 'torrent') {
      rows.push(['pieces', `${info.pieceCount} × ${formatBytes(info.pieceLength)}`])
      rows.push(['private', info.private ? 'yes' : 'no'])
      if (info.hybrid) rows.push(['version', 'hybrid BitTorrent v1 + v2 (read through its v1 part)'])
      if (info.padFiles > 0) rows.push(['pad files', `${info.padFiles} (BEP 47 padding, never written to disk)`])
      if (info.trailingBytes > 0) rows.push(['note', `${info.trailingBytes} stray byte${info.trailingBytes === 1 ? '' : 's'} after the end of the .torrent, ignored`])
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

    const listed = info.files.filter(file => file.type !== 'pad')
    if (listed.length > 0) {
      this.log(`files (${listed.length}):`)
      const label = (file: typeof listed[number]) => file.type === 'symlink' ? 'link' : formatBytes(file.length)
      const width = Math.max(...listed.map(file => label(file).length))
      for (const file of listed) {
        const link = file.type !== 'symlink' ? '' : file.target === null ? '  (symlink pointing outside the torrent: not made)' : `  -> ${file.target}`
        this.log(`  ${label(file).padStart(width)}  ${file.path}${link}`)
      }
    }
    if (info.sanitised.length > 0) {
      this.log(`sanitised (${info.sanitised.length}), saved under the safe name:`)
      for (const change of info.sanitised) {
        this.log(`  ${change.original} -> ${change.safe}  (${change.reasons.map(reason => SANITISED_BECAUSE[reason]).join('; ')})`)
      }
    }
    return info
  }
}
