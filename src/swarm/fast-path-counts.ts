/**
 * What the patched fast paths and guards of webtorrent-internals.ts did in this process.
 * Tests assert on these with real peers, so a fast path that silently stops working (a
 * renamed member in a dependency) fails a test; `seed --json` reports them when it stops.
 */
export const fastPathCounts = {
  /** Piece messages sent as one chunk (header written in front of the block). */
  framedPieces: 0,
  /** Piece messages sent the library's way (two chunks): WebRTC, encrypted wires, other stores. */
  unframedPieces: 0,
  /** Writes that went through a batched (corked) TCP socket. */
  batchedWrites: 0,
  /** Batches flushed (uncork: one writev(2) for all the writes of an event-loop turn). */
  batchFlushes: 0,
  /** Peer messages refused for their length (the peer was dropped and banned). */
  oversizedMessages: 0,
  /** Connections refused because their address is banned. */
  bannedConnections: 0,
  /** Incoming connections refused because the torrent already had its most connections. */
  refusedOverCap: 0,
  /** uTP connections ended on a FIN libutp could not read (libtorrent's, with its close reason). */
  unreadUtpFins: 0,
  /** Connections closed because the peer (same peer id) had another one (duplicate-connections.ts). */
  duplicateConnections: 0,
  /** Connections kept when a duplicate sharing their address was destroyed (WebTorrent would have destroyed both). */
  sharedAddressesKept: 0,
  /** uTP connections probed with keep-alives after an unread FIN that could be theirs (two from one address). */
  utpFinProbes: 0,
  /** Received messages split across socket reads, copied into one buffer (the others are parsed in place). */
  joinedMessages: 0,
  /** Socket reads received straight into the shared read buffer and handed to their wire (direct-receive.ts). */
  straightReads: 0,
  /** Messages a wire wrote to its TCP socket itself, not through WebTorrent's upload pipeline (direct-send.ts). */
  straightWrites: 0,
  /** Messages other than pieces in a lent read, handed to the parser as a copy of their own (wire-receive.ts). */
  copiedLentMessages: 0,
  /** Downloaded pieces whose blocks were copied into one buffer as they came (not zero-filled first, no join at the end). */
  unzeroedPieces: 0,
  /** Downloaded pieces assembled in the buffer of an earlier piece already written to disk. */
  reusedPieceBuffers: 0,
  /** Received blocks whose request was found where the last one's was, or next to it (no scan). */
  requestsFoundAtOnce: 0,
  /** Runs of WebTorrent's request scheduler skipped because one was already queued (coalesced-updates.ts). */
  coalescedUpdates: 0,
  /** Requests that reached a web seed already destroyed, dropped instead of read through its nulled torrent (web-seed-close.ts). */
  closedWebSeedRequests: 0,
  /** HTTP tracker announces that failed with their cleanup still listed, released so a destroy need not wait 1 s for them (tracker-request-release.ts). */
  releasedTrackerRequests: 0,
  /** Times a download's cap on a peer's outstanding requests was set or changed (its extended handshake's reqq). */
  cappedRequestQueues: 0,
  /** MSE (encryption) handshakes whose Diffie-Hellman keys were made without Node's per-object prime check (mse-key.ts). */
  mseKeyExchanges: 0
}

export type FastPathCounts = typeof fastPathCounts

export function snapshotFastPathCounts (): FastPathCounts {
  return { ...fastPathCounts }
}

/** Two sets of counts added up (the seeder's and its WebRTC child's); either may be missing. */
export function addFastPathCounts (a: FastPathCounts | undefined, b: FastPathCounts | undefined): FastPathCounts | undefined {
  if (!a || !b) return a ?? b
  const sum = { ...a }
  for (const key of Object.keys(b) as Array<keyof FastPathCounts>) sum[key] = (a[key] ?? 0) + b[key]
  return sum
}
