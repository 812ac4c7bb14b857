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
  _onMessage: (buffer: Uint8Array) => void
  _onMessageLength: (buffer: Uint8Array) => void
  [SHARED_READ]?: boolean
}

/**
 * Set on a wire while it parses bytes it is only lent (a socket read buffer that is read
 * into again once the wire returns, direct-receive.ts): a message the parser may keep is
 * handed over as a copy. Piece messages are not: their block is copied into its piece
 * before the parser returns (assemblePiecesInPlace), and nothing else keeps it.
 */
export const SHARED_READ = Symbol('seedcast.sharedRead')
const PIECE_MESSAGE = 7

/**
 * bittorrent-protocol joins every chunk read from the socket to what was left of the last
 * one, in a new zero-filled buffer, before it parses: every received byte was copied once
 * more, in a fresh allocation per socket read (a seventh of `get`'s CPU in a profile).
 * Here the chunks are kept as they came and a message is handed to the parser as a view
 * of its chunk; only a message split across reads is copied, into a buffer of its own
 * size. `_buffer[0]` still starts at the next unparsed byte, as the message limits of
 * webtorrent-internals.ts read it. While MSE encryption is being negotiated
 * (`_cryptoSyncPattern`, `_pePending`) the library's own path runs on the joined bytes,
 * once there are any (test/unit/wire-receive.test.ts).
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
        // A parser just set the pattern with nothing received past its message (the peer's
        // DH key came in a read of its own): the library would search an empty buffer and
        // throw (its loop stops at this point and waits for the next read; so do we).
        if (this._buffer.length === 0) return
        if (this._buffer.length > 1) this._buffer = [join(this._buffer, this._bufferSize)]
        return processBuffer.call(this)
      }
      if (this._bufferSize < this._parserSize) return
      const size = this._parserSize
      // In a lent read (SHARED_READ) only a piece message may be handed over where it lies.
      const lent = this[SHARED_READ] === true
      const copied = lent && size > 0 && this._parser !== this._onMessageLength && !(this._parser === this._onMessage && this._buffer[0]![0] === PIECE_MESSAGE)
      let message: Uint8Array
      if (size === 0) {
        message = new Uint8Array()
      } else if (this._buffer[0]!.length >= size) {
        const first = this._buffer[0]!
        message = copied ? Buffer.from(first.subarray(0, size)) : first.subarray(0, size)
        if (first.length === size) this._buffer.shift()
        else this._buffer[0] = first.subarray(size)
      } else {
        // A lent piece message is done with when the parser returns: it is joined in a buffer kept for that.
        message = take(this._buffer, size, lent && !copied ? joinBuffer(size) : Buffer.allocUnsafe(size))
        fastPathCounts.joinedMessages++
      }
      if (copied) fastPathCounts.copiedLentMessages++
      this._bufferSize -= size
      this._parser(message)
    }
  }
}

let joined: Buffer | undefined

/** The first `size` bytes of one buffer reused for every lent piece message joined across reads. */
function joinBuffer (size: number): Uint8Array {
  if (!joined || joined.length < size) joined = Buffer.allocUnsafeSlow(Math.max(size, 2 * BLOCK_LENGTH))
  return joined.subarray(0, size)
}

/** Moves the first `size` bytes of `chunks` into `out` (at least that long). */
function take (chunks: Uint8Array[], size: number, out: Uint8Array): Uint8Array {
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

/** The members of torrent-piece's Piece.prototype assemblePiecesInPlace replaces and reads. */
export interface FlushingPieceProto {
  set: (this: FlushingPiece, index: number, data: Uint8Array, source: unknown) => boolean
  flush: (this: FlushingPiece) => Uint8Array | null
  init: (this: FlushingPiece) => boolean
}
interface FlushingPiece extends FlushingPieceProto {
  length: number
  missing: number
  sources: unknown[] | null
  _buffer: Uint8Array[] | null
  _chunks: number
  _buffered: number
  _cancellations: unknown
  _flushed: boolean
  [WHOLE]?: Uint8Array
  [MIXED]?: true
}

const BLOCK_LENGTH = 16 * 1024
/** The piece's own buffer, which its blocks are copied into as they arrive. */
const WHOLE = Symbol('seedcast.pieceBuffer')
/** A block did not fit its place: the piece is joined the library's way at the end. */
const MIXED = Symbol('seedcast.pieceMixed')

/**
 * torrent-piece keeps each received block as it came (a view of the socket read that
 * carried it, holding that whole read) and joins them into a zero-filled new buffer when
 * the piece is complete. Here each block is copied into its place in the piece's buffer
 * as it arrives (the same one copy as the join), so a socket read is garbage as soon as it
 * is parsed, and the piece's buffer is not zeroed first and comes from a small pool that
 * the download's store refills once the piece is on disk (releasePieceBuffer). Fresh
 * megabytes for every piece and socket reads held until their pieces were complete kept
 * V8 doing a full GC every 50-100 ms for the external memory, and held RSS between them.
 */
export function assemblePiecesInPlace (proto: FlushingPieceProto): void {
  const set = proto.set
  proto.set = function (index, data, source) {
    if (!this.init()) return false
    const blocks = Math.ceil(data.length / BLOCK_LENGTH)
    // A block past the piece's end is the library's business (it drops what does not fit).
    if (index * BLOCK_LENGTH + data.length > this.length) {
      this[MIXED] = true
      // The library keeps the block as given: a copy, since it may be a lent read (SHARED_READ).
      return set.call(this, index, Buffer.from(data), source)
    }
    for (let block = 0; block < blocks; block++) {
      if (this._buffer![index + block]) continue
      const whole = this[WHOLE] ??= takePieceBuffer(this.length)
      const at = (index + block) * BLOCK_LENGTH
      const part = data.subarray(block * BLOCK_LENGTH, (block + 1) * BLOCK_LENGTH)
      whole.set(part, at)
      this._buffer![index + block] = whole.subarray(at, at + part.length)
      this._buffered++
      this.missing -= part.length
      if (!this.sources!.includes(source)) this.sources!.push(source)
    }
    return this._buffered === this._chunks
  }
  proto.flush = function () {
    if (!this._buffer || this._chunks !== this._buffered) return null
    const whole = this[WHOLE]
    const buffer = whole && !this[MIXED] ? whole : joinInto(Buffer.allocUnsafe(this.length), this._buffer)
    this[WHOLE] = undefined
    this._buffer = null
    this._cancellations = null
    this.sources = null
    this._flushed = true
    fastPathCounts.unzeroedPieces++
    return buffer
  }
}

/** The chunks one after the other in `out`, as far as it goes (a block past the piece's end is cut, not thrown on). */
function joinInto (out: Uint8Array, chunks: Uint8Array[]): Uint8Array {
  let filled = 0
  for (const chunk of chunks) {
    if (filled >= out.length) break
    const part = chunk.length <= out.length - filled ? chunk : chunk.subarray(0, out.length - filled)
    out.set(part, filled)
    filled += part.length
  }
  return out
}

/** Most free piece buffers kept: about the pieces a download has waiting for the disk at once. */
const POOLED_PIECES = 8
const freePieces = new Map<number, Uint8Array[]>()
/** The buffers this pool made: only these may come back (a piece from anywhere else is left to the GC). */
const pooled = new WeakSet<Uint8Array>()

function takePieceBuffer (length: number): Uint8Array {
  const reused = freePieces.get(length)?.pop()
  if (reused) {
    fastPathCounts.reusedPieceBuffers++
    return reused
  }
  const buffer = Buffer.allocUnsafeSlow(length)
  pooled.add(buffer)
  return buffer
}

/**
 * Gives a piece buffer back once nothing holds it any more: the store calls this when the
 * piece is written. WebTorrent reads the piece from the store again only after that write
 * (it answers no request for a piece until then), so the buffer is free.
 */
export function releasePieceBuffer (buffer: Uint8Array): void {
  if (!pooled.has(buffer)) return
  let free = freePieces.get(buffer.length)
  if (!free) freePieces.set(buffer.length, free = [])
  if (free.length < POOLED_PIECES && !free.includes(buffer)) free.push(buffer)
}

interface PulledRequest { piece: number, offset: number, length: number }
type RequestList = PulledRequest[] & { [SEARCH_FROM]?: number }
/** The member of bittorrent-protocol's Wire.prototype findRequestsFromLastMatch replaces. */
export interface PullingWireProto { _pull: (requests: PulledRequest[], piece: number, offset: number, length: number) => PulledRequest | null }

const SEARCH_FROM = Symbol('seedcast.searchFrom')

/**
 * bittorrent-protocol finds the request a received block answers by scanning its list of
 * outstanding requests from the front, and removes it by moving the last request into its
 * place. A fast downloader keeps thousands outstanding (WebTorrent asks for a second's
 * worth: 3,000 to 10,000 blocks from aria2c over loopback), and a peer answers in order:
 * after k blocks the next one's request is at index k, behind k newer ones moved to the
 * front, so every block scanned thousands of requests (`_onPiece` was 4% of `get`'s CPU).
 * Removal stays the same here; the request is looked for next to where the last match
 * was first, where the next one in order sits, and only then by a scan.
 */
export function findRequestsFromLastMatch (proto: PullingWireProto): void {
  proto._pull = function (list, piece, offset, length) {
    const requests = list as RequestList
    const count = requests.length
    const hint = requests[SEARCH_FROM] ?? 0
    const matches = (at: number) => {
      const request = requests[at]
      return request !== undefined && request.piece === piece && request.offset === offset && request.length === length
    }
    // The next request in order is at the last match, just after it (where the peer's
    // order left it) or just before it (among the requests moved to the front, which are
    // in reverse order).
    let found = hint + 1 < count && matches(hint + 1) ? hint + 1 : hint < count && matches(hint) ? hint : hint > 0 && hint - 1 < count && matches(hint - 1) ? hint - 1 : -1
    if (found !== -1) fastPathCounts.requestsFoundAtOnce++
    else for (let at = 0; at < count; at++) if (matches(at)) { found = at; break }
    if (found === -1) return null
    const request = requests[found]!
    const last = requests.pop()!
    if (found < requests.length) requests[found] = last
    requests[SEARCH_FROM] = found
    return request
  }
}
