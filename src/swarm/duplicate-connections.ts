import type { SwarmClient } from './client.js'
import { fastPathCounts } from './fast-path-counts.js'

/**
 * When two BitTorrent peers learn of each other at the same moment (the same tracker
 * answer, or one dials while the other's dial is on its way), both dial: the pair ends
 * up with two TCP (or uTP) connections, one in each direction. WebTorrent keys its peers
 * by address and the two connections usually have different addresses (a listen port
 * and an ephemeral one), so it kept both: `seedcast peers` showed one leecher as two,
 * and every block request went out twice. Keyed by the remote peer id instead, one of the
 * two is closed.
 *
 * Both ends must close the same one, or each drops the one the other keeps and the pair
 * ends with none. libtorrent (qBittorrent, Deluge, most of the swarm) decides so, and
 * seedcast decides as it does (libtorrent 2.0 src/peer_list.cpp new_connection and
 * src/bt_peer_connection.cpp, the peer-id check):
 * - two connections in the same direction: the newer one goes;
 * - opposite directions, both from one IP (what libtorrent's default, one connection per
 *   IP, compares): the side whose listen port is lower keeps the connection it opened;
 * - opposite directions from two addresses of the peer (or equal ports): the side with
 *   the greater peer id keeps the connection it opened.
 * Before, seedcast kept the one opened by the lower peer id, the opposite of libtorrent's
 * peer-id rule. The WebRTC glare fix (webrtc/glare.ts) is a different race (offers, not
 * connections) and keeps its own rule.
 */
export function closeDuplicateConnections (client: SwarmClient): void {
  client.on('add', (torrent: any) => {
    torrent.on('wire', (wire: any) => {
      if (!isDialled(wire)) return
      for (const other of torrent.wires as any[]) {
        if (other === wire || !isDialled(other) || other.peerId !== wire.peerId || other.destroyed) continue
        const loser = keepsFirst(client, other, wire) ? wire : other
        fastPathCounts.duplicateConnections++
        // After the current event: WebTorrent is still setting the new wire up.
        setImmediate(() => loser.destroy())
        return
      }
    })
  })
}

function isDialled (wire: any): boolean {
  return typeof wire.type === 'string' && /^(tcp|utp)(Incoming|Outgoing)$/.test(wire.type)
}

const outgoing = (wire: any): boolean => wire.type.endsWith('Outgoing')

/** True when the older connection `first` is the one both ends keep over the newer `second`. */
function keepsFirst (client: SwarmClient, first: any, second: any): boolean {
  if (outgoing(first) === outgoing(second)) return true
  const ours = outgoing(first) ? first : second
  const keepOurs = first.remoteAddress === second.remoteAddress ? listenPortRule(client, ours) : undefined
  return (keepOurs ?? peerIdRule(client, ours)) === (ours === first)
}

/**
 * libtorrent's rule for one IP: whoever listens on the lower port keeps its outgoing
 * connection. Our outgoing connection went to the peer's listen port; undefined on a tie.
 */
function listenPortRule (client: SwarmClient, ours: any): boolean | undefined {
  const ourPort = (client.address() as { port?: number } | null)?.port
  const theirPort = ours.remotePort
  if (typeof ourPort !== 'number' || typeof theirPort !== 'number' || ourPort === theirPort) return undefined
  return ourPort < theirPort
}

/** libtorrent's peer-id rule: the greater peer id keeps the connection it opened. */
function peerIdRule (client: SwarmClient, ours: any): boolean {
  return client.peerId > ours.peerId
}
