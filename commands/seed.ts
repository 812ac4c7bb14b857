import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import { SeedcastCommand } from '../cli/base-command.js'
import { seedFlags, seedOptionsFromFlags } from '../cli/seed-flags.js'
import { seedView } from '../cli/seed-view.js'
import { exitSoonAfterStop, StopSignals } from '../cli/stop-signals.js'
import { formatBytes } from '../src/torrent/format.js'
import { isRemoteSource } from '../src/follow/remote-source.js'
import type { SeedSourceEvent } from '../src/follow/seed-sources.js'
import { leaveOutUnusedModules } from '../src/swarm/lean-imports.js'
import { keepWebAssemblyUnoptimised } from '../src/swarm/wasm-tiering.js'
import { boundYoungGeneration } from '../src/swarm/young-garbage.js'
import { printable } from '../cli/printable.js'

/**
 * V8's new space at most (both semi-spaces). 16 MiB (what 84dd284's seeder mostly ran
 * with) let the semi-spaces' pages of short-lived garbage count in the seeder's peak
 * RSS while it uploads: seeding 1 GiB to aria2c, alternating runs at load average 9,
 * peak RSS medians were 104.0 (16 MiB), 101.6 (8), 99.4 (4) and 100.2 MiB (2), upload
 * CPU 1.73, 1.66, 1.63, 1.60 s; 1,000 torrents started as fast (cold 3.95 / 3.76 s, warm
 * 3.91 / 2.60 s at 16 / 4 MiB). Below that, scavenges become many (1 MiB: 250-330 per GiB).
 */
const YOUNG_GENERATION_BYTES = 4 * 1024 * 1024

export default class Seed extends SeedcastCommand {
  static override summary = 'Seed episodes (torrents, show folders, magnets, .torrent URLs or whole podcast feeds) from one process.'

  static override description = `Seeds every given torrent from ONE BitTorrent client until interrupted (Ctrl-C, SIGTERM) or --duration seconds.
An argument is a .torrent file or a show folder (a folder with show.json): a show folder means every published episode of its episodes.json.
It may also be something to fetch first, into --data (default: the current folder), then seed:
  - a magnet link: its .torrent comes from the magnet's xs= URL when it has one, else from peers; the data is downloaded (or found already complete) in --data, and the .torrent is kept next to it as <name>.torrent with the magnet's trackers and web seeds;
  - the http(s) URL of a .torrent: the same;
  - the http(s) URL of a podcast feed (RSS or Atom, seedcast's p2p.xml too): every episode the feed offers as a torrent (a podcast:alternateEnclosure .torrent, or a magnet with xs=), laid out as \`seedcast follow\` lays out its library (<data>/<feed>/<episode>/), with the HTTP enclosure as web seed and podcast:integrity checked. Episodes offered over HTTP only are skipped with a note: making torrents of someone's media is \`seedcast follow\`'s job, under the feed's license. A feed is read once; to keep up with new episodes, use \`seedcast follow\`.
What is already complete in --data is not downloaded again. A source that cannot be fetched, or is neither a .torrent nor a feed, stops the command with one line.
A show folder is followed while seeding: an episode published (or taken out of draft) by another seedcast process is checked and seeded within a moment, and one removed (or put back to draft) stops being seeded and announced; the episodes already seeding are left alone, never checked again. After \`seedcast show edit --tracker\` they announce to the new trackers (left and rejoined, not checked again).

A torrent's data is looked for under --data first, then next to the .torrent (for a show folder, in public/ next to the episode's media path). Each file is looked for under its safe name, where "seedcast get" writes it: unsafe names in a torrent (an absolute path, "..", slashes inside a name...) are sanitised as libtorrent does ("seedcast info" lists each change), and BEP 47 pad files are zeros that are never on disk.
Data is checked before it is offered: the first time every piece is hashed; afterwards only files whose size or modification time changed are hashed again (fast resume, kept under --state). A torrent whose data is missing or does not match is reported and skipped; the others are seeded.

Peers come from the trackers named in each torrent (http, udp and ws:// for WebRTC), the DHT and Local Service Discovery; seedcast adds no public tracker. WebRTC peers (browsers) connect through ws:// trackers.

In a terminal a status table (peers, upload speed, uploaded, ratio per torrent) is redrawn every second on standard error. With --json one JSON event per line goes to standard output: fetching, fetched, skipped (magnets and URLs), started, seeding, removed, warning, peer, stats (every second, with hashedPieces: the pieces hashed since start), stopped.
A status file in --state lets "seedcast peers" show who is connected. Exits 1 when no torrent at all can be seeded.`

  static override examples = [
    { description: 'Seed every episode of a show', command: '<%= config.bin %> seed ./my-show' },
    { description: 'Seed loose torrents whose media sit in /srv/media, capped at 1 MiB/s', command: '<%= config.bin %> seed ep1.torrent ep2.torrent --data /srv/media --upload-limit 1M' },
    { description: 'Seed for ten minutes with JSON events and no DHT (a private test swarm)', command: '<%= config.bin %> seed ./my-show --duration 600 --no-dht --json' },
    { description: 'Fetch an episode from its magnet link into ./podcasts and keep seeding it', command: '<%= config.bin %> seed "magnet:?xt=urn:btih:...&xs=https%3A%2F%2Fexample.org%2Ftorrents%2Fep1.torrent" --data ./podcasts' },
    { description: 'Seed every episode a PeerTube channel or seedcast show offers as a torrent', command: '<%= config.bin %> seed https://example.org/show/p2p.xml --data ./podcasts' }
  ]

  static override strict = false

  static override args = {
    inputs: Args.string({ description: '.torrent files, show folders, magnet links, .torrent URLs and/or podcast feed URLs', required: true })
  }

  protected override optionFlags = { torrentPort: '--port', timeoutSeconds: '--timeout', trackers: 'a tr= parameter in the magnet' }

  static override flags = {
    data: Flags.directory({ description: 'folder searched first for the torrents\' data; where magnets and URLs are fetched to (default: the current folder)' }),
    timeout: Flags.integer({ description: 'fetching a magnet or URL: seconds without progress before it gives up', min: 1, default: 60 }),
    ...seedFlags,
    duration: Flags.integer({ description: 'stop after this many seconds (default: run until interrupted)', min: 1 })
  }

  async run (): Promise<void> {
    const { argv, flags } = await this.parse(Seed)
    const json = this.jsonEnabled()
    // Before webtorrent loads: what of its imports a seeder never runs stays unloaded
    // (with --no-dht the DHT library too, with --no-webrtc simple-peer), then the seeder itself is loaded.
    leaveOutUnusedModules({ dht: flags.dht, webrtc: flags.webrtc })
    // Announces for days: fetch's HTTP parser kept out of V8's optimising compiler (wasm-tiering.ts).
    keepWebAssemblyUnoptimised()
    const [{ seedTorrents }, { internalsWarnings }] = await Promise.all([import('../src/swarm/seed/seeder.js'), import('../src/swarm/webtorrent-internals.js')])
    // This process is now a long-lived seeder whose garbage is mostly short-lived 16 KiB
    // blocks: V8's young generation, grown while the modules loaded (to 16 or 32 MiB, by
    // when scavenges fell), is cut back and kept at most 4 MiB (young-garbage.ts).
    boundYoungGeneration(YOUNG_GENERATION_BYTES)
    // During start-up the first signal lets the pieces being checked finish (so their
    // state is saved and the next start resumes), then stops; a second one ends it now.
    let started = false
    const stop = new StopSignals(reason => {
      if (!started) process.stderr.write(`stopping after the data check (${reason}); again to quit now\n`)
    })
    // Magnets and URLs are fetched first (a stop asked for meanwhile ends the download; what
    // is verified stays on disk for the next run). The fetching code (a feed reader, the
    // downloader: 224 of the 895 modules a seeder loaded) is loaded only then: for local
    // inputs it was 3-4 MiB of V8's old space for the seeder's whole life.
    const inputs: string[] = []
    const { fetchSeedSource } = (argv as string[]).some(isRemoteSource) ? await import('../src/follow/seed-sources.js') : { fetchSeedSource: undefined }
    for (const input of argv as string[]) {
      if (!isRemoteSource(input) || !fetchSeedSource) { inputs.push(input); continue }
      if (stop.requested) break
      inputs.push(...await fetchSeedSource(input, { dir: flags.data ?? process.cwd(), dht: flags.dht, timeoutSeconds: flags.timeout, signal: stop.signal, onEvent: json ? jsonLine : sourceLine }))
    }
    const seeder = await seedTorrents(inputs, {
      ...seedOptionsFromFlags(flags),
      data: flags.data,
      onEvent: seedView({ json, table: process.stderr.isTTY })
    })
    started = true
    // A WebTorrent internal seedcast patches is gone (a dependency changed): say which fast path is off.
    for (const line of internalsWarnings()) process.stderr.write(line + '\n')
    if (flags.duration) setTimeout(() => stop.stop('duration'), flags.duration * 1000).unref()
    // stop() is idempotent; a signal that came during start-up stops at once.
    await seeder.stop(await stop.stopped)
    exitSoonAfterStop()
  }
}

function jsonLine (event: SeedSourceEvent): void {
  process.stdout.write(JSON.stringify(event) + '\n')
}

/** Fetching magnets and URLs, before the seeder starts: one line each on standard error. */
function sourceLine (event: SeedSourceEvent): void {
  if (event.event === 'fetching') process.stderr.write(`fetching ${printable(event.name ?? event.input)}…\n`)
  else if (event.event === 'fetched') process.stderr.write(`got ${printable(event.name)} (${formatBytes(event.received)} received)\n`)
  else process.stderr.write(`skipped: ${event.message}\n`)
}
