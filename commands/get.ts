import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { resolve } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { SeedcastCommand } from '../cli/base-command.js'
import { SeedcastError } from '../src/errors.js'
import { downloadView } from '../cli/download-view.js'
import { importDownloadModules } from '../cli/download-modules.js'
import { StopSignals } from '../cli/stop-signals.js'
import { leaveOutUnusedModules } from '../src/swarm/lean-imports.js'
import { keepWebAssemblyUnoptimised } from '../src/swarm/wasm-tiering.js'
import { parseRate } from '../src/swarm/rate.js'
import { formatBytes } from '../src/torrent/format.js'

export default class Get extends SeedcastCommand {
  static override summary = 'Download an episode (or any torrent) from peers and web seeds.'

  static override description = `Downloads the torrent named by a magnet link, a .torrent file or the http(s) URL of a .torrent into the output folder (created when missing).

A magnet link from a seedcast feed carries xs= (the .torrent URL) and ws= (the episode's HTTP URL): the .torrent is fetched first, so no peer is needed to learn the metadata, and the HTTP server serves as a web seed when no peer has the episode. Only the trackers named by the torrent, the magnet and --tracker are used; no public tracker is added.

Every piece is SHA-1 checked before it is written. Running the same command again after an interruption (Ctrl-C, a crash, kill -9) verifies what is on disk and fetches only the missing pieces; nothing already downloaded is deleted on failure. A file of the same name that holds none of the torrent's data (another show's episode.mp3, a file edited since) is left as it is and the download stops with an error, instead of overwriting it; one that get itself created (named in the hidden .seedcast-get-<infohash>.json it keeps in the output folder until the download is complete, and no longer than the torrent's file) is taken over, even when a kill cut its very first piece write. A peer that sends pieces failing the check is disconnected and banned.

--stdout writes one file, in order, to standard output while it downloads, for piping into a player; progress then goes to standard error only. Nothing is written into the current folder: the pieces are kept in a temporary folder removed at the end, unless -o names a folder to keep a copy in.

--select downloads only the chosen files. Where a chosen file shares a piece with one that is not, the other file's bytes of that piece are kept in a temporary folder, never as a partial file next to the chosen ones.

--seed keeps seeding after the download (until Ctrl-C or SIGTERM); --seed-time N seeds for N seconds and implies --seed. The summary line gives the download's own time and speed, then how long it seeded. With --json, one JSON event per line (started, metadata, ready, progress, hash-failure, peer-banned, done, seeding, warning) goes to standard output, or to standard error with --stdout; an error ends the stream with one line {"error": {message, hint, code, exitCode}}, as for every command.

Ctrl-C or SIGTERM stops cleanly (while seeding, it ends the seeding and exits 0); a second one quits at once (exit 130).

--timeout bounds every wait: without a peer, metadata or any new data for that many seconds, the download stops with an error (exit 1).`

  static override examples = [
    { description: 'Download an episode from a seedcast feed\'s magnet link into ./episodes', command: '<%= config.bin %> get -o episodes "magnet:?xt=urn:btih:...&xs=https%3A%2F%2Fexample.org%2Fep1.torrent"' },
    { description: 'Download from a .torrent file, keep seeding for an hour afterwards', command: '<%= config.bin %> get show/public/torrents/ep1.torrent --seed --seed-time 3600' },
    { description: 'Play while downloading', command: '<%= config.bin %> get https://example.org/torrents/ep1.torrent --stdout | mpv -' },
    { description: 'Only the MP3s of a multi-file torrent, progress as JSON lines', command: '<%= config.bin %> get season1.torrent --select "*.mp3" --json' }
  ]

  static override args = {
    source: Args.string({ description: 'magnet link, infohash, .torrent file or http(s) URL of a .torrent', required: true })
  }

  protected override optionFlags = { outputDir: '--output', trackers: '--tracker', timeoutSeconds: '--timeout', seedTimeSeconds: '--seed-time' }

  static override flags = {
    output: Flags.directory({ char: 'o', description: 'folder to download into (created when missing; default: the current folder, or with --stdout none)' }),
    select: Flags.string({ description: 'file to download: index (from 0) or glob on the path; repeat for more; default all', multiple: true }),
    stdout: Flags.boolean({ description: 'stream the one selected file in order to standard output', default: false }),
    seed: Flags.boolean({ description: 'keep seeding after the download completes (until Ctrl-C or --seed-time)', default: false }),
    'seed-time': Flags.integer({ description: 'seconds to keep seeding after the download completes (implies --seed)', min: 0 }),
    timeout: Flags.integer({ description: 'seconds without a peer, metadata or new data before giving up', default: 60, min: 1 }),
    tracker: Flags.string({ description: 'extra tracker URL (http or udp); repeatable', multiple: true }),
    dht: Flags.boolean({ description: 'find peers on the DHT too (--no-dht to disable)', default: true, allowNo: true }),
    port: Flags.integer({ description: 'TCP port to accept peers on (default: any free port); downloads use TCP and web seeds, not uTP or WebRTC', min: 0, max: 65535 }),
    'download-limit': Flags.string({ description: 'cap download speed, bytes per second with optional k/m/g suffix (e.g. 2m; 0 for no limit, the default)' })
  }

  async run (): Promise<void> {
    const { args, flags } = await this.parse(Get)
    const json = this.jsonEnabled()
    // With --stdout the file owns standard output; everything else goes to standard error.
    if (flags.stdout) this.jsonStream = process.stderr
    // Media bytes on a terminal only garble it (as curl, refused before anything is fetched).
    if (flags.stdout && process.stdout.isTTY) {
      throw new SeedcastError('standard output is a terminal, not a place for media', { code: 'EUSAGE', hint: 'pipe it into a player (`--stdout | mpv -`) or redirect it to a file' })
    }
    // A download's garbage is mostly short-lived: socket reads, blocks, joined pieces. V8's
    // young generation grown to its 32 MiB semi-spaces held a 64 MiB new space and let that
    // garbage's buffers pile up between scavenges (see test/bench/swarm-get.bench.ts).
    setFlagsFromString('--semi-space-growth-factor=1')
    // Fetch's HTTP parser kept out of V8's optimising compiler (20 MiB of peak RSS: wasm-tiering.ts).
    keepWebAssemblyUnoptimised()
    // Before webtorrent loads: what of its imports a download never runs stays unloaded
    // (WebRTC, uTP, LSD, webtorrent's HTTP server and chunk store, and with --no-dht the DHT
    // library too).
    leaveOutUnusedModules({ dht: flags.dht, webrtc: false, downloadOnly: true })
    const [{ download }, { internalsWarnings }] = await importDownloadModules()
    const stop = new StopSignals()
    const view = downloadView({ json, stream: this.jsonStream })
    // A WebTorrent internal seedcast patches is gone (a dependency changed): say which fast path or limit is off.
    for (const line of internalsWarnings()) process.stderr.write(line + '\n')
    try {
      const result = await download(args.source, {
        outputDir: flags.output !== undefined ? resolve(flags.output) : flags.stdout ? undefined : resolve('.'),
        select: flags.select,
        stdout: flags.stdout ? process.stdout : undefined,
        seed: flags.seed || flags['seed-time'] !== undefined,
        seedTimeSeconds: flags['seed-time'],
        timeoutSeconds: flags.timeout,
        trackers: flags.tracker,
        dht: flags.dht,
        port: flags.port,
        downloadLimit: flags['download-limit'] === undefined ? undefined : parseRate(flags['download-limit'], '--download-limit'),
        signal: stop.signal,
        onEvent: view.onEvent
      })
      view.stop()
      if (!json && !flags.stdout && result.complete) {
        const rate = result.received / Math.max(result.seconds, 0.001)
        const seeded = result.seededSeconds > 0 ? `; then seeded ${result.seededSeconds.toFixed(0)} s, ${formatBytes(result.uploaded)} uploaded` : ''
        if (result.alreadyComplete) this.log(`${result.name}: already complete in ${result.outputDir} (${formatBytes(result.total)} verified in ${result.seconds.toFixed(1)} s, nothing downloaded${seeded})`)
        else this.log(`${result.name}: ${formatBytes(result.total)} in ${result.outputDir} (${result.seconds.toFixed(1)} s, ${formatBytes(rate)}/s${result.resumedBytes ? `, ${formatBytes(result.resumedBytes)} already there` : ''}${seeded})`)
      }
    } finally {
      view.stop()
    }
  }
}
