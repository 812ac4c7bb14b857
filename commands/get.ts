import { Args, Flags } from '@oclif/core'
import { Presets, SingleBar } from 'cli-progress'
import { resolve } from 'node:path'
import { SeedcastCommand } from '../cli/base-command.js'
import { download, type DownloadEvent } from '../src/swarm/download/download.js'
import { formatBytes } from '../src/swarm/download/output.js'
import { parseRate } from '../src/swarm/rate.js'

export default class Get extends SeedcastCommand {
  static override summary = 'Download an episode (or any torrent) from peers and web seeds'

  static override description = `Downloads the torrent named by a magnet link, a .torrent file or the http(s) URL of a .torrent into the output folder (created when missing).

A magnet link from a seedcast feed carries xs= (the .torrent URL) and ws= (the episode's HTTP URL): the .torrent is fetched first, so no peer is needed to learn the metadata, and the HTTP server serves as a web seed when no peer has the episode. Only the trackers named by the torrent, the magnet and --tracker are used; no public tracker is added.

Every piece is SHA-1 checked before it is written. Running the same command again after an interruption (Ctrl-C, a crash, kill -9) verifies what is on disk and fetches only the missing pieces; nothing already downloaded is deleted on failure. A peer that sends pieces failing the check is disconnected and banned.

--stdout writes one file, in order, to standard output while it downloads, for piping into a player; progress then goes to standard error only. With --json, one JSON event per line (started, metadata, ready, progress, hash-failure, peer-banned, done, seeding, warning, error) goes to standard output, or to standard error with --stdout.

--timeout bounds every wait: without a peer, metadata or any new data for that many seconds, the download stops with an error (exit 1).`

  static override examples = [
    { description: 'Download an episode from a seedcast feed\'s magnet link into ./episodes', command: '<%= config.bin %> get "magnet:?xt=urn:btih:...&xs=https%3A%2F%2Fexample.org%2Ftorrents%2Fep1.torrent" -o episodes' },
    { description: 'Download from a .torrent file, keep seeding for an hour afterwards', command: '<%= config.bin %> get show/public/torrents/ep1.torrent --seed --seed-time 3600' },
    { description: 'Play while downloading', command: '<%= config.bin %> get https://example.org/torrents/ep1.torrent --stdout | mpv -' },
    { description: 'Only the MP3s of a multi-file torrent, progress as JSON lines', command: '<%= config.bin %> get season1.torrent --select "*.mp3" --json' }
  ]

  static override args = {
    source: Args.string({ description: 'magnet link, infohash, .torrent file or http(s) URL of a .torrent', required: true })
  }

  protected override optionFlags = { outputDir: '--output', trackers: '--tracker', timeoutSeconds: '--timeout', seedTimeSeconds: '--seed-time' }

  static override flags = {
    output: Flags.directory({ char: 'o', description: 'folder to download into (created when missing)', default: '.' }),
    select: Flags.string({ description: 'file to download: index (from 0) or glob on the path; repeat for more; default all', multiple: true }),
    stdout: Flags.boolean({ description: 'stream the one selected file in order to standard output', default: false }),
    seed: Flags.boolean({ description: 'keep seeding after the download completes (until Ctrl-C or --seed-time)', default: false }),
    'seed-time': Flags.integer({ description: 'with --seed: seconds to keep seeding', min: 0, dependsOn: ['seed'] }),
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
    const eventStream = flags.stdout ? process.stderr : process.stdout
    const controller = new AbortController()
    const stop = () => controller.abort()
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
    const view = json ? jsonView(eventStream) : textView()
    try {
      const result = await download(args.source, {
        outputDir: resolve(flags.output),
        select: flags.select,
        stdout: flags.stdout ? process.stdout : undefined,
        seed: flags.seed,
        seedTimeSeconds: flags['seed-time'],
        timeoutSeconds: flags.timeout,
        trackers: flags.tracker,
        dht: flags.dht,
        port: flags.port,
        downloadLimit: flags['download-limit'] === undefined ? undefined : parseRate(flags['download-limit'], '--download-limit'),
        signal: controller.signal,
        onEvent: view.onEvent
      })
      view.stop()
      if (!json && !flags.stdout && result.complete) {
        const rate = result.received / Math.max(result.seconds, 0.001)
        this.log(`${result.name}: ${formatBytes(result.total)} in ${result.outputDir} (${result.seconds.toFixed(1)} s, ${formatBytes(rate)}/s${result.resumedBytes ? `, ${formatBytes(result.resumedBytes)} already there` : ''})`)
      }
    } catch (error) {
      view.stop()
      if (!json) throw error
      const known = this.describe(error as Error)
      eventStream.write(JSON.stringify({ event: 'error', message: known.message, hint: known.hint, code: known.code }) + '\n')
      this.exit(known.exitCode)
    } finally {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
    }
  }
}

interface View { onEvent: (event: DownloadEvent) => void, stop: () => void }

function jsonView (stream: NodeJS.WritableStream): View {
  return { onEvent: event => { stream.write(JSON.stringify(event) + '\n') }, stop: () => {} }
}

/** A progress bar (size, speed, peers, ETA) on standard error in a terminal; warnings once each. */
function textView (): View {
  const tty = process.stderr.isTTY
  const seen = new Set<string>()
  let bar: SingleBar | undefined
  let name = ''
  const warn = (message: string) => {
    if (seen.has(message)) return
    seen.add(message)
    if (bar) bar.stop()
    bar = undefined
    process.stderr.write(`seedcast: warning: ${message}\n`)
  }
  const eta = (seconds: number | null) => seconds === null ? '--' : seconds >= 3600 ? `${Math.floor(seconds / 3600)}h${Math.floor(seconds % 3600 / 60)}m` : seconds >= 60 ? `${Math.floor(seconds / 60)}m${seconds % 60}s` : `${seconds}s`
  return {
    onEvent (event) {
      switch (event.event) {
        // Tracker hiccups are usually transient; the final error names the last one if it matters.
        case 'warning': if (event.kind !== 'swarm') warn(event.message); break
        case 'peer-banned': warn(`peer ${event.address} sent ${event.failedPieces} corrupt piece(s); disconnected and banned`); break
        case 'metadata': name = event.name; break
        case 'progress': {
          if (!tty) break
          const payload = { name, done: formatBytes(event.downloaded), size: formatBytes(event.total), speed: formatBytes(event.speed), peers: event.peers, eta: eta(event.etaSeconds) }
          if (!bar) {
            bar = new SingleBar({ stream: process.stderr, format: '{name} [{bar}] {percentage}% | {done}/{size} | {speed}/s | {peers} peers | ETA {eta}', hideCursor: true, clearOnComplete: true }, Presets.shades_classic)
            bar.start(event.total, event.downloaded, payload)
          } else {
            bar.update(event.downloaded, payload)
          }
          break
        }
        case 'seeding':
          if (bar) { bar.stop(); bar = undefined }
          if (tty) process.stderr.write(`\rseeding ${name}: ${formatBytes(event.uploaded)} uploaded, ${event.peers} peers, ${formatBytes(event.speed)}/s   `)
          break
        default: break
      }
    },
    stop () { if (bar) bar.stop(); bar = undefined }
  }
}
