import Wire from 'bittorrent-protocol'
import { framedBlocks, PIECE_HEADER_LENGTH } from './seed/store.js'

const APPLIED = Symbol.for('seedcast.wireFraming')
const PIECE = 7

/**
 * bittorrent-protocol sends a "piece" message as two chunks (13-byte header, then the
 * block), and webtorrent pipes every chunk through two stream transforms before the
 * socket. For blocks read by SeedStore the header is written into the free bytes in
 * front of the block and the message goes out as one chunk: half the per-chunk work on
 * the upload path, and no copy. Any other block, an encrypted wire, or a WebRTC wire
 * takes the original path: over WebRTC the 16,397-byte message would exceed the 16 KiB
 * data-channel message size that peers are guaranteed to accept, and with
 * @roamhq/wrtc it crashed the process (SIGSEGV) under load. Applied once per process.
 */
export function applyWireFraming (): void {
  const registry = globalThis as Record<symbol, unknown>
  if (registry[APPLIED]) return
  registry[APPLIED] = true
  const proto = Wire.prototype
  const message = proto._message
  proto._message = function (this: typeof proto, id: number, numbers: number[], data: Uint8Array | null) {
    if (id !== PIECE || !data || isEncrypted(this) || this.type === 'webrtc' || data.byteOffset !== PIECE_HEADER_LENGTH || !framedBlocks.has(data.buffer)) {
      return message.call(this, id, numbers, data)
    }
    const frame = new Uint8Array(data.buffer, 0, PIECE_HEADER_LENGTH + data.length)
    const view = new DataView(data.buffer, 0, PIECE_HEADER_LENGTH)
    view.setUint32(0, 9 + data.length)
    frame[4] = PIECE
    view.setUint32(5, numbers[0]!)
    view.setUint32(9, numbers[1]!)
    this._push(frame)
  }
}

/**
 * webtorrent (secure: 1, its default) gives EVERY wire an MSE encryptor, which passes
 * data through unless the peer negotiated RC4; testing for the encryptor's presence
 * (as this file first did) kept the one-chunk path off for all peers. Same test as the
 * wire's own _push.
 */
function isEncrypted (wire: object): boolean {
  return (wire as { _encryptor?: { _isEncrypted?: boolean } | null })._encryptor?._isEncrypted === true
}
