import * as Args from '@oclif/core/args'
import { SeedcastCommand } from '../cli/base-command.js'
import { withProgressBar } from '../cli/progress.js'
import { warmUpHasher } from '../src/torrent/hasher.js'
import { formatRanges } from '../src/torrent/format.js'
import { verifyTorrent } from '../src/torrent/verify.js'
import { SeedcastError } from '../src/errors.js'
import { readTorrentArgument } from '../cli/torrent-argument.js'

export default class Verify extends SeedcastCommand {
  static override summary = 'Check data against a .torrent, piece by piece.'

  static override description = `Hashes the data at PATH and compares every piece with the .torrent. For a single-file torrent PATH is the file itself or the folder that holds it; for a multi-file torrent PATH is the torrent's top folder (the one given to "seedcast create").

Files are looked for under their safe names, where "seedcast get" writes them: a torrent's unsafe names (an absolute path, "..", slashes inside a name...) are sanitised as libtorrent does ("seedcast info" lists each change), BEP 47 pad files are zeros that are never on disk, and symlinks hold no data.

Lists the bad pieces and the files they touch (by the path on disk); a file is "missing", "wrong-size" (its missing tail counts as bad pieces) or "bad" (a piece does not match). Exits 0 when all is well and 1 when anything is wrong, also with --json (then the report is on stdout). TORRENT may be the http(s) URL of a .torrent, or - to read it from standard input.`

  static override examples = [
    '<%= config.bin %> verify episode-12.torrent episode-12.mp3',
    '<%= config.bin %> verify season-2.torrent ./season-2',
    '<%= config.bin %> verify season-2.torrent ./season-2 --json',
    '<%= config.bin %> verify https://podcast.example/torrents/episode-12.torrent episode-12.mp3'
  ]

  static override args = {
    torrent: Args.string({ description: '.torrent file, its http(s) URL, or - for standard input', required: true }),
    path: Args.string({ description: 'the data: file, or the torrent\'s folder', required: true })
  }

  async run (): Promise<unknown> {
    const { args } = await this.parse(Verify)
    warmUpHasher() // boots while the input is checked and listed
    const torrent = await readTorrentArgument(args.torrent)
    if (typeof torrent === 'string' && /^magnet:/i.test(torrent)) {
      throw new SeedcastError('a magnet link holds no piece hashes to check against', { code: 'EINPUT', hint: 'give the .torrent file or its URL; `seedcast get` fetches one from peers' })
    }
    const result = await withProgressBar('Verifying', { json: this.jsonEnabled() }, onProgress => verifyTorrent(torrent, args.path, { onProgress }))
    if (result.ok) {
      this.log(`OK: all ${result.totalPieces} pieces of ${result.files.length} file${result.files.length === 1 ? '' : 's'} match`)
    } else {
      // "bad: 0" read as "none bad": the bad pieces' numbers go in brackets, as on the file lines.
      const bad = result.badPieces
      this.log(`FAILED: ${bad.length} of ${result.totalPieces} pieces bad${bad.length ? ` (piece${bad.length === 1 ? '' : 's'} ${formatRanges(bad)})` : ''}`)
      for (const file of result.files) {
        if (file.status === 'ok') continue
        const pieces = file.badPieces.length ? ` (pieces ${formatRanges(file.badPieces)})` : ''
        this.log(`  ${file.status.padEnd(10)} ${file.safePath}${pieces}`)
      }
      // The report is the output (also as JSON); the exit code carries the verdict.
      process.exitCode = 1
    }
    return result
  }
}
