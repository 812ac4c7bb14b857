import { Socket } from 'node:net'
import { fastPathCounts } from './fast-path-counts.js'

/** The members of webtorrent's Peer.prototype sendStraightToSockets replaces. */
export interface SendingPeerProto { setThrottlePipes: (this: SendingPeer) => void }
interface SendingPeer extends SendingPeerProto {
  conn?: unknown
  wire?: SendingWire | null
  destroyed?: boolean
  throttleGroups?: { up?: object & { getEnabled?: () => boolean } }
  emit: (event: string, ...args: unknown[]) => boolean
}
/** The members of bittorrent-protocol's Wire this file reads or replaces (on the instance). */
export interface SendingWire {
  _push: (data: Uint8Array) => unknown
  _finished?: boolean
  _encryptor?: { encrypt: (data: Uint8Array) => Uint8Array } | null
  /** streamx's readable side: what the wire pushed and its pipeline has not taken yet. */
  _readableState?: { buffered?: number } | null
}

/** The upload throttle groups of the clients that asked for sending straight to the socket. */
const sendingClients = new WeakSet<object>()

/**
 * Has the TCP peers of `client` (a WebTorrent client) send the direct way below from now
 * on. Returns false, nothing changed, when the client has no upload throttle group to
 * recognise its peers by.
 */
export function sendStraightFor (client: object): boolean {
  const up = (client as { throttleGroups?: { up?: unknown } }).throttleGroups?.up
  if (typeof up !== 'object' || up === null) return false
  sendingClients.add(up)
  return true
}

/**
 * WebTorrent pipes everything a wire sends through two stream transforms (its upload
 * throttle and a byte counter) into the socket: three streamx hops, each with its own
 * queue and scheduling, for every message. A download sends mostly block requests
 * (17 bytes each, 65,536 per GiB of 16 KiB blocks), so those hops ran tens of thousands
 * of times a second for a few bytes each. For a TCP peer of a client that asked for it
 * (sendStraightFor), with no upload limit (the throttle would pass everything through),
 * the wire's `_push` (which every message goes through, after the MSE encryptor when
 * there is one, as the library's own `_push` does) writes to the socket itself and counts
 * the bytes as the counter transform did (peer 'upload'). The socket's buffer holds what
 * the kernel has not taken yet, as the pipeline's queues did: bittorrent-protocol never
 * waits on a push either. The pipeline stays in place for the stream's end and errors: the
 * wire's end (push(null) in its _onFinish) still ends the socket through it, after every
 * message written here, and a destroyed socket or wire still takes the others down.
 * Decided when the peer connects, before the wire sent anything: a pipeline with queued
 * bytes keeps the library's path (writing around it would reorder messages).
 * Applied by webtorrent-internals.ts, which checks the members exist first.
 */
export function sendStraightToSockets (proto: SendingPeerProto): void {
  const setThrottlePipes = proto.setThrottlePipes
  proto.setThrottlePipes = function () {
    setThrottlePipes.call(this)
    const conn = this.conn
    const up = this.throttleGroups?.up
    const wire = this.wire
    if (!(conn instanceof Socket) || !wire || !up || !sendingClients.has(up) || up.getEnabled?.() !== false) return
    if (conn.destroyed || (wire._readableState?.buffered ?? 1) !== 0) return
    sendStraight(this, conn, wire)
  }
}

function sendStraight (peer: SendingPeer, conn: Socket, wire: SendingWire): void {
  wire._push = function (this: SendingWire, data: Uint8Array) {
    if (this._finished) return undefined
    if (this._encryptor) data = this._encryptor.encrypt(data)
    // Closed or ending: the pipeline would have had nowhere to put it either.
    if (!conn.writable) return false
    fastPathCounts.straightWrites++
    // The counter transform's work: WebTorrent's uploaded bytes and speeds come from it.
    if (!peer.destroyed) peer.emit('upload', data.length)
    return conn.write(data)
  }
}
