import { fastPathCounts } from './fast-path-counts.js'
import { featureOn } from './webtorrent-internals.js'

// The download request queue limit: a cap on the block requests outstanding to one peer
// (download/request-limit.ts decides it), written where webtorrent reads it.

interface QueuedWire { peerExtendedHandshake?: { reqq?: unknown } | null }

/** The `reqq` each peer sent in its extended handshake (undefined: none), before it was capped. */
const ownRequestQueues = new WeakMap<object, number | undefined>()

/**
 * Lets `wire` have at most `limit` block requests outstanding (WebTorrent asks for a
 * second's worth of the peer's speed, capped only by the `reqq` of the peer's extended
 * handshake; download/request-limit.ts decides the limit). The cap is written into that
 * handshake's `reqq`, a peer's own smaller `reqq` kept; call it again after a new
 * handshake (it replaces the object) or to change the limit. False, nothing changed, when
 * the feature is off or the wire has no handshake object.
 */
export function capRequestQueue (wire: object, limit: number): boolean {
  if (!featureOn('download request queue limit')) return false
  const handshake = (wire as QueuedWire).peerExtendedHandshake
  if (!handshake || typeof handshake !== 'object') return false
  if (!ownRequestQueues.has(handshake)) {
    const theirs = handshake.reqq
    ownRequestQueues.set(handshake, typeof theirs === 'number' && theirs > 0 ? theirs : undefined)
  }
  const theirs = ownRequestQueues.get(handshake)
  const capped = theirs === undefined ? limit : Math.min(theirs, limit)
  if (handshake.reqq !== capped) fastPathCounts.cappedRequestQueues++
  handshake.reqq = capped
  return true
}
