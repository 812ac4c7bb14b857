import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import { REQUEST_QUEUE, RequestLimit } from '../../src/swarm/download/request-limit.js'
import { fastPathCounts } from '../../src/swarm/fast-path-counts.js'
import { assemblePiecesInPlace, findRequestsFromLastMatch, releasePieceBuffer, type FlushingPieceProto, type PullingWireProto } from '../../src/swarm/wire-receive.js'
import Piece from 'torrent-piece'
import { collectYoungGarbage } from '../../src/swarm/young-garbage.js'

class FakeWire extends EventEmitter {
  peerExtendedHandshake: { reqq?: unknown } = {}
}

describe('request limit', () => {
  it('caps outstanding requests, keeps a peer\'s smaller reqq, and holds while the disk is behind', () => {
    const counted = fastPathCounts.cappedRequestQueues
    const limit = new RequestLimit()
    const plain = new FakeWire()
    const modest = new FakeWire()
    limit.watch(plain)
    limit.watch(modest)
    expect(plain.peerExtendedHandshake.reqq).toBe(REQUEST_QUEUE)
    // The extended handshake replaces the object: capped again, the peer's own value kept.
    modest.peerExtendedHandshake = { reqq: 64 }
    modest.emit('extended', 'handshake', modest.peerExtendedHandshake)
    expect(modest.peerExtendedHandshake.reqq).toBe(64)
    const greedy = new FakeWire()
    greedy.peerExtendedHandshake = { reqq: 100_000 }
    limit.watch(greedy)
    expect(greedy.peerExtendedHandshake.reqq).toBe(REQUEST_QUEUE)

    const piece = 1024 * 1024
    for (let i = 0; i < 16; i++) limit.writes.started(piece)
    expect(limit.limit).toBe(REQUEST_QUEUE)
    limit.writes.started(piece)
    expect([plain, modest, greedy].map(wire => wire.peerExtendedHandshake.reqq)).toEqual([1, 1, 1])
    // Resumes only once the writes are well down, not at the first one done.
    for (let i = 0; i < 12; i++) limit.writes.finished(piece)
    expect(limit.limit).toBe(1)
    limit.writes.finished(piece)
    expect([plain, modest, greedy].map(wire => wire.peerExtendedHandshake.reqq)).toEqual([REQUEST_QUEUE, 64, REQUEST_QUEUE])
    // Counted where webtorrent-internals.ts wrote them: 3 first caps (modest's own 64 is
    // kept as it came, not counted), 3 holds to one block, 3 releases.
    expect(fastPathCounts.cappedRequestQueues - counted).toBe(3 + 3 + 3)
  })
})

describe('piece assembly and request matching (patched on copies of the library prototypes)', () => {
  class TestPiece extends (Piece as unknown as new (length: number) => object) {}
  assemblePiecesInPlace(TestPiece.prototype as unknown as FlushingPieceProto)
  type P = { set: (i: number, data: Uint8Array, source: unknown) => boolean, flush: () => Uint8Array | null, get: (i: number) => Uint8Array | undefined }

  it('copies blocks into their places in any order, and the flushed piece is the bytes in order', () => {
    const length = 3 * 16384 + 100
    const bytes = Uint8Array.from({ length }, (_, i) => (i * 7) & 255)
    const piece = new TestPiece(length) as unknown as P
    const block = (i: number) => bytes.slice(i * 16384, Math.min((i + 1) * 16384, length))
    expect(piece.set(3, block(3), 'a')).toBe(false)
    expect(piece.set(1, block(1), 'a')).toBe(false)
    expect(piece.set(0, block(0), 'b')).toBe(false)
    expect(Buffer.from(piece.get(1)!).equals(Buffer.from(block(1)))).toBe(true)
    expect(piece.set(2, block(2), 'a')).toBe(true)
    const flushed = piece.flush()!
    expect(Buffer.from(flushed).equals(Buffer.from(bytes))).toBe(true)
    // Back in the pool once written, the next piece of that length is assembled in it.
    releasePieceBuffer(flushed)
    const next = new TestPiece(length) as unknown as P
    next.set(0, bytes.subarray(0, length), 'webseed')
    const again = next.flush()!
    expect(again.buffer).toBe(flushed.buffer)
    expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true)
  })

  it('a piece whose block does not fit is joined the library\'s way', () => {
    const piece = new TestPiece(20000) as unknown as P
    piece.set(0, new Uint8Array(16384).fill(1), 'a')
    piece.set(1, new Uint8Array(8000).fill(2), 'a')
    const flushed = piece.flush()!
    expect(flushed.length).toBe(20000)
    expect(flushed[16383]).toBe(1)
    expect(flushed[16384]).toBe(2)
    expect(flushed[19999]).toBe(2)
  })

  it('finds each request next to the last one found, removing as the library does', () => {
    const wire = { _pull: (): unknown => null } as unknown as PullingWireProto
    findRequestsFromLastMatch(wire)
    const requests = Array.from({ length: 10 }, (_, i) => ({ piece: i >> 2, offset: (i & 3) * 16384, length: 16384 }))
    const order = [...requests]
    for (const request of order.slice(0, 6)) expect(wire._pull(requests, request.piece, request.offset, request.length)).toBe(request)
    expect(requests).toHaveLength(4)
    expect(wire._pull(requests, 9, 0, 16384)).toBeNull()
    // Out of order too, by the scan.
    expect(wire._pull(requests, order[9]!.piece, order[9]!.offset, 16384)).toBe(order[9])
    expect(new Set(requests)).toEqual(new Set(order.slice(6, 9)))
  })
})

describe('young garbage', () => {
  it('this Node gives V8\'s collector, so a download frees its socket reads early', () => {
    expect(collectYoungGarbage()).toBe(true)
    expect(collectYoungGarbage()).toBe(true)
  })
})
