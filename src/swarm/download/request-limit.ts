import type { EventEmitter } from 'node:events'

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

interface LimitedWire extends EventEmitter {
  peerExtendedHandshake?: { reqq?: unknown } | null
}

/**
 * Bounds the data a download holds in memory. WebTorrent keeps at most a peer's `reqq`
 * (the outstanding requests it allows, from its extended handshake) in flight: here that
 * is lowered to REQUEST_QUEUE, and to one block while the downloaded pieces waiting to be
 * written pass HOLD_ABOVE (a slow or busy disk: under load, 70 pieces were waiting in
 * WebTorrent's store queue, all of them in memory). A peer's own smaller `reqq` is kept.
 * The store reports its writes (DownloadStore's `writes`); each finished write makes
 * WebTorrent ask again, so requests resume by themselves.
 */
export class RequestLimit {
  private pendingBytes = 0
  private holding = false
  private readonly wires = new Set<LimitedWire>()
  /** The `reqq` each peer sent (undefined: none). */
  private readonly own = new WeakMap<object, number | undefined>()

  /** Watches a wire from its creation; its extended handshake, when it comes, is capped too. */
  watch (wire: LimitedWire): void {
    this.wires.add(wire)
    this.cap(wire)
    wire.on('extended', (name: string) => { if (name === 'handshake') this.cap(wire) })
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
    for (const wire of this.wires) this.cap(wire)
  }

  private cap (wire: LimitedWire): void {
    const handshake = wire.peerExtendedHandshake
    if (!handshake || typeof handshake !== 'object') return
    if (!this.own.has(handshake)) {
      const theirs = handshake.reqq
      this.own.set(handshake, typeof theirs === 'number' && theirs > 0 ? theirs : undefined)
    }
    const theirs = this.own.get(handshake)
    handshake.reqq = theirs === undefined ? this.limit : Math.min(theirs, this.limit)
  }
}
