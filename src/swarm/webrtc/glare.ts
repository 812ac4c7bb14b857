import { applyWebTorrentInternals } from '../webtorrent-internals.js'

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
 * The patch itself is in webrtc-glare-patch.ts, shared with the browser player; in Node
 * it is applied, after checking its targets, with seedcast's other WebTorrent patches by
 * webtorrent-internals.ts.
 */

/** Applies the tie-break (and the other WebTorrent patches) once per process; false when its targets are missing. */
export function applyWebRtcGlareFix (): boolean {
  return applyWebTorrentInternals().find(entry => entry.feature === 'WebRTC glare tie-break')?.on ?? false
}
