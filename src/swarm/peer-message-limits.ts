import { EventEmitter } from 'node:events'
import { fastPathCounts } from './fast-path-counts.js'
import { peerOf } from './peer-links.js'
import type { InternalTargets } from './webtorrent-internals.js'
import { BAN_MS, BanList, describeMessage, ipOfAddress, largestMessage, messageBounds, normalizeIp } from './wire-limits.js'

// Peer message limits and bans: a peer that sends a message longer (or shorter) than its
// type allows is cut off at once and its address banned for a while, before webtorrent
// buffers what it announced. Applied by webtorrent-internals.ts ("peer message limits").

/** Addresses banned in this process (see wire-limits.ts). */
export const peerBans = new BanList()

export interface HostilePeer { address: string, reason: string, bannedForMs: number }

/** Emits 'banned' (HostilePeer) when a peer is dropped for a message it may not send. */
export const hostilePeers = new EventEmitter()

interface GuardedWire {
  _buffer: Uint8Array[]
  _bufferSize: number
  _parse: (size: number, parser: (buffer: Uint8Array) => void) => void
  remoteAddress?: string
  remotePort?: number
  destroy: () => void
}
interface GuardedWireProto {
  _onMessageLength: (this: GuardedWire, buffer: Uint8Array) => void
  _onMessage: (this: GuardedWire, buffer: Uint8Array) => void
}
interface DialingTorrentProto { _addPeer: (this: unknown, peer: unknown, type: string, source?: unknown) => unknown }
interface ConnPoolProto { _onConnection: (this: unknown, conn: { remoteAddress?: string, on: (event: string, listener: () => void) => void, destroy: () => void }, type: string) => void }

const discard = () => {}

/** Bounds every message a peer sends by its type (wire-limits.ts); a peer past them is dropped and banned. */
export function limitPeerMessages (targets: Pick<InternalTargets, 'wire' | 'connPool' | 'torrent'>): void {
  const wire = targets.wire as GuardedWireProto
  const onMessageLength = wire._onMessageLength
  const onMessage = wire._onMessage
  wire._onMessageLength = function (buffer) {
    const length = new DataView(buffer.buffer, buffer.byteOffset, 4).getUint32(0)
    if (length > 0) {
      // The id byte usually came with the length; until it has, the largest of any type.
      const id = this._bufferSize > 0 ? this._buffer[0]![0] : undefined
      const pieces = piecesOf(this)
      const bounds = id === undefined ? { min: 1, max: largestMessage(pieces) } : messageBounds(id, pieces)
      if (length < bounds.min || length > bounds.max) return refuse(this, id, length, bounds.max)
    }
    return onMessageLength.call(this, buffer)
  }
  wire._onMessage = function (buffer) {
    const bounds = messageBounds(buffer[0]!, piecesOf(this))
    if (buffer.length < bounds.min || buffer.length > bounds.max) return refuse(this, buffer[0], buffer.length, bounds.max)
    return onMessage.call(this, buffer)
  }

  const connPool = targets.connPool as ConnPoolProto
  const onConnection = connPool._onConnection
  connPool._onConnection = function (conn, type) {
    if (peerBans.has(conn.remoteAddress)) {
      fastPathCounts.bannedConnections++
      conn.on('error', discard)
      conn.destroy()
      return
    }
    return onConnection.call(this, conn, type)
  }

  const torrent = targets.torrent as DialingTorrentProto
  const addPeer = torrent._addPeer
  // Every outgoing connection (from trackers, DHT, PEX, and webtorrent's own reconnects) starts here.
  torrent._addPeer = function (peer, type, source) {
    if (typeof peer === 'string' && peerBans.has(ipOfAddress(peer))) {
      fastPathCounts.bannedConnections++
      return null
    }
    return addPeer.call(this, peer, type, source)
  }
}

function piecesOf (wire: object): number | undefined {
  const pieces = peerOf(wire)?.swarm?.pieces?.length
  return pieces || undefined
}

/** Stops reading the wire at once, bans the peer's IP, drops the connection. */
function refuse (wire: GuardedWire, id: number | undefined, length: number, max: number): void {
  wire._parse(Number.MAX_SAFE_INTEGER, discard)
  wire._buffer = []
  wire._bufferSize = 0
  fastPathCounts.oversizedMessages++
  const peer = peerOf(wire)
  const address = peer?.addr ?? (wire.remoteAddress ? `${wire.remoteAddress}:${wire.remotePort}` : undefined)
  const reason = `sent ${describeMessage(id)} of ${length} bytes (${length > max ? `at most ${max}` : 'too short'})`
  // WebRTC peers have no address to ban; dropping them is all there is.
  if (address) peerBans.ban(ipOfAddress(address))
  hostilePeers.emit('banned', { address: address ? displayAddress(address) : 'a WebRTC peer', reason, bannedForMs: address ? BAN_MS : 0 } satisfies HostilePeer)
  if (peer && !peer.destroyed) peer.destroy(new Error(reason))
  else wire.destroy()
}

function displayAddress (address: string): string {
  const ip = ipOfAddress(address)
  const port = address.slice(address.lastIndexOf(':') + 1)
  return ip.includes(':') ? `[${ip}]:${port}` : `${normalizeIp(ip)}:${port}`
}
