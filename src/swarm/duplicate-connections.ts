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
 * ends with none. seedcast decides as libtorrent (qBittorrent, Deluge, most of the swarm)
 * does once both handshakes are through (libtorrent 2.0 src/bt_peer_connection.cpp, the
 * peer-id check): of two connections in the same direction the newer goes; of two in
 * opposite directions, the side with the greater peer id keeps the connection it opened.
 * (libtorrent's other rule, peer_list::new_connection for one connection per IP, keeps the
 * connection opened by the side with the lower listen port, but it acts when the second
 * connection attaches, before libtorrent sends its handshake on it: that connection never
 * becomes a wire here, so there is nothing for this rule to disagree with.) Before,
 * seedcast kept the one opened by the lower peer id, the opposite of libtorrent. The WebRTC
 * glare fix (webrtc/glare.ts) is a different race (offers, not connections) with its own rule.
 */
export function closeDuplicateConnections (client: SwarmClient): void {
  client.on('add', (torrent: any) => {
    torrent.on('wire', (wire: any) => {
      if (!isDialled(wire)) return
      for (const other of torrent.wires as any[]) {
        if (other === wire || !isDialled(other) || other.peerId !== wire.peerId || other.destroyed) continue
        const loser = keepsFirst(client.peerId, other, wire) ? wire : other
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
function keepsFirst (localPeerId: string, first: any, second: any): boolean {
  if (outgoing(first) === outgoing(second)) return true
  // Peer ids are hex here: string order is libtorrent's byte order.
  const keepOurs = localPeerId > first.peerId
  return keepOurs === outgoing(first)
}
