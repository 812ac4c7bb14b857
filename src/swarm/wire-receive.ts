import { fastPathCounts } from './fast-path-counts.js'

/** The members of bittorrent-protocol's Wire.prototype receiveWithoutCopies replaces. */
export interface ReceivingWireProto {
  _write: (this: ReceivingWire, data: Uint8Array, callback: (error: Error | null) => void) => void
  _processBuffer: (this: ReceivingWire) => void
}
interface ReceivingWire extends ReceivingWireProto {
  _encryptor?: { decrypt: (data: Uint8Array) => Uint8Array } | null
  _buffer: Uint8Array[]
  _bufferSize: number
  _parserSize: number
  _parser: (buffer: Uint8Array) => void
  _cryptoSyncPattern?: Uint8Array | null
  _pePending?: boolean
}

/**
 * bittorrent-protocol joins every chunk read from the socket to what was left of the last
 * one, in a new zero-filled buffer, before it parses: every received byte was copied once
 * more, in a fresh allocation per socket read (a seventh of `get`'s CPU in a profile).
 * Here the chunks are kept as they came and a message is handed to the parser as a view
 * of its chunk; only a message split across reads is copied, into a buffer of its own
 * size. `_buffer[0]` still starts at the next unparsed byte, as the message limits of
 * webtorrent-internals.ts read it. While MSE encryption is being negotiated
 * (`_cryptoSyncPattern`, `_pePending`) the library's own path runs on the joined bytes.
 * Applied by webtorrent-internals.ts, which checks the members exist first.
 */
export function receiveWithoutCopies (proto: ReceivingWireProto): void {
  const processBuffer = proto._processBuffer
  proto._write = function (data, callback) {
    if (this._encryptor) data = this._encryptor.decrypt(data)
    this._bufferSize += data.length
    this._buffer.push(data)
    this._processBuffer()
    callback(null)
  }
  proto._processBuffer = function () {
    while (true) {
      if (this._cryptoSyncPattern || this._pePending) {
        if (this._buffer.length > 1) this._buffer = [join(this._buffer, this._bufferSize)]
        return processBuffer.call(this)
      }
      if (this._bufferSize < this._parserSize) return
      const size = this._parserSize
      let message: Uint8Array
      if (size === 0) {
        message = new Uint8Array()
      } else if (this._buffer[0]!.length >= size) {
        const first = this._buffer[0]!
        message = first.subarray(0, size)
        if (first.length === size) this._buffer.shift()
        else this._buffer[0] = first.subarray(size)
      } else {
        message = take(this._buffer, size)
        fastPathCounts.joinedMessages++
      }
      this._bufferSize -= size
      this._parser(message)
    }
  }
}

/** Removes the first `size` bytes of `chunks` into one new buffer (not zero-filled first). */
function take (chunks: Uint8Array[], size: number): Uint8Array {
  const out = Buffer.allocUnsafe(size)
  let filled = 0
  while (filled < size) {
    const chunk = chunks[0]!
    const used = Math.min(chunk.length, size - filled)
    out.set(chunk.subarray(0, used), filled)
    filled += used
    if (used === chunk.length) chunks.shift()
    else chunks[0] = chunk.subarray(used)
  }
  return out
}

function join (chunks: Uint8Array[], size: number): Uint8Array {
  const out = Buffer.allocUnsafe(size)
  let filled = 0
  for (const chunk of chunks) { out.set(chunk, filled); filled += chunk.length }
  return out
}

/** The members of torrent-piece's Piece.prototype flushWithoutZeroFill replaces and reads. */
export interface FlushingPieceProto { flush: (this: FlushingPiece) => Uint8Array | null }
interface FlushingPiece {
  length: number
  sources: unknown
  _buffer: Uint8Array[] | null
  _chunks: number
  _buffered: number
  _cancellations: unknown
  _flushed: boolean
}

/**
 * torrent-piece joins a finished piece's blocks into a zero-filled new buffer: for 1 MiB
 * pieces the zero-filled allocation cost several times the copy (fresh pages for each
 * piece). Same join, into an allocation that is not zeroed first (every byte is written).
 */
export function flushWithoutZeroFill (proto: FlushingPieceProto): void {
  proto.flush = function () {
    if (!this._buffer || this._chunks !== this._buffered) return null
    const buffer = join(this._buffer, this.length)
    this._buffer = null
    this._cancellations = null
    this.sources = null
    this._flushed = true
    fastPathCounts.unzeroedPieces++
    return buffer
  }
}
