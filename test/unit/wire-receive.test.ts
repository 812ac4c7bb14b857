// receiveWithoutCopies (src/swarm/wire-receive.ts) through an encrypted (MSE) handshake whose
// key exchange arrives in a read of its own: the DH key (96 bytes) parsed, nothing left in the
// buffer, and the library then searching that empty buffer for the next sync pattern. That
// threw `TypeError: Cannot read properties of undefined (reading 'length')` from inside the
// stream, an uncaught exception in the seeding process (the duplicate-connections test hit
// it under load, its libtorrent peer's padding arriving after the key). Two wires on
// stand-in prototypes, patched as webtorrent-internals.ts patches the real one, exchange
// every step of the handshake split so: the key alone, then its padding.
import { once } from 'node:events'
import Wire from 'bittorrent-protocol'
import { describe, expect, it } from 'vitest'
import { receiveWithoutCopies, SHARED_READ, type ReceivingWireProto } from '../../src/swarm/wire-receive.js'

class PatchedWire extends (Wire as unknown as new (type: string, peEnabled: number) => any) {}
receiveWithoutCopies(PatchedWire.prototype as unknown as ReceivingWireProto)

const DH_KEY = 96
const INFO_HASH = 'aa'.repeat(20)

/** Forwards what `from` sends to `to`, each chunk written as its first `DH_KEY` bytes and then the rest (when longer). */
function forwardSplit (from: any, to: any, reads: number[]): void {
  from.on('data', (chunk: Uint8Array) => {
    for (const part of chunk.length > DH_KEY ? [chunk.subarray(0, DH_KEY), chunk.subarray(DH_KEY)] : [chunk]) {
      reads.push(part.length)
      to.write(part)
    }
  })
}

describe('receiving without copies', () => {
  it('completes an MSE handshake whose key exchange arrives apart from its padding', async () => {
    const errors: unknown[] = []
    const onError = (error: unknown) => { errors.push(error) }
    process.on('uncaughtException', onError)
    try {
      const initiator: any = new PatchedWire('tcpOutgoing', 1)
      const responder: any = new PatchedWire('tcpIncoming', 1)
      const toResponder: number[] = []
      const toInitiator: number[] = []
      forwardSplit(initiator, responder, toResponder)
      forwardSplit(responder, initiator, toInitiator)
      responder.once('crypto-infohash', () => { responder.setInfoHash(INFO_HASH) })
      for (const wire of [initiator, responder]) wire.once('crypto-handshake', () => wire.handshake(INFO_HASH, wire === initiator ? '11'.repeat(20) : '22'.repeat(20)))
      const shook = Promise.all([once(initiator, 'handshake'), once(responder, 'handshake')])
      initiator.startEncryption(INFO_HASH)
      const [[, responderId], [, initiatorId]] = await Promise.race([shook, new Promise<never>((_resolve, reject) => setTimeout(() => reject(new Error(`no handshake within 5 s: ${String(errors[0] ?? 'no error')}`)), 5_000))])
      expect(errors).toEqual([])
      expect([responderId, initiatorId]).toEqual(['22'.repeat(20), '11'.repeat(20)])
      // Each side's key exchange went as a read of exactly the key (the case that threw).
      expect(toResponder[0]).toBe(DH_KEY)
      expect(toInitiator[0]).toBe(DH_KEY)
      // And the encrypted stream after it still parses: a message each way.
      const interested = once(responder, 'interested')
      const unchoked = once(initiator, 'unchoke')
      initiator.interested()
      responder.unchoke()
      await Promise.all([interested, unchoked])
      expect(errors).toEqual([])
      initiator.destroy()
      responder.destroy()
    } finally {
      process.removeListener('uncaughtException', onError)
    }
  })
})

describe('a lent read (SHARED_READ: a socket buffer read into again once the wire returns)', () => {
  it('hands the wire a copy of each message it may keep, so refilling the buffer changes nothing it holds', () => {
    const wire: any = new PatchedWire('tcpOutgoing', 0)
    const peerId = '33'.repeat(20)
    const shook = new Promise(resolve => wire.once('handshake', resolve))
    // The peer's handshake, written the ordinary way (a buffer of the wire's own).
    const handshake = Buffer.concat([Buffer.from([19]), Buffer.from('BitTorrent protocol'), Buffer.alloc(8), Buffer.from(INFO_HASH, 'hex'), Buffer.from(peerId, 'hex')])
    wire._write(handshake, () => {})
    // Then a bitfield (pieces 0-7 of 12) and the first 3 bytes of a have message, in one lent buffer.
    const lent = Buffer.from([0, 0, 0, 3, 5, 0xff, 0x00, 0, 0, 0])
    wire[SHARED_READ] = true
    wire._write(lent, () => {})
    wire[SHARED_READ] = false
    // What the wire left unparsed is the caller's to carry over (direct-receive.ts does).
    wire._buffer = wire._buffer.map((chunk: Uint8Array) => Buffer.from(chunk))
    lent.fill(0xff)
    expect(Array.from({ length: 12 }, (_, index) => wire.peerPieces.get(index))).toEqual([...Array(8).fill(true), ...Array(4).fill(false)])
    // The rest of the have message arrives: it completes from the carried bytes.
    const haves: number[] = []
    wire.on('have', (index: number) => haves.push(index))
    wire._write(Buffer.from([5, 4, 0, 0, 0, 9]), () => {})
    expect(haves).toEqual([9])
    return shook
  })
})
