import { Args, Flags } from '@oclif/core'
import { setFlagsFromString } from 'node:v8'
import { SeedcastCommand } from '../cli/base-command.js'
import { seedOptionsFromFlags } from '../cli/seed-flags.js'
import { seedView } from '../cli/seed-view.js'
import { exitSoonAfterStop, StopSignals } from '../cli/stop-signals.js'
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
    // This process is now a long-lived seeder whose garbage is mostly short-lived 16 KiB
    // blocks: keep V8's young generation at its initial size instead of letting it grow
    // to tens of MiB (peak RSS 175 → about 120 MiB in test/bench/swarm-seed.bench.ts).
    setFlagsFromString('--semi-space-growth-factor=1')
    // During start-up the first signal lets the pieces being checked finish (so their
    // state is saved and the next start resumes), then stops; a second one ends it now.
    let started = false
    const stop = new StopSignals(reason => {
      if (!started) process.stderr.write(`stopping after the data check (${reason}); again to quit now\n`)
    })
    const seeder = await seedTorrents(argv as string[], {
      ...seedOptionsFromFlags(flags),
      data: flags.data,
      onEvent: seedView({ json, table: process.stderr.isTTY })
    })
    started = true
    if (flags.duration) setTimeout(() => stop.stop('duration'), flags.duration * 1000).unref()
    // stop() is idempotent; a signal that came during start-up stops at once.
    await seeder.stop(await stop.stopped)
    exitSoonAfterStop()
  }
}
