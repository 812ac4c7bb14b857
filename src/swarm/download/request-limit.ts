import type { EventEmitter } from 'node:events'
import { capRequestQueue } from '../webtorrent-internals.js'

/**
 * Most block requests outstanding to one peer: libtorrent's default (max_out_request_queue),
 * 8 MiB of 16 KiB blocks. WebTorrent asks for a second's worth of a peer's speed, which
 * over loopback from aria2c was 3,000 to 10,000 blocks (50-160 MiB) in flight, all of it
 * arriving whether the disk kept up or not.
 */
export const REQUEST_QUEUE = 500

/** Pieces waiting for the disk (bytes) past which no more blocks are asked for... */
const HOLD_ABOVE = 16 * 1024 * 1024
/** ...until the writes are down to this. */
const RESUME_BELOW = 4 * 1024 * 1024

/** A bittorrent-protocol wire: its extended handshake is announced with the 'extended' event. */
type LimitedWire = EventEmitter

/**
 * Bounds the data a download holds in memory. WebTorrent keeps at most a peer's `reqq`
 * (the outstanding requests it allows, from its extended handshake) in flight: here that
 * is lowered to REQUEST_QUEUE, and to one block while the downloaded pieces waiting to be
 * written pass HOLD_ABOVE (a slow or busy disk: under load, 70 pieces were waiting in
 * WebTorrent's store queue, all of them in memory). A peer's own smaller `reqq` is kept.
 * The store reports its writes (DownloadStore's `writes`); each finished write makes
 * WebTorrent ask again, so requests resume by themselves. The cap itself is written by
 * webtorrent-internals.ts (capRequestQueue), which checks WebTorrent still reads it; when
 * it cannot, nothing is capped and `get` prints which feature is off.
 */
export class RequestLimit {
  private pendingBytes = 0
  private holding = false
  private readonly wires = new Set<LimitedWire>()

  /** Watches a wire from its creation; its extended handshake, when it comes, is capped too. */
  watch (wire: LimitedWire): void {
    this.wires.add(wire)
    capRequestQueue(wire, this.limit)
    wire.on('extended', (name: string) => { if (name === 'handshake') capRequestQueue(wire, this.limit) })
    wire.once('close', () => this.wires.delete(wire))
  }

  readonly writes = {
    started: (bytes: number): void => {
      this.pendingBytes += bytes
      if (!this.holding && this.pendingBytes > HOLD_ABOVE) this.hold(true)
    },
    finished: (bytes: number): void => {
      this.pendingBytes -= bytes
      if (this.holding && this.pendingBytes <= RESUME_BELOW) this.hold(false)
    }
  }

  /** The limit now in force (for tests and figures). */
  get limit (): number {
    return this.holding ? 1 : REQUEST_QUEUE
  }

  private hold (holding: boolean): void {
    this.holding = holding
    for (const wire of this.wires) capRequestQueue(wire, this.limit)
  }
}
