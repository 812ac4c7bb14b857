import type { Wire } from 'webtorrent'
import { transportOf, type PeerTransport } from './events.js'

/** Bytes (or peers) per transport; every transport present, 0 when none. */
export type ByTransport = Record<PeerTransport, number>

export function emptyByTransport (): ByTransport {
  return { tcp: 0, utp: 0, webrtc: 0, webSeed: 0 }
}

/** Adds `more` into `totals`, transport by transport. */
export function addByTransport (totals: ByTransport, more: ByTransport): void {
  for (const transport of Object.keys(totals) as PeerTransport[]) totals[transport] += more[transport]
}

/** All transports together. */
export function sumByTransport (byTransport: ByTransport): number {
  return Object.values(byTransport).reduce((sum, bytes) => sum + bytes, 0)
}

/**
 * Adds every block `wire` uploads to `totals` under the wire's transport, through the
 * wire's public 'upload' event (bittorrent-protocol emits it for each piece message
 * sent). Totals outlive the wire: a peer that leaves keeps its bytes counted, which
 * `wire.uploaded` (per connection) does not.
 */
export function countUploadsByTransport (wire: Wire, totals: ByTransport): void {
  const transport = transportOf(wire.type)
  wire.on('upload', (bytes: number) => { totals[transport] += bytes })
}

/** Connected peers of a torrent's wires, by transport. */
export function peersByTransport (wires: Wire[]): ByTransport {
  const counts = emptyByTransport()
  for (const wire of wires) counts[transportOf(wire.type)]++
  return counts
}
