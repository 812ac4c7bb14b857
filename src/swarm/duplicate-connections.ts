import type { SwarmClient } from './client.js'

/**
 * When two BitTorrent peers learn of each other from the same tracker, both dial: the
 * pair ends up with two TCP (or uTP) connections, one in each direction. WebTorrent keys
 * its peers by address, and the two connections have different addresses (a listen port
 * and an ephemeral one), so it keeps both: `seedcast peers` then showed one leecher as
 * two, and every block request went out twice. Keyed by the remote peer id instead, one
 * of the two is closed. Both ends must close the same one or they would drop both, so the
 * choice is deterministic: keep the connection opened by the peer with the lower peer id
 * (the WebRTC glare fix, webrtc/glare.ts, decides the same way for WebRTC).
 */
export function closeDuplicateConnections (client: SwarmClient): void {
  client.on('add', (torrent: any) => {
    torrent.on('wire', (wire: any) => {
      if (!isDialled(wire)) return
      for (const other of torrent.wires as any[]) {
        if (other === wire || !isDialled(other) || other.peerId !== wire.peerId || other.destroyed) continue
        const loser = preferred(client.peerId, other, wire) ? wire : other
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

/** True when `first` is the connection both ends keep: the one whose initiator has the lower peer id. */
function preferred (localPeerId: string, first: any, second: any): boolean {
  const initiator = (wire: any): string => wire.type.endsWith('Outgoing') ? localPeerId : wire.peerId
  const a = initiator(first)
  const b = initiator(second)
  return a === b ? true : a < b
}
