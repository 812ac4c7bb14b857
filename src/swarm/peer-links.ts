import { EventEmitter } from 'node:events'

// Wire or socket → the webtorrent Peer that owns it (its socket, address, torrent):
// webtorrent keeps no way back from a wire to its peer, which the message limits, the uTP
// FIN handling and the shared-address guard need. Applied by webtorrent-internals.ts
// ("peer links"), which checks the members first.

const OWNER = Symbol.for('seedcast.peerOfWire')

export interface PeerLike { type?: string, wire?: object | null, conn?: unknown, addr?: string | null, swarm?: { pieces?: unknown[], client?: unknown } | null, destroyed?: boolean, destroy: (err?: Error) => void }
export interface PeerProto { onConnect: (this: PeerLike) => void }

/** Emits 'connect' (PeerLike) for every peer connection as it opens, before any handshake. */
export const connectedPeers = new EventEmitter().setMaxListeners(0)

export function linkPeers (proto: PeerProto): void {
  const onConnect = proto.onConnect
  proto.onConnect = function () {
    const result = onConnect.call(this)
    if (this.wire) (this.wire as Record<symbol, unknown>)[OWNER] = this
    if (this.conn && typeof this.conn === 'object') (this.conn as Record<symbol, unknown>)[OWNER] = this
    if (!this.destroyed) connectedPeers.emit('connect', this)
    return result
  }
}

/** The Peer a socket belongs to (set once it connected), also before its handshake. */
export function peerOfConn (conn: object): PeerLike | undefined {
  return (conn as Record<symbol, PeerLike | undefined>)[OWNER]
}

export function peerOf (wire: object): PeerLike | undefined {
  return (wire as Record<symbol, PeerLike | undefined>)[OWNER]
}

/** The connection under a wire: a net.Socket (TCP), a uTP socket or a simple-peer (WebRTC). */
export function connOfWire (wire: object): unknown {
  return peerOf(wire)?.conn ?? undefined
}
