import { fastPathCounts } from './fast-path-counts.js'
import type { PeerLike } from './peer-links.js'

interface TorrentLike { wires: unknown[], client?: { maxConns?: number } | null }
export interface IncomingTorrentProto { _addIncomingPeer: (this: TorrentLike, peer: PeerLike) => unknown }

/**
 * webtorrent's maxConns stops it dialling more peers but takes every incoming one; with
 * `--max-conns` an operator means a cap. An incoming peer past it is dropped when its
 * handshake names the torrent.
 */
export function capIncoming (proto: IncomingTorrentProto): void {
  const addIncomingPeer = proto._addIncomingPeer
  proto._addIncomingPeer = function (peer) {
    const max = this.client?.maxConns
    // Web seeds are wires too (HTTP fetches of the torrent's URLs), not peer connections.
    if (max && this.wires.filter(wire => (wire as { type?: string }).type !== 'webSeed').length >= max) {
      fastPathCounts.refusedOverCap++
      return peer.destroy(new Error(`more than ${max} peers`))
    }
    return addIncomingPeer.call(this, peer)
  }
}
