import { fastPathCounts } from './fast-path-counts.js'
import { peerOf } from './peer-links.js'

// Duplicate connections sharing an address: applied by webtorrent-internals.ts.

/*
 * WebTorrent keys its peers by "ip:port", and a uTP peer that dials us comes from its listen
 * port (libtorrent sends all uTP from its one UDP socket): our connection to it and its
 * connection to us get the same key, the later registered replacing the earlier in
 * torrent._peers. Peer#destroy ends with torrent.removePeer(this.id), which looks the key up
 * and destroys what it finds: closing the duplicate (duplicate-connections.ts) destroyed the
 * connection kept as well, and the pair ended with none. Here a destroy whose key another
 * live connection holds (or shares) removes only itself, and leaves the key to the other.
 */

interface SwarmOfPeers { destroyed?: boolean, wires?: object[], _peers?: unknown }
interface DestroyingPeer { id?: string, destroyed?: boolean, swarm?: SwarmOfPeers | null }
export interface DestroyingPeerProto { destroy: (this: DestroyingPeer, err?: Error) => unknown }

export function keepSharedAddresses (proto: DestroyingPeerProto): void {
  const destroy = proto.destroy
  proto.destroy = function (err) {
    const swarm = this.swarm
    const peers = swarm?._peers
    if (this.destroyed || !swarm || !(peers instanceof Map) || typeof this.id !== 'string') return destroy.call(this, err)
    const registered = peers.get(this.id) as DestroyingPeer | undefined
    const sibling = registered && registered !== this && !registered.destroyed
      ? registered
      : (swarm.wires ?? []).map(wire => peerOf(wire) as DestroyingPeer | undefined)
          .find(peer => peer !== undefined && peer !== this && !peer.destroyed && peer.id === this.id)
    if (!sibling) return destroy.call(this, err)
    // removePeer(id) then finds this peer (already marked destroyed) and deletes the key only.
    peers.set(this.id, this)
    try {
      return destroy.call(this, err)
    } finally {
      if (!swarm.destroyed && !sibling.destroyed) {
        peers.set(this.id, sibling)
        fastPathCounts.sharedAddressesKept++
      }
    }
  }
}
