/** What the stats line needs of one connected peer (a WebTorrent wire). */
export interface WireView {
  /** The peer told us it wants pieces. */
  peerInterested: boolean
  /** Bytes a second of pieces sent to it, over the last few seconds (WebTorrent's window). */
  uploadSpeed: () => number
}

/**
 * The listeners this tab shares with and the upload speed to them, from the same wires so the
 * two always agree: a listener is a peer that wants pieces or was sent some within the speed
 * window (one that just finished is still being counted down); the speed is theirs alone. The
 * torrent's own speed also kept counting a listener that had left (its wire gone) or turned
 * not interested, which showed as "0 listeners · upload 200 B/s".
 */
export function listenersOf (wires: readonly WireView[]): { listeners: number, uploadSpeed: number } {
  let listeners = 0
  let uploadSpeed = 0
  for (const wire of wires) {
    const speed = wire.uploadSpeed()
    if (!wire.peerInterested && speed <= 0) continue
    listeners++
    uploadSpeed += speed
  }
  return { listeners, uploadSpeed }
}
