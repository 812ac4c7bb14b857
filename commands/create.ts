import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { basename, resolve } from 'node:path'
import { SeedcastCommand } from '../cli/base-command.js'
import { SeedcastError } from '../src/errors.js'
import { withProgressBar } from '../cli/progress.js'
import { warmUpHasher } from '../src/torrent/hasher.js'
import { createTorrent } from '../src/torrent/create.js'
import { formatBytes } from '../src/torrent/format.js'
import { parsePieceLength } from '../src/torrent/piece-length.js'
import { checkTorrentOutput, writeTorrentFile } from '../src/torrent/write-torrent.js'

export default class Create extends SeedcastCommand {
  static override summary = 'Make a .torrent (BitTorrent v1) of a file or folder.'

  static override description = `Hashes INPUT once, with large sequential reads and SHA-1 spread over worker threads, and writes a v1 .torrent whose info dict is byte-identical to what create-torrent makes for the same files and options, and to mktorrent's with --include-junk (mktorrent keeps hidden files; it also sorts whole paths, so "a.txt" comes before "a/x" there). Prints the infohash and the magnet link.

A folder becomes a multi-file torrent: its files are taken depth first in byte order of their names; hidden entries (.DS_Store, .git, ...) and junk (Thumbs.db, desktop.ini, backup files ending in ~, __MACOSX, ...) are left out unless --include-junk.

Trackers: every -a adds one tier (BEP 12); URLs separated by commas within one -a are alternatives of the same tier. The first URL is also written as "announce". Web seeds (-w, BEP 19 url-list) are HTTP URLs of the same content: for a single file, the file's own URL; for a folder, the URL of the folder (ending in /).

The piece length is chosen from the size (16 KiB to 16 MiB, 1000-2000 pieces) unless --piece-length gives it, as bytes (262144), with a unit (256K, 1M) or as 2^18.

The .torrent is written to a temp file and renamed into place, so an interrupted run leaves nothing behind; an existing file is kept unless --force. -o - writes it to standard output instead (the summary, and --json, then go to standard error); a pipe or a device such as /dev/null is written into as it is. --no-date leaves out the creation date, so the same input always gives the same bytes.`

  static override examples = [
    '<%= config.bin %> create episode-12.mp3',
    '<%= config.bin %> create episode-12.mp3 -a udp://tracker.example:6969,https://backup.example/announce -a wss://tracker.example -w https://cdn.example/episode-12.mp3',
    '<%= config.bin %> create season-2/ --piece-length 1M --private --source my-show -o torrents/season-2.torrent',
    '<%= config.bin %> create episode-12.mp3 --no-date --json',
    '<%= config.bin %> create episode-12.mp3 -o - | <%= config.bin %> info -'
  ]

  static override args = {
    input: Args.string({ description: 'file or folder to make a torrent of', required: true })
  }

  static override flags = {
    announce: Flags.string({ char: 'a', multiple: true, description: 'tracker URL; repeat for more tiers, comma-separate URLs of one tier' }),
    'web-seed': Flags.string({ char: 'w', multiple: true, description: 'web seed URL (BEP 19); repeatable' }),
    private: Flags.boolean({ description: 'set the private flag (peers only from the trackers: no DHT, no PEX)', default: false }),
    comment: Flags.string({ description: 'comment stored in the torrent' }),
    source: Flags.string({ description: 'source tag in the info dict (changes the infohash; used by private trackers)' }),
    name: Flags.string({ description: 'torrent name (default: the base name of INPUT)' }),
    'created-by': Flags.string({ description: 'the "created by" field (default: seedcast/<version>; "" leaves it out)' }),
    'no-date': Flags.boolean({ description: 'leave out the creation date: reproducible output', default: false }),
    'piece-length': Flags.string({ description: 'piece length: 256K, 1M, 2^18 or bytes (power of two, 16K to 64M)' }),
    'include-junk': Flags.boolean({ description: 'keep hidden and junk files (.DS_Store, Thumbs.db, ...)', default: false }),
    output: Flags.string({ char: 'o', description: 'where to write the .torrent (default: <name>.torrent in the current folder; - for standard output)' }),
    force: Flags.boolean({ char: 'f', description: 'overwrite the output file if it exists', default: false })
  }

  /** Set by `-o -`: the .torrent owns standard output, so --json goes to standard error. */
  private torrentOnStdout = false

  override logJson (json: unknown): void {
    if (this.torrentOnStdout) process.stderr.write(JSON.stringify(json, null, 2) + '\n')
    else super.logJson(json)
  }

  async run (): Promise<unknown> {
    const { args, flags } = await this.parse(Create)
    warmUpHasher(args.input) // boots while the input is checked and listed (not for a small file)
    const pieceLength = flags['piece-length'] === undefined ? undefined : parsePieceLength(flags['piece-length'])
    const name = flags.name ?? basename(resolve(args.input))
    const output = flags.output ?? `${name}.torrent`
    const toStdout = output === '-'
    if (toStdout) {
      // The .torrent owns standard output: the summary and any --json go to standard error.
      if (process.stdout.isTTY) throw new SeedcastError('standard output is a terminal, not a place for a .torrent', { code: 'EUSAGE', hint: 'redirect or pipe it: `-o - > episode.torrent`, `-o - | seedcast info -`' })
      this.jsonStream = process.stderr
      this.torrentOnStdout = true
    } else {
      await checkTorrentOutput(output, { force: flags.force })
    }

    const created = await withProgressBar('Hashing', { json: this.jsonEnabled() }, onProgress => createTorrent(args.input, {
      name: flags.name,
      pieceLength,
      announce: (flags.announce ?? []).map(tier => tier.split(',').map(url => url.trim()).filter(Boolean)),
      webSeeds: flags['web-seed'],
      private: flags.private,
      comment: flags.comment,
      source: flags.source,
      createdBy: flags['created-by'],
      creationDate: flags['no-date'] ? null : undefined,
      includeJunk: flags['include-junk'],
      onProgress
    }))
    if (toStdout) await writeToStdout(created.torrent)
    else await writeTorrentFile(output, created.torrent, { force: flags.force })

    const fileCount = created.files.length
    const say = toStdout ? this.logToStderr.bind(this) : this.log.bind(this)
    say(`Created ${toStdout ? 'a .torrent on standard output' : output}`)
    say(`  name:      ${created.name}`)
    say(`  size:      ${formatBytes(created.length)} in ${fileCount} file${fileCount === 1 ? '' : 's'}`)
    say(`  pieces:    ${created.pieceCount} × ${formatBytes(created.pieceLength)}`)
    say(`  infohash:  ${created.infoHash}`)
    say(`  magnet:    ${created.magnet}`)
    return {
      path: toStdout ? null : output,
      infoHash: created.infoHash,
      magnet: created.magnet,
      name: created.name,
      length: created.length,
      pieceLength: created.pieceLength,
      pieceCount: created.pieceCount,
      files: created.files
    }
  }
}

/** Writes all of `bytes` to standard output, resolving once they are handed to the OS (a closed pipe is an error). */
function writeToStdout (bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(bytes, error => error ? reject(error) : resolve())
  })
}
