import { Socket } from 'node:net'
import { fastPathCounts } from './fast-path-counts.js'
import { SHARED_READ } from './wire-receive.js'

/** The members of webtorrent's Peer.prototype receiveStraightFromSockets replaces. */
export interface PipingPeerProto { setThrottlePipes: (this: PipingPeer) => void }
interface PipingPeer extends PipingPeerProto {
  conn?: unknown
  wire?: ReceivingWire | null
  destroyed?: boolean
  /** The torrent, once known (for an incoming peer, after its handshake). */
  swarm?: { ready?: boolean } | null
  throttleGroups?: { down?: object & { getEnabled?: () => boolean } }
  emit: (event: string, ...args: unknown[]) => boolean
  destroy: (error?: Error) => void
}
interface ReceivingWire {
  _write: (data: Uint8Array, callback: (error: Error | null) => void) => void
  _buffer: Uint8Array[]
  _bufferSize: number
  _parser: unknown
  _onMessageLength: unknown
  _onMessage: unknown
  _cryptoSyncPattern?: unknown
  _pePending?: boolean
  [SHARED_READ]?: boolean
  [CARRY]?: { buffers: [Buffer | undefined, Buffer | undefined], next: 0 | 1 }
}

/** Two buffers per wire, used in turn, for what a read left unparsed (see carryOver). */
const CARRY = Symbol('seedcast.carry')
interface UserBufferSocket extends Socket {
  _handle?: { useUserBuffer?: (buffer: Uint8Array) => void } | null
}

/** node:net's private keys of a socket read into a buffer of the caller's (its `onread` option). */
export interface SocketReadKeys { buffer: symbol, callback: symbol, generate: symbol }

/**
 * The keys under which node:net keeps a socket's `onread` buffer and callback, read off
 * a socket made with that option (no handle: nothing is opened). Undefined when this Node
 * keeps them otherwise.
 */
export function socketReadKeys (): SocketReadKeys | undefined {
  const probe = new Socket({ onread: { buffer: new Uint8Array(1), callback: () => true } })
  const key = (name: string) => Object.getOwnPropertySymbols(probe).find(symbol => symbol.description === name)
  const buffer = key('kBuffer')
  const callback = key('kBufferCb')
  const generate = key('kBufferGen')
  probe.destroy()
  if (!buffer || !callback || !generate) return undefined
  const held = probe as unknown as Record<symbol, unknown>
  return held[buffer] instanceof Uint8Array && typeof held[callback] === 'function' ? { buffer, callback, generate } : undefined
}

/**
 * Bytes one socket read may bring. Node reads a socket 64 KiB at a time, into a new
 * buffer each time; one buffer reused for every read of every socket may as well be
 * larger, for fewer reads.
 */
const READ_BYTES = 256 * 1024
let readBuffer: Buffer | undefined

/** Wires whose socket is read into the shared buffer. */
const straightWires = new WeakSet<object>()

/** True when `wire`'s socket is read into the shared buffer: its reads leave no garbage behind. */
export function readsStraight (wire: object): boolean {
  return straightWires.has(wire)
}

/** The download throttle groups of the clients that asked for receiving straight from the socket. */
const receivingClients = new WeakSet<object>()

/**
 * Has the TCP peers of `client` (a WebTorrent client) received the direct way below from
 * now on. Returns false, nothing changed, when the client has no download throttle group
 * to recognise its peers by.
 */
export function receiveStraightFor (client: object): boolean {
  const down = (client as { throttleGroups?: { down?: unknown } }).throttleGroups?.down
  if (typeof down !== 'object' || down === null) return false
  receivingClients.add(down)
  return true
}

/**
 * WebTorrent pipes each peer's socket through two stream transforms (its download throttle
 * and a byte counter) into the wire, and Node reads the socket into a new 64 KiB buffer
 * each time, freed only when V8 next collects: per socket read three streamx writes and
 * a fresh allocation (and the forced young-generation collections of young-garbage.ts to
 * keep those reads from piling up). For a TCP peer of a client that asked for it
 * (receiveStraightFor), with no download limit (the throttle would have nothing to do),
 * the socket is read instead into one buffer reused for every read (node:net's `onread`,
 * set on the connected socket through its private keys, found by socketReadKeys), and each
 * read is counted as the transform counted it and handed to the wire's `_write` at once.
 * The sending half stays WebTorrent's pipeline. The wire parses with receiveWithoutCopies
 * (wire-receive.ts), told by SHARED_READ that the bytes are only lent: piece messages are
 * parsed in place (assemblePiecesInPlace copies each block into its piece before the read
 * returns), every other message is handed over as a copy of its own, and what is left
 * unparsed at the end of a read is copied before the buffer is read into again. Until the
 * wire speaks plain messages (the handshakes, MSE) and its torrent is ready (WebTorrent
 * holds a block that comes before that until it is), whole reads are handed over as copies.
 * Applied by webtorrent-internals.ts, which checks the members exist first; a socket whose
 * handle cannot take a buffer of the caller's is piped the library's way.
 */
export function receiveStraightFromSockets (proto: PipingPeerProto, keys: SocketReadKeys): void {
  const setThrottlePipes = proto.setThrottlePipes
  proto.setThrottlePipes = function () {
    setThrottlePipes.call(this)
    const conn = this.conn as UserBufferSocket | undefined
    const down = this.throttleGroups?.down
    const wire = this.wire
    if (!(conn instanceof Socket) || !wire || !down || !receivingClients.has(down) || down.getEnabled?.() !== false) return
    if (typeof conn._handle?.useUserBuffer !== 'function' || conn.destroyed) return
    readStraight(this, conn, wire, keys)
  }
}

function readStraight (peer: PipingPeer, conn: UserBufferSocket, wire: ReceivingWire, keys: SocketReadKeys): void {
  // Off the pipeline's first link: the throttle and the counter see no more bytes.
  conn.unpipe()
  // Bytes the socket read before now (none in practice: the peer has just connected).
  const early = conn.read() as Uint8Array | null
  if (early) {
    peer.emit('download', early.length)
    handOver(peer, wire, early, false)
  }
  straightWires.add(wire)
  readBuffer ??= Buffer.allocUnsafeSlow(READ_BYTES)
  const socket = conn as unknown as Record<symbol, unknown>
  socket[keys.buffer] = readBuffer
  socket[keys.generate] = null
  socket[keys.callback] = (bytes: number, buffer: Uint8Array) => {
    fastPathCounts.straightReads++
    // The counter transform's work: WebTorrent's received bytes and speeds come from it.
    peer.emit('download', bytes)
    if (peer.destroyed) return
    handOver(peer, wire, buffer.subarray(0, bytes), true)
  }
  conn._handle!.useUserBuffer!(readBuffer)
  // Flowing with no 'data' listener: the socket keeps reading, and its 'end' comes.
  conn.resume()
}

/** Gives the wire `bytes`; `lent` when they are the shared read buffer's. */
function handOver (peer: PipingPeer, wire: ReceivingWire, bytes: Uint8Array, lent: boolean): void {
  try {
    if (!lent || !speaksPlainMessages(wire) || peer.swarm?.ready !== true) {
      wire._write(lent ? Buffer.from(bytes) : bytes, noError)
      return
    }
    wire[SHARED_READ] = true
    try {
      wire._write(bytes, noError)
    } finally {
      wire[SHARED_READ] = false
    }
    if (wire._bufferSize > 0) carryOver(wire, bytes.buffer)
  } catch (error) {
    // Thrown here it would end the process (it is a socket read's callback): only this peer goes.
    peer.destroy(error as Error)
  }
}

/**
 * Copies what the wire left unparsed (the start of a message the next read completes) out
 * of the shared buffer, into one of the wire's two carry buffers: the other one may still
 * hold the earlier part of that message, which is copied along.
 */
function carryOver (wire: ReceivingWire, shared: ArrayBufferLike): void {
  if (!wire._buffer.some(chunk => chunk.buffer === shared)) return
  const carry = wire[CARRY] ??= { buffers: [undefined, undefined], next: 0 }
  const size = wire._bufferSize
  let buffer = carry.buffers[carry.next]
  if (!buffer || buffer.length < size) buffer = carry.buffers[carry.next] = Buffer.allocUnsafeSlow(Math.max(size, CARRY_BYTES))
  carry.next = carry.next === 0 ? 1 : 0
  let filled = 0
  for (const chunk of wire._buffer) { buffer.set(chunk, filled); filled += chunk.length }
  wire._buffer = [buffer.subarray(0, size)]
}

/** A carry buffer's first size: a block's message and then some. */
const CARRY_BYTES = 32 * 1024

/** Past the handshakes: every byte from now on is a length-prefixed message, not encrypted. */
function speaksPlainMessages (wire: ReceivingWire): boolean {
  if (wire._cryptoSyncPattern || wire._pePending) return false
  const encryptor = (wire as { _encryptor?: { _isEncrypted?: boolean } | null })._encryptor
  if (encryptor?._isEncrypted) return false
  return wire._parser === wire._onMessageLength || wire._parser === wire._onMessage
}

function noError (): void {}
