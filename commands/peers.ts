import { Args, Flags } from '@oclif/core'
import { SeedcastCommand } from '../cli/base-command.js'
import { SeedcastError } from '../src/errors.js'
import { formatBytes } from '../src/torrent/format.js'
import { findPeers } from '../src/swarm/peers.js'
import { printable } from '../cli/printable.js'

export default class Peers extends SeedcastCommand {
  static override summary = 'Show who is connected to a running seeder, by transport.'

  static override description = `Lists the peers connected to the torrent given by its infohash (40 hex characters) or its .torrent file, as seen by the "seedcast seed" processes using the same state folder: transport (tcp, utp, webrtc), address, bytes sent and received, upload speed.

A running seeder rewrites a status file in its state folder every second; this command reads it, so it needs the same --state as the seeder (or neither). Exits 1 when no running seeder seeds that torrent.`

  static override examples = [
    '<%= config.bin %> peers 9f1c4e0e3b5b6a1d2c3f4e5a6b7c8d9e0f1a2b3c',
    '<%= config.bin %> peers my-show/public/torrents/episode-1.torrent',
    '<%= config.bin %> peers episode-1.torrent --state /var/lib/seedcast --json'
  ]

  static override args = {
    torrent: Args.string({ description: 'infohash or .torrent file', required: true })
  }

  static override flags = {
    state: Flags.directory({ description: 'state folder of the seeder (default $XDG_STATE_HOME/seedcast or ~/.local/state/seedcast)' })
  }

  async run (): Promise<unknown> {
    const { args, flags } = await this.parse(Peers)
    const found = await findPeers(args.torrent, { stateDir: flags.state })
    if (!found) {
      throw new SeedcastError(`no running seeder is seeding ${args.torrent}`, { code: 'ENOTSEEDING', hint: 'start `seedcast seed`, or pass the same --state as the seeder' })
    }
    if (!this.jsonEnabled()) {
      this.log(`${printable(found.name)} (${found.infoHash}): ${found.peers.length} peer${found.peers.length === 1 ? '' : 's'}, uploaded ${formatBytes(found.uploaded)}`)
      const counts = Object.entries(found.byTransport)
      if (counts.length) this.log(`by transport: ${counts.map(([transport, count]) => `${transport} ${count}`).join(', ')}`)
      for (const peer of found.peers) {
        this.log(`  ${peer.transport.padEnd(7)} ${(peer.address ?? '-').padEnd(22)} up ${formatBytes(peer.uploaded).padStart(9)}  down ${formatBytes(peer.downloaded).padStart(9)}  ${formatBytes(peer.uploadSpeed)}/s`)
      }
    }
    return found
  }
}
