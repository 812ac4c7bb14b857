/*
 * The WebRTC glare tie-break (see glare.ts for the why), written against the two
 * prototypes it patches and nothing else, so the Node swarm (which imports them from
 * webtorrent's and bittorrent-tracker's sources) and the browser player (which reaches them
 * through the instances of WebTorrent's prebuilt browser bundle) apply the very same rule.
 * No Node or DOM API is used here.
 */

const OFFER_ID = Symbol.for('seedcast.offerId')
const PATCHED = Symbol.for('seedcast.webrtcGlarePatched')

interface TaggedConn { initiator?: boolean, [OFFER_ID]?: string }
interface TrackerLike { peers: Record<string, TaggedConn> | null, _pendingOfferId?: string }
interface TrackerProto {
  [PATCHED]?: boolean
  _onAnnounceResponse: (this: TrackerLike, data: Record<string, unknown>) => void
  _createPeer: (this: TrackerLike, opts?: Record<string, unknown>) => TaggedConn
}
interface TorrentLike {
  destroyed: boolean
  client: { peerId: string }
  _peers?: Map<string, { type?: string, conn?: unknown }>
  removePeer: (id: string) => void
}
interface TorrentProto {
  [PATCHED]?: boolean
  _addPeer: (this: TorrentLike, peer: unknown, type: string, source?: unknown) => unknown
}

/** Hex of a binary (latin1) string as the tracker protocol carries offer ids. */
function latin1ToHex (binary: unknown): string | undefined {
  if (typeof binary !== 'string') return undefined
  let hex = ''
  for (let i = 0; i < binary.length; i++) hex += binary.charCodeAt(i).toString(16).padStart(2, '0')
  return hex
}

/** Tags each WebRTC connection with its offer id (bittorrent-tracker's WebSocketTracker.prototype). Idempotent. */
export function patchWebSocketTracker (proto: object): void {
  const tracker = proto as TrackerProto
  if (tracker[PATCHED]) return
  tracker[PATCHED] = true
  const onAnnounceResponse = tracker._onAnnounceResponse
  const createPeer = tracker._createPeer

  tracker._onAnnounceResponse = function (data) {
    const offerId = latin1ToHex(data.offer_id)
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

  tracker._createPeer = function (opts) {
    const conn = createPeer.call(this, opts)
    // Called from _onAnnounceResponse for a remote offer: remember which offer it answers.
    if (this._pendingOfferId && !opts?.initiator) conn[OFFER_ID] = this._pendingOfferId
    return conn
  }
}

/** Keeps, of two WebRTC connections to one peer, the one both ends rank first (webtorrent's Torrent.prototype). Idempotent. */
export function patchTorrent (proto: object): void {
  const torrent = proto as TorrentProto
  if (torrent[PATCHED]) return
  torrent[PATCHED] = true
  const addPeer = torrent._addPeer
  torrent._addPeer = function (peer, type, source) {
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
