import type { EventEmitter } from 'node:events'
import { capRequestQueue } from '../request-queue-cap.js'

/**
 * Most block requests outstanding to one peer: libtorrent's default (max_out_request_queue),
 * 8 MiB of 16 KiB blocks. WebTorrent asks for a second's worth of a peer's speed, which
 * over loopback from aria2c was 3,000 to 10,000 blocks (50-160 MiB) in flight, all of it
 * arriving whether the disk kept up or not.
 * Fewer would cost `get` less CPU: the 1 GiB bench download from aria2c, one build with the
 * cap alternated at load 10-15, took 2.75 s with 2000, 2.30-2.41 s with 500, 2.13 with 250
 * and 2.04-2.10 with 125 (medians of five, two rounds; peak RSS 140-148, 121-137, 119-123,
 * 114-122 MiB), and 128 against 500 in two builds 2.00 against 2.24 s (seven rounds). But
 * 128 was also slower in some of those runs (wall medians 5.5 against 4.2 s; a bench round
 * 151 against 207 MiB/s): a short pipeline drains while the loaded process waits for a core,
 * and 2 MiB in flight caps one peer at 20 MiB/s across a 100 ms round trip. 256 against 500
 * was 2.16 against 2.18 s. Kept at 500 until a quiet machine can tell the rate apart.
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
