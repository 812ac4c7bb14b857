import Torrent from 'webtorrent/lib/torrent.js'
import WebSocketTracker from 'bittorrent-tracker/websocket-tracker'

/*
 * WebRTC "glare" (webtorrent issue #401), fixed by a deterministic tie-break.
 *
 * Over a WebSocket tracker every announce carries up to five WebRTC offers, and the
 * tracker hands each offer to some other peer of the swarm. When peers A and B announce
 * at almost the same moment, A's offer reaches B and B's offer reaches A: two
 * connections to the same peer id come up, X (initiated by A) and Y (initiated by B).
 * webtorrent keys WebRTC peers by the remote peer id and drops whichever one arrives
 * second (Torrent#_addPeer, "duplicate"). The order differs per side - A typically
 * sees Y first (B's offer) and B sees X first (A's offer) - so A keeps Y and kills X
 * while B keeps X and kills Y: both connections die, and the next announce repeats it.
 *
 * The cure is to make both sides keep the SAME connection, without any timing: each
 * connection is ranked by (peer id of its initiator, offer id), values both ends know
 * identically, and the lower rank wins whichever arrives first. The offer id is
 * recorded on the simple-peer object by the tracker code below (the initiator stores
 * its offers under it; the answering side receives it with the offer).
 * A side never destroys the winner, so the winner always completes its signalling and
 * both sides end up on it; the loser may be torn down after a moment of use, which is
 * harmless. Nothing is delayed, so simultaneous joins connect on the first announce.
 */

const OFFER_ID = Symbol.for('seedcast.offerId')
const APPLIED = Symbol.for('seedcast.webrtcGlareFix')

interface TaggedConn { initiator?: boolean, [OFFER_ID]?: string }
interface PatchedTracker { peers: Record<string, TaggedConn> | null, _pendingOfferId?: string }

const toHex = (binary: unknown): string | undefined =>
  typeof binary === 'string' ? Buffer.from(binary, 'latin1').toString('hex') : undefined

/** Applies the tie-break once per process (idempotent). */
export function applyWebRtcGlareFix (): void {
  const registry = globalThis as Record<symbol, unknown>
  if (registry[APPLIED]) return
  registry[APPLIED] = true

  const tracker = WebSocketTracker.prototype as unknown as PatchedTracker & {
    _onAnnounceResponse: (data: Record<string, unknown>) => void
    _createPeer: (opts?: Record<string, unknown>) => TaggedConn
  }
  const onAnnounceResponse = tracker._onAnnounceResponse
  const createPeer = tracker._createPeer

  tracker._onAnnounceResponse = function (this: PatchedTracker, data) {
    const offerId = toHex(data.offer_id)
    if (data.answer && offerId) {
      // Our own offer is being answered: it was stored under its offer id.
      const own = this.peers?.[offerId]
      if (own) own[OFFER_ID] = offerId
    }
    this._pendingOfferId = data.offer ? offerId : undefined
    try {
      onAnnounceResponse.call(this, data)
    } finally {
      this._pendingOfferId = undefined
    }
  }

  tracker._createPeer = function (this: PatchedTracker, opts) {
    const conn = createPeer.call(this, opts)
    // Called from _onAnnounceResponse for a remote offer: remember which offer it answers.
    if (this._pendingOfferId && !opts?.initiator) conn[OFFER_ID] = this._pendingOfferId
    return conn
  }

  const torrent = Torrent.prototype
  const addPeer = torrent._addPeer
  torrent._addPeer = function (this: typeof torrent, peer: unknown, type: string, source?: unknown) {
    const incoming = peer as (TaggedConn & { id?: string }) | string
    if (typeof incoming === 'object' && incoming?.id && !this.destroyed) {
      const existing = this._peers?.get(incoming.id)
      const existingConn = existing?.type === 'webrtc' ? existing.conn as TaggedConn | null : null
      if (existing && existingConn && rank(this.client.peerId, incoming.id, incoming) < rank(this.client.peerId, incoming.id, existingConn)) {
        // The new connection is the one both sides agree on: drop ours, then add it.
        this.removePeer(incoming.id)
      }
    }
    return addPeer.call(this, peer, type, source)
  }
}

/**
 * Rank of a WebRTC connection between us and `remoteId`, identical on both ends:
 * the initiator's peer id, then the offer id. Untagged connections rank last.
 */
function rank (ownId: string, remoteId: string, conn: TaggedConn): string {
  const offerId = conn[OFFER_ID]
  if (!offerId) return '~'
  return `${conn.initiator ? ownId : remoteId}:${offerId}`
}
