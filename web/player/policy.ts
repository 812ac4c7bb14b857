/*
 * Where the next missing piece comes from. Tuned on this machine (see the benchmark):
 * - a piece is urgent while the element cannot play (starting, seeking, stalled) or will need
 *   it within LOW_WATER_SECONDS of wall-clock playback:
 *   a peer that has it gets PEER_DEADLINE_MS (STARVING_PEER_DEADLINE_MS when the element
 *   cannot play), then the web seed is asked;
 * - otherwise peers carry it, and the web seed is read only when no peer has it and the swarm
 *   has had SWARM_GRACE_MS to show up, and never more than READ_AHEAD_SECONDS of audio past
 *   the play position (less with a bounded store: PlaybackView.readAheadBytes), so HTTP egress
 *   stays what a plain <audio> costs (test/e2e/player-egress.test.ts).
 */
export const PEER_DEADLINE_MS = 300
/** The same while the element cannot play at all (start, seek): silence is what the listener hears. */
export const STARVING_PEER_DEADLINE_MS = 50
export const LOW_WATER_SECONDS = 3
export const READ_AHEAD_SECONDS = 180
export const SWARM_GRACE_MS = 2_000
/** Longest single web-seed request; peers take over between requests. */
export const WEB_SEED_RUN_BYTES = 512 * 1024
/** Bit rate assumed until the element knows the duration (128 kb/s). */
export const DEFAULT_BYTES_PER_SECOND = 16_000

export interface PlaybackView {
  /** Byte offset of the play position. */
  playheadByte: number
  /** Seconds of wall-clock playback buffered past the play position. */
  bufferedWallSeconds: number
  bytesPerSecond: number
  /** How far past the play position the web seed may be read (READ_AHEAD_SECONDS of it, less when the store is bounded). */
  readAheadBytes: number
  /** The element cannot play on yet (starting, seeking, or out of data): every byte is urgent. */
  starving: boolean
}

export interface PeerView {
  /** A connected peer has the piece. */
  peerHas: (index: number) => boolean
  /** The swarm has had its chance: loaded (or failed) and past its grace time. */
  settled: () => boolean
}

export type Decision = 'wait-peers' | 'web-seed' | 'wait'

const isUrgent = (playback: PlaybackView): boolean => playback.starving || playback.bufferedWallSeconds < LOW_WATER_SECONDS
const peerDeadline = (playback: PlaybackView): number => playback.starving ? STARVING_PEER_DEADLINE_MS : PEER_DEADLINE_MS

export function decide (index: number, pieceLength: number, playback: PlaybackView, peers: PeerView | undefined, waitedMs: number): Decision {
  const offset = index * pieceLength
  const urgent = isUrgent(playback)
  if (peers?.peerHas(index) && (!urgent || waitedMs < peerDeadline(playback))) return 'wait-peers'
  if (urgent) return 'web-seed'
  const withinReadAhead = offset < playback.playheadByte + playback.readAheadBytes
  if (withinReadAhead && (!peers || peers.settled())) return 'web-seed'
  return 'wait'
}

/**
 * Milliseconds until `decide` stops answering 'wait-peers' for an urgent piece waited on for
 * `waitedMs` (Infinity when the piece is not urgent): a waiting reader must look again by then,
 * or the deadline is only as short as its next wake-up.
 */
export function peerWaitLeft (playback: PlaybackView, waitedMs: number): number {
  return isUrgent(playback) ? Math.max(0, peerDeadline(playback) - waitedMs) : Infinity
}
