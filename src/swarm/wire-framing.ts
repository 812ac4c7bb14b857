import { framedBlocks, PIECE_HEADER_LENGTH } from './seed/store.js'
import { fastPathCounts } from './fast-path-counts.js'

const PIECE = 7

/** The members of bittorrent-protocol's Wire.prototype framePieceMessages replaces and calls. */
export interface FramedWireProto {
  _message: (this: FramedWire, id: number, numbers: number[], data: Uint8Array | null) => void
  _push: (this: FramedWire, data: Uint8Array) => unknown
}
interface FramedWire extends FramedWireProto { type?: string, _encryptor?: { _isEncrypted?: boolean } | null }

/**
 * bittorrent-protocol sends a "piece" message as two chunks (13-byte header, then the
 * block), and webtorrent pipes every chunk through two stream transforms before the
 * socket. For blocks read by SeedStore the header is written into the free bytes in
 * front of the block and the message goes out as one chunk: half the per-chunk work on
 * the upload path, and no copy. Any other block, an encrypted wire, or a WebRTC wire
 * takes the original path: over WebRTC the 16,397-byte message would exceed the 16 KiB
 * data-channel message size that peers are guaranteed to accept, and with
 * @roamhq/wrtc it crashed the process (SIGSEGV) under load. Applied by
 * webtorrent-internals.ts, which checks the members exist first.
 */
export function framePieceMessages (proto: FramedWireProto): void {
  const message = proto._message
  proto._message = function (id, numbers, data) {
    if (id !== PIECE || !data || isEncrypted(this) || this.type === 'webrtc' || data.byteOffset !== PIECE_HEADER_LENGTH || !framedBlocks.has(data.buffer)) {
      if (id === PIECE) fastPathCounts.unframedPieces++
      return message.call(this, id, numbers, data)
    }
    const frame = new Uint8Array(data.buffer, 0, PIECE_HEADER_LENGTH + data.length)
    const view = new DataView(data.buffer, 0, PIECE_HEADER_LENGTH)
    view.setUint32(0, 9 + data.length)
    frame[4] = PIECE
    view.setUint32(5, numbers[0]!)
    view.setUint32(9, numbers[1]!)
    fastPathCounts.framedPieces++
    this._push(frame)
  }
}

/**
 * webtorrent (secure: 1, its default) gives EVERY wire an MSE encryptor, which passes
 * data through unless the peer negotiated RC4; testing for the encryptor's presence
 * (as this file first did) kept the one-chunk path off for all peers. Same test as the
 * wire's own _push.
 */
function isEncrypted (wire: FramedWire): boolean {
  return wire._encryptor?._isEncrypted === true
}
