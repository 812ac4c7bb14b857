import { Args, Flags } from '@oclif/core'
import { setFlagsFromString } from 'node:v8'
import { SeedcastCommand } from '../cli/base-command.js'
import { formatBytes } from '../src/torrent/format.js'
import { NO_RATE_LIMIT, parseRate } from '../src/swarm/rate.js'
import type { SeedEvent, TorrentStatus } from '../src/swarm/seed/events.js'
import { seedTorrents } from '../src/swarm/seed/seeder.js'

export default class Seed extends SeedcastCommand {
  static override summary = 'Seed episodes (torrents or whole show folders) from one process'

  static override description = `Seeds every given torrent from ONE BitTorrent client until interrupted (Ctrl-C, SIGTERM) or --duration seconds.
An argument is a .torrent file or a show folder (a folder with show.json): a show folder means every published episode of its episodes.json.
A show folder is followed while seeding: an episode published (or taken out of draft) by another seedcast process is checked and seeded within a moment, and one removed (or put back to draft) stops being seeded and announced; the episodes already seeding are left alone, never checked again.

A torrent's data is looked for under --data first, then next to the .torrent (for a show folder, in public/ next to the episode's media path). Each file is looked for under its safe name, where "seedcast get" writes it: unsafe names in a torrent (an absolute path, "..", slashes inside a name...) are sanitised as libtorrent does ("seedcast info" lists each change), and BEP 47 pad files are zeros that are never on disk.
Data is checked before it is offered: the first time every piece is hashed; afterwards only files whose size or modification time changed are hashed again (fast resume, kept under --state). A torrent whose data is missing or does not match is reported and skipped; the others are seeded.

Peers come from the trackers named in each torrent (http, udp and ws:// for WebRTC), the DHT and Local Service Discovery; seedcast adds no public tracker. WebRTC peers (browsers) connect through ws:// trackers.

In a terminal a status table (peers, upload speed, uploaded, ratio per torrent) is redrawn every second on standard error. With --json one JSON event per line goes to standard output: started, seeding, removed, warning, peer, stats (every second, with hashedPieces: the pieces hashed since start), stopped.
A status file in --state lets "seedcast peers" show who is connected. Exits 1 when no torrent at all can be seeded.`

  static override examples = [
    { description: 'Seed every episode of a show', command: '<%= config.bin %> seed ./my-show' },
    { description: 'Seed loose torrents whose media sit in /srv/media, capped at 1 MiB/s', command: '<%= config.bin %> seed ep1.torrent ep2.torrent --data /srv/media --upload-limit 1M' },
    { description: 'Seed for ten minutes with JSON events and no DHT (a private test swarm)', command: '<%= config.bin %> seed ./my-show --duration 600 --no-dht --json' }
  ]

  static override strict = false

  static override args = {
    inputs: Args.string({ description: '.torrent files and/or show folders', required: true })
  }

  protected override optionFlags = { torrentPort: '--port' }

  static override flags = {
    data: Flags.directory({ description: 'folder searched first for the torrents\' data' }),
    port: Flags.integer({ description: 'TCP/uTP port to accept peers on (default: any free port)', min: 0, max: 65535 }),
    dht: Flags.boolean({ description: 'announce on the Mainline DHT (--no-dht to disable)', default: true, allowNo: true }),
    lsd: Flags.boolean({ description: 'Local Service Discovery on the LAN (--no-lsd to disable)', default: true, allowNo: true }),
    webrtc: Flags.boolean({ description: 'accept WebRTC peers through ws:// trackers (--no-webrtc to disable)', default: true, allowNo: true }),
    'ice-server': Flags.string({ description: 'STUN/TURN URL for WebRTC, repeatable; "none" for host candidates only (default: the WebRTC library\'s public STUN servers)', multiple: true }),
    utp: Flags.boolean({ description: 'uTP besides TCP (--no-utp to disable)', default: true, allowNo: true }),
    'upload-limit': Flags.string({ description: 'cap upload speed, bytes per second with optional k/m/g suffix (e.g. 1M; 0 for no limit, the default)' }),
    'max-conns': Flags.integer({ description: 'most peer connections per torrent', min: 1, default: 55 }),
    state: Flags.directory({ description: 'fast-resume and status folder (default $XDG_STATE_HOME/seedcast or ~/.local/state/seedcast)' }),
    duration: Flags.integer({ description: 'stop after this many seconds (default: run until interrupted)', min: 1 })
  }

  async run (): Promise<void> {
    const { argv, flags } = await this.parse(Seed)
    const json = this.jsonEnabled()
    const view = json ? jsonView() : process.stderr.isTTY ? ttyView() : textView()
    // This process is now a long-lived seeder whose garbage is mostly short-lived 16 KiB
    // blocks: keep V8's young generation at its initial size instead of letting it grow
    // to tens of MiB (peak RSS 175 → about 120 MiB in test/bench/swarm-seed.bench.ts).
    setFlagsFromString('--semi-space-growth-factor=1')
    // Signals are taken before start-up (which may hash for a long while), so a Ctrl-C
    // then is a clean stop too, not the default kill. `on`, not `once`, and never removed:
    // signal-exit (loaded by write-file-atomic) re-raises a signal when no other listener
    // is left, which would kill the seeder in the middle of its clean stop.
    // During start-up the first signal lets the pieces being checked finish (so their
    // state is saved and the next start resumes), then stops; a second one ends it now.
    let stopReason: string | undefined
    let requestStop: (reason: string) => void = reason => {
      if (stopReason) process.exit(130)
      stopReason = reason
      process.stderr.write(`stopping after the data check (${reason}); again to quit now\n`)
    }
    const onSignal = (reason: string) => () => requestStop(reason)
    process.on('SIGINT', onSignal('SIGINT'))
    process.on('SIGTERM', onSignal('SIGTERM'))
    const seeder = await seedTorrents(argv as string[], {
      data: flags.data,
      torrentPort: flags.port,
      dht: flags.dht,
      lsd: flags.lsd,
      webrtc: flags.webrtc,
      utp: flags.utp,
      ...(flags['ice-server'] ? { rtcConfig: { iceServers: flags['ice-server'].filter(url => url !== 'none').map(urls => ({ urls })) } } : {}),
      uploadLimit: flags['upload-limit'] ? parseRate(flags['upload-limit'], '--upload-limit') : NO_RATE_LIMIT,
      maxConns: flags['max-conns'],
      stateDir: flags.state,
      onEvent: view
    })
    await new Promise<void>(resolve => {
      // stop() is idempotent; a signal that came during start-up stops at once.
      requestStop = reason => { seeder.stop(reason).then(resolve, resolve) }
      if (stopReason) requestStop(stopReason)
      else if (flags.duration) setTimeout(() => requestStop('duration'), flags.duration * 1000)
    })
    // Everything is closed and the state saved; a tracker request still in flight (an
    // announce cut short by the signal) must not keep a stopped seeder alive.
    setTimeout(() => process.exit(), 2000).unref()
  }
}

type View = (event: SeedEvent) => void

function jsonView (): View {
  return event => { process.stdout.write(JSON.stringify(event) + '\n') }
}

/** Not a terminal and no --json: plain lines, no redraws (logs, systemd). */
function textView (): View {
  return event => {
    if (event.event === 'seeding') process.stderr.write(`seeding ${event.name} (${formatBytes(event.length)}${event.resumed ? ', fast resume' : `, ${event.hashedPieces} pieces checked`})\n`)
    else if (event.event === 'removed') process.stderr.write(`stopped seeding ${event.name} (${event.reason})\n`)
    else if (event.event === 'warning') process.stderr.write(`warning: ${event.message}\n`)
    else if (event.event === 'started') process.stderr.write(`seedcast seed: ${event.torrents} torrent(s), peer port ${event.port}\n`)
    else if (event.event === 'stopped') process.stderr.write(`stopped (${event.reason}), uploaded ${formatBytes(event.uploaded)}\n`)
  }
}

/** A table redrawn in place about once a second on standard error. */
function ttyView (): View {
  const notes: string[] = []
  let drawn = 0
  const draw = (torrents: TorrentStatus[]) => {
    const lines = [...notes.splice(0)]
    const rows = torrents.slice(0, Math.max(5, (process.stderr.rows ?? 30) - 6))
    const width = Math.min(40, Math.max(4, ...rows.map(t => t.name.length)))
    lines.push(`${'NAME'.padEnd(width)}  PEERS      UP/S   UPLOADED  RATIO`)
    for (const t of rows) {
      lines.push(`${t.name.slice(0, width).padEnd(width)}  ${String(t.peers).padStart(5)}  ${formatBytes(t.uploadSpeed).padStart(8)}  ${formatBytes(t.uploaded).padStart(8)}  ${t.ratio.toFixed(2).padStart(5)}`)
    }
    if (torrents.length > rows.length) lines.push(`… and ${torrents.length - rows.length} more`)
    // Move up over the previous table (warnings printed since stay above it) and clear to the end of the screen before redrawing.
    process.stderr.write((drawn ? `\x1b[${drawn}F\x1b[J` : '') + lines.join('\n') + '\n')
    drawn = rows.length + 1 + (torrents.length > rows.length ? 1 : 0)
  }
  return event => {
    if (event.event === 'stats') draw(event.torrents)
    else if (event.event === 'warning') notes.push(`warning: ${event.message}`)
    else if (event.event === 'removed') notes.push(`stopped seeding ${event.name} (${event.reason})`)
    else if (event.event === 'started') process.stderr.write(`seedcast seed: ${event.torrents} torrent(s), peer port ${event.port}; Ctrl-C to stop\n`)
    else if (event.event === 'stopped') process.stderr.write(`stopped (${event.reason}), uploaded ${formatBytes(event.uploaded)}\n`)
  }
}
