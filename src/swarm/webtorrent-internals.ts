import { EventEmitter } from 'node:events'
import { createRequire } from 'node:module'
import Wire from 'bittorrent-protocol'
import TrackerClient from 'bittorrent-tracker/client'
import WebSocketTracker from 'bittorrent-tracker/websocket-tracker'
import ConnPool from 'webtorrent/lib/conn-pool.js'
import Peer from 'webtorrent/lib/peer.js'
import Torrent from 'webtorrent/lib/torrent.js'
import WebConn from 'webtorrent/lib/webconn.js'
import Piece from 'torrent-piece'
import { fastPathCounts } from './fast-path-counts.js'
import { isLeftOut } from './lean-imports.js'
import { patchTorrent, patchWebSocketTracker } from './webrtc/glare-patch.js'
import { BAN_MS, BanList, describeMessage, ipOfAddress, largestMessage, messageBounds, normalizeIp } from './wire-limits.js'
import { framePieceMessages, type FramedWireProto } from './wire-framing.js'
import { assemblePiecesInPlace, findRequestsFromLastMatch, receiveWithoutCopies, type FlushingPieceProto, type PullingWireProto, type ReceivingWireProto } from './wire-receive.js'
import { connectingFrom, httpTrackerOptionsOn, outgoingHost, sdpWithCandidatesOn, udpFrom } from './outgoing-host.js'
import { MseKeyExchange } from './mse-key.js'
import { receiveStraightFromSockets, socketReadKeys, type PipingPeerProto } from './direct-receive.js'
import { sendStraightToSockets, type SendingPeerProto } from './direct-send.js'
import { coalesceTorrentUpdates, type UpdatingTorrentProto } from './coalesced-updates.js'
import { releaseFailedRequests, type RequestingHttpTrackerProto } from './tracker-request-release.js'
import { dropRequestsAfterClose, type RequestingWebConnProto } from './web-seed-close.js'


/*
 * THE one place seedcast patches or reads WebTorrent's and bittorrent-protocol's private
 * members (names starting with _ and fields of objects the libraries do not document).
 * They are pinned in package.json, but a dependency update must never lose a fast path or
 * a guard silently: each feature lists the members it needs, they are checked when the
 * features are applied (on prototypes, and on probe instances for fields set by
 * constructors), and a feature whose members are missing stays off, with one line from
 * internalsWarnings() that `seed` and `serve --seed` print. Seeding then goes on the
 * library's own (slower, or unguarded) way. What each feature did is counted in
 * fast-path-counts.ts, and the tests assert on the counts with real peers.
 */

/** The library objects the features patch or read: the real ones, or stand-ins in a test. */
export interface InternalTargets {
  /** bittorrent-protocol's Wire.prototype. */
  wire: object
  /** A new Wire, plain (`encrypted` false) or with an MSE encryptor: fields set by the constructor. */
  probeWire: (encrypted: boolean) => object
  /** webtorrent's lib/peer.js Peer.prototype. */
  peer: object
  /** A new Peer: fields set by the constructor. */
  probePeer: () => object
  /** webtorrent's lib/conn-pool.js ConnPool.prototype. */
  connPool: object
  /** webtorrent's lib/torrent.js Torrent.prototype. */
  torrent: object
  /** webtorrent's lib/webconn.js WebConn.prototype (a web seed, as a wire). */
  webConn?: object
  /** bittorrent-tracker's WebSocketTracker.prototype. */
  webSocketTracker: object
  /** bittorrent-tracker's UDPTracker.prototype (lib/client/udp-tracker.js), when found. */
  udpTracker?: object
  /** bittorrent-tracker's HTTPTracker.prototype (lib/client/http-tracker.js), when found. */
  httpTracker?: object
  /** utp-native's UTP.prototype (the uTP socket), undefined when utp-native did not install (no uTP at all then). */
  utp?: object
  /** torrent-piece's Piece.prototype (webtorrent's piece being downloaded; pinned, same copy as webtorrent's). */
  piece?: object
  /** A new Piece: fields set by the constructor. */
  probePiece?: () => object
}

export function libraryTargets (): InternalTargets {
  return {
    wire: Wire.prototype,
    probeWire: encrypted => new Wire('tcpIncoming', encrypted ? 1 : 0) as object,
    peer: Peer.prototype,
    probePeer: () => new Peer('probe', 'tcpIncoming') as object,
    connPool: ConnPool.prototype,
    torrent: Torrent.prototype,
    webConn: WebConn.prototype,
    webSocketTracker: WebSocketTracker.prototype,
    udpTracker: trackerPrototype('udp://127.0.0.1:1'),
    httpTracker: trackerPrototype('http://127.0.0.1:1/announce'),
    // Not loaded where uTP was left out (lean-imports.ts: get): no uTP socket to patch there.
    utp: isLeftOut('utp-native') ? undefined : (attempt(() => createRequire(import.meta.url)('utp-native')) as { prototype?: object } | undefined)?.prototype,
    piece: Piece.prototype,
    probePiece: () => new Piece(16384) as object
  }
}

/**
 * bittorrent-tracker does not export its UDP and HTTP tracker classes: a prototype is taken
 * from the tracker a client makes for such a URL (made, never started: no socket, no traffic).
 */
function trackerPrototype (url: string): object | undefined {
  return attempt(() => {
    const client = new TrackerClient({ infoHash: '0'.repeat(40), peerId: '0'.repeat(40), announce: [url], port: 1 }) as unknown as { _trackers?: object[], destroy: () => void }
    const tracker = client._trackers?.[0]
    client.destroy()
    return tracker ? Object.getPrototypeOf(tracker) as object : undefined
  })
}

/** The features, named as the warning line names them. */
export type Feature = 'peer links' | 'piece framing' | 'receive without copies' | 'pieces assembled in place' | 'receive straight from the socket' | 'send straight to the socket' | 'requests found from the last match' | 'request scheduler runs coalesced' | 'web seed requests dropped after close' | 'failed tracker announces released' | 'socket write batching' | 'WebRTC stall check' | 'peer message limits' | 'incoming connection cap' | 'WebRTC glare tie-break' | 'outgoing connections from --host' | 'uTP close by libtorrent peers' | 'duplicate connections sharing an address' | 'download request queue limit' | 'MSE key exchange without a prime check' | 'debug lines built only when shown'

export interface FeatureStatus { feature: Feature, on: boolean, missing: string[], consequence: string }

interface Requirement { what: string, ok: (targets: InternalTargets, probes: Probes) => boolean }
interface Probes { wire?: object, encryptedWire?: object, peer?: object, piece?: object }

const fn = (object: object | undefined, name: string): boolean => typeof (object as Record<string, unknown> | undefined)?.[name] === 'function'
const has = (object: object | undefined, name: string): boolean => object !== undefined && name in object

const LINKS: Requirement[] = [
  { what: 'webtorrent Peer.prototype.onConnect', ok: t => fn(t.peer, 'onConnect') },
  { what: 'webtorrent Peer#wire, #conn, #addr, #swarm', ok: (_t, p) => ['wire', 'conn', 'addr', 'swarm'].every(name => has(p.peer, name)) }
]

const FEATURES: Array<{ feature: Feature, needs: Requirement[], needsFeatures?: Feature[], consequence: string }> = [
  { feature: 'peer links', needs: LINKS, consequence: 'the socket under a wire cannot be found' },
  {
    feature: 'piece framing',
    needs: [
      { what: 'bittorrent-protocol Wire.prototype._message', ok: t => fn(t.wire, '_message') },
      { what: 'bittorrent-protocol Wire.prototype._push', ok: t => fn(t.wire, '_push') },
      { what: 'bittorrent-protocol Wire#type, #_encryptor._isEncrypted', ok: (_t, p) => has(p.wire, 'type') && typeof (p.encryptedWire as { _encryptor?: { _isEncrypted?: unknown } } | undefined)?._encryptor?._isEncrypted === 'boolean' }
    ],
    consequence: 'each block goes out as two chunks'
  },
  {
    feature: 'receive without copies',
    needs: [
      { what: 'bittorrent-protocol Wire.prototype._write, ._processBuffer', ok: t => fn(t.wire, '_write') && fn(t.wire, '_processBuffer') },
      { what: 'bittorrent-protocol Wire#_buffer, #_bufferSize, #_parserSize, #_parser', ok: (_t, p) => { const wire = p.wire as Record<string, unknown> | undefined; return Array.isArray(wire?._buffer) && typeof wire._bufferSize === 'number' && typeof wire._parserSize === 'number' && typeof wire._parser === 'function' } }
    ],
    consequence: 'every received byte is copied once more'
  },
  {
    feature: 'pieces assembled in place',
    needs: [
      { what: 'torrent-piece Piece.prototype.set, .flush, .init', ok: t => fn(t.piece, 'set') && fn(t.piece, 'flush') && fn(t.piece, 'init') },
      { what: 'torrent-piece Piece#length, #missing, #sources, #_chunks, #_buffered, #_flushed', ok: (_t, p) => { const piece = p.piece as Record<string, unknown> | undefined; return piece?.length === 16384 && piece.missing === 16384 && 'sources' in piece && piece._chunks === 1 && piece._buffered === 0 && piece._flushed === false && '_buffer' in piece } }
    ],
    consequence: 'each downloaded piece holds its socket reads until it is joined into a zero-filled new buffer'
  },
  {
    feature: 'receive straight from the socket',
    needs: [
      { what: 'webtorrent Peer.prototype.setThrottlePipes', ok: t => fn(t.peer, 'setThrottlePipes') },
      { what: 'bittorrent-protocol Wire.prototype._onMessage, ._onMessageLength', ok: t => fn(t.wire, '_onMessage') && fn(t.wire, '_onMessageLength') },
      { what: "node:net Socket's onread keys (kBuffer, kBufferCb, kBufferGen)", ok: () => readKeys() !== undefined }
    ],
    needsFeatures: ['receive without copies', 'pieces assembled in place'],
    consequence: 'each socket read of a download is a new buffer piped through two stream transforms'
  },
  {
    feature: 'send straight to the socket',
    needs: [
      { what: 'webtorrent Peer.prototype.setThrottlePipes', ok: t => fn(t.peer, 'setThrottlePipes') },
      { what: 'bittorrent-protocol Wire.prototype._push', ok: t => fn(t.wire, '_push') },
      { what: 'bittorrent-protocol Wire#_finished, #_encryptor, #_readableState.buffered (streamx)', ok: (_t, p) => { const wire = p.wire as { _finished?: unknown, _readableState?: { buffered?: unknown } } | undefined; return wire?._finished === false && typeof wire._readableState?.buffered === 'number' && typeof (p.encryptedWire as { _encryptor?: { encrypt?: unknown } } | undefined)?._encryptor?.encrypt === 'function' } }
    ],
    consequence: 'each message a download sends (every block request) goes through two stream transforms before the socket'
  },
  {
    feature: 'requests found from the last match',
    needs: [
      { what: 'bittorrent-protocol Wire.prototype._pull', ok: t => fn(t.wire, '_pull') },
      { what: 'bittorrent-protocol Wire#requests, #peerRequests', ok: (_t, p) => Array.isArray((p.wire as { requests?: unknown } | undefined)?.requests) && Array.isArray((p.wire as { peerRequests?: unknown }).peerRequests) }
    ],
    consequence: 'each received block is looked for among all outstanding requests from the first'
  },
  {
    feature: 'request scheduler runs coalesced',
    needs: [{ what: 'webtorrent Torrent.prototype._update', ok: t => fn(t.torrent, '_update') }],
    consequence: 'the request scheduler runs once per received block'
  },
  {
    feature: 'web seed requests dropped after close',
    needs: [{ what: 'webtorrent WebConn.prototype.httpRequest', ok: t => fn(t.webConn, 'httpRequest') }],
    consequence: 'a web seed destroyed with a request still queued throws (an unhandled rejection: `get` ends with a stack trace)'
  },
  {
    feature: 'failed tracker announces released',
    // Its #cleanupFns is an instance field: the wrapper checks it on each call and does nothing without it.
    needs: [{ what: 'bittorrent-tracker HTTPTracker.prototype._request', ok: t => fn(t.httpTracker, '_request') }],
    consequence: 'a failed HTTP tracker announce holds the exit for 1 s'
  },
  { feature: 'socket write batching', needs: [], needsFeatures: ['peer links'], consequence: 'one write(2) per block' },
  { feature: 'WebRTC stall check', needs: [], needsFeatures: ['peer links'], consequence: 'a vanished WebRTC peer is kept until ICE fails' },
  {
    feature: 'peer message limits',
    needs: [
      { what: 'bittorrent-protocol Wire.prototype._onMessageLength', ok: t => fn(t.wire, '_onMessageLength') },
      { what: 'bittorrent-protocol Wire.prototype._onMessage', ok: t => fn(t.wire, '_onMessage') },
      { what: 'bittorrent-protocol Wire.prototype._parse', ok: t => fn(t.wire, '_parse') },
      { what: 'bittorrent-protocol Wire#_buffer, #_bufferSize', ok: (_t, p) => Array.isArray((p.wire as { _buffer?: unknown } | undefined)?._buffer) && typeof (p.wire as { _bufferSize?: unknown })._bufferSize === 'number' },
      { what: 'webtorrent ConnPool.prototype._onConnection', ok: t => fn(t.connPool, '_onConnection') },
      { what: 'webtorrent Torrent.prototype._addPeer', ok: t => fn(t.torrent, '_addPeer') }
    ],
    needsFeatures: ['peer links'],
    consequence: 'a peer announcing a huge message is buffered, not dropped'
  },
  {
    feature: 'incoming connection cap',
    needs: [{ what: 'webtorrent Torrent.prototype._addIncomingPeer', ok: t => fn(t.torrent, '_addIncomingPeer') }],
    consequence: 'maxConns limits outgoing connections only'
  },
  {
    feature: 'WebRTC glare tie-break',
    needs: [
      { what: 'bittorrent-tracker WebSocketTracker.prototype._onAnnounceResponse, ._createPeer', ok: t => fn(t.webSocketTracker, '_onAnnounceResponse') && fn(t.webSocketTracker, '_createPeer') },
      { what: 'webtorrent Torrent.prototype._addPeer', ok: t => fn(t.torrent, '_addPeer') }
    ],
    consequence: 'two peers joining at the same moment may drop each other'
  },
  {
    feature: 'outgoing connections from --host',
    needs: [
      { what: 'webtorrent Torrent.prototype._drain', ok: t => fn(t.torrent, '_drain') },
      { what: 'bittorrent-tracker UDPTracker.prototype._request', ok: t => fn(t.udpTracker, '_request') },
      { what: 'bittorrent-tracker HTTPTracker.prototype._request', ok: t => fn(t.httpTracker, '_request') },
      { what: 'bittorrent-tracker WebSocketTracker.prototype._createPeer', ok: t => fn(t.webSocketTracker, '_createPeer') }
    ],
    consequence: 'with --host, outgoing peer connections, HTTP and UDP tracker requests and WebRTC candidates use every interface'
  },
  {
    feature: 'uTP close by libtorrent peers',
    needs: [
      { what: 'utp-native UTP.prototype._onmessage', ok: t => t.utp === undefined || fn(t.utp, '_onmessage') }
    ],
    needsFeatures: ['peer links'],
    consequence: 'a libtorrent peer that closes a uTP connection stays connected until a keep-alive'
  },
  {
    feature: 'duplicate connections sharing an address',
    needs: [
      { what: 'webtorrent Peer.prototype.destroy', ok: t => fn(t.peer, 'destroy') },
      { what: 'webtorrent Torrent.prototype.removePeer', ok: t => fn(t.torrent, 'removePeer') },
      { what: 'webtorrent Peer#id', ok: (_t, p) => has(p.peer, 'id') }
    ],
    needsFeatures: ['peer links'],
    consequence: 'closing one of two uTP connections to a peer may close both'
  },
  {
    feature: 'download request queue limit',
    needs: [
      { what: 'bittorrent-protocol Wire#peerExtendedHandshake', ok: (_t, p) => { const handshake = (p.wire as { peerExtendedHandshake?: unknown } | undefined)?.peerExtendedHandshake; return typeof handshake === 'object' && handshake !== null } },
      // The request pipelines that honour the peer's reqq (webtorrent's getBlockPipelineLength).
      { what: 'webtorrent Torrent.prototype._updateWire, ._request', ok: t => fn(t.torrent, '_updateWire') && fn(t.torrent, '_request') }
    ],
    consequence: 'a download keeps as many requests in flight as each peer allows, whether the disk keeps up or not'
  },
  {
    feature: 'MSE key exchange without a prime check',
    needs: [
      { what: 'bittorrent-protocol Wire#_encryptor (MessageStreamEncryptor) with a `dh` getter and #_dh', ok: (_t, p) => { const encryptor = encryptorOf(p.encryptedWire); return encryptor !== undefined && '_dh' in encryptor && typeof Object.getOwnPropertyDescriptor(Object.getPrototypeOf(encryptor), 'dh')?.get === 'function' } }
    ],
    consequence: 'each encrypted (MSE) handshake makes a Diffie-Hellman object whose prime check costs 50-160 ms of CPU'
  },
  {
    feature: 'debug lines built only when shown',
    needs: [
      { what: 'bittorrent-protocol Wire.prototype._debug', ok: t => fn(t.wire, '_debug') },
      { what: 'webtorrent Torrent.prototype._debug', ok: t => fn(t.torrent, '_debug') }
    ],
    consequence: 'every block sent or received formats two or three debug lines that nobody reads'
  }
]

let applied: FeatureStatus[] | undefined

/**
 * Checks and applies every feature, once per process (the first call decides; a test
 * passes stand-in targets to see a missing member switch a feature off). Returns what is on.
 */
export function applyWebTorrentInternals (targets: InternalTargets = libraryTargets()): FeatureStatus[] {
  if (applied) return applied
  // A constructor that throws leaves its probe undefined: the fields it should show are then missing.
  const probes: Probes = {
    wire: attempt(() => targets.probeWire(false)),
    encryptedWire: attempt(() => targets.probeWire(true)),
    peer: attempt(() => targets.probePeer()),
    piece: attempt(() => targets.probePiece?.())
  }
  const status: FeatureStatus[] = []
  for (const { feature, needs, needsFeatures = [], consequence } of FEATURES) {
    const missing = needs.filter(need => !safely(() => need.ok(targets, probes))).map(need => need.what)
    for (const other of needsFeatures) {
      const dependency = status.find(entry => entry.feature === other)
      if (dependency && !dependency.on) missing.push(...dependency.missing.filter(what => !missing.includes(what)))
    }
    status.push({ feature, on: missing.length === 0, missing, consequence })
  }
  const on = (feature: Feature) => status.find(entry => entry.feature === feature)!.on
  if (on('peer links')) linkPeers(targets.peer as PeerProto)
  if (on('piece framing')) framePieceMessages(targets.wire as FramedWireProto)
  if (on('receive without copies')) receiveWithoutCopies(targets.wire as ReceivingWireProto)
  if (on('pieces assembled in place')) assemblePiecesInPlace(targets.piece as FlushingPieceProto)
  if (on('receive straight from the socket')) receiveStraightFromSockets(targets.peer as PipingPeerProto, readKeys()!)
  if (on('send straight to the socket')) sendStraightToSockets(targets.peer as SendingPeerProto)
  if (on('requests found from the last match')) findRequestsFromLastMatch(targets.wire as PullingWireProto)
  if (on('request scheduler runs coalesced')) coalesceTorrentUpdates(targets.torrent as UpdatingTorrentProto)
  if (on('web seed requests dropped after close')) dropRequestsAfterClose(targets.webConn as RequestingWebConnProto)
  if (on('failed tracker announces released')) releaseFailedRequests(targets.httpTracker as RequestingHttpTrackerProto)
  if (on('peer message limits')) limitPeerMessages(targets)
  if (on('incoming connection cap')) capIncoming(targets.torrent as TorrentProto)
  if (on('duplicate connections sharing an address')) keepSharedAddresses(targets.peer as DestroyingPeerProto)
  if (on('WebRTC glare tie-break')) {
    patchWebSocketTracker(targets.webSocketTracker)
    patchTorrent(targets.torrent)
  }
  // After the glare patch, so that this wrapper of _createPeer is the outer one.
  if (on('outgoing connections from --host')) outgoingFromHost(targets)
  if (on('MSE key exchange without a prime check')) exchangeMseKeysWithoutPrimeCheck(Object.getPrototypeOf(encryptorOf(probes.encryptedWire)) as object)
  if (on('debug lines built only when shown') && !process.env.DEBUG) skipDebugLines(targets)
  applied = status
  return status
}

/**
 * bittorrent-protocol's Wire and webtorrent's Torrent prefix every debug message with
 * their ids (a new string) before handing it to the `debug` package, which drops it when
 * its namespace is off: per block, the wire's 'request' and 'got piece' lines and the
 * torrent's 'got piece' line, 40-130 ns each here, some 200,000 per GiB downloaded. The
 * namespaces come from the DEBUG variable, read once when `debug` loads: without it
 * nothing is ever shown, and the two _debug methods do nothing (with it, they stay).
 */
function skipDebugLines (targets: InternalTargets): void {
  const skip = function (): void {}
  ;(targets.wire as { _debug: () => void })._debug = skip
  ;(targets.torrent as { _debug: () => void })._debug = skip
}

function encryptorOf (wire: object | undefined): object | undefined {
  const encryptor = (wire as { _encryptor?: unknown } | undefined)?._encryptor
  return typeof encryptor === 'object' && encryptor !== null ? encryptor : undefined
}

/**
 * bittorrent-protocol's MessageStreamEncryptor makes its Diffie-Hellman object on first
 * use of `dh` with Node's createDiffieHellman(prime), which checks the protocol's constant
 * prime every time (see mse-key.ts); here `dh` is seedcast's MseKeyExchange, the same two
 * calls (generateKeys, computeSecret) and results.
 */
function exchangeMseKeysWithoutPrimeCheck (proto: object): void {
  Object.defineProperty(proto, 'dh', {
    configurable: true,
    get (this: { _dh?: unknown }) {
      if (!this._dh) {
        this._dh = new MseKeyExchange()
        fastPathCounts.mseKeyExchanges++
      }
      return this._dh
    }
  })
}

let keys: ReturnType<typeof socketReadKeys> | null = null
function readKeys (): ReturnType<typeof socketReadKeys> {
  if (keys === null) keys = attempt(socketReadKeys)
  return keys
}

function safely (check: () => boolean): boolean {
  return attempt(check) ?? false
}

function attempt<T> (make: () => T): T | undefined {
  try {
    return make()
  } catch {
    return undefined
  }
}

/** Is `feature` on in this process (applying the features first if nobody has)? */
export function featureOn (feature: Feature): boolean {
  return applyWebTorrentInternals().find(entry => entry.feature === feature)!.on
}

/** One line per feature that is off: `seedcast: warning: <feature> is off (<why>)`. */
export function internalsWarnings (): string[] {
  return applyWebTorrentInternals().filter(entry => !entry.on).map(entry =>
    `seedcast: warning: ${entry.feature} is off (${entry.missing.join(', ')} ${entry.missing.length === 1 ? 'is' : 'are'} missing in this version; ${entry.consequence}: check the pinned versions of webtorrent and bittorrent-protocol)`)
}

// ---- peer links: wire or socket → the webtorrent Peer that owns it (its socket, address, torrent)

const OWNER = Symbol.for('seedcast.peerOfWire')

interface PeerLike { type?: string, wire?: object | null, conn?: unknown, addr?: string | null, swarm?: { pieces?: unknown[], client?: unknown } | null, destroyed?: boolean, destroy: (err?: Error) => void }
interface PeerProto { onConnect: (this: PeerLike) => void }

/** Emits 'connect' (PeerLike) for every peer connection as it opens, before any handshake. */
const connectedPeers = new EventEmitter().setMaxListeners(0)

function linkPeers (proto: PeerProto): void {
  const onConnect = proto.onConnect
  proto.onConnect = function () {
    const result = onConnect.call(this)
    if (this.wire) (this.wire as Record<symbol, unknown>)[OWNER] = this
    if (this.conn && typeof this.conn === 'object') (this.conn as Record<symbol, unknown>)[OWNER] = this
    if (!this.destroyed) connectedPeers.emit('connect', this)
    return result
  }
}

/** The Peer a socket belongs to (set once it connected), also before its handshake. */
function peerOfConn (conn: object): PeerLike | undefined {
  return (conn as Record<symbol, PeerLike | undefined>)[OWNER]
}

function peerOf (wire: object): PeerLike | undefined {
  return (wire as Record<symbol, PeerLike | undefined>)[OWNER]
}

/** The connection under a wire: a net.Socket (TCP), a uTP socket or a simple-peer (WebRTC). */
export function connOfWire (wire: object): unknown {
  return peerOf(wire)?.conn ?? undefined
}

// ---- download request queue limit

interface QueuedWire { peerExtendedHandshake?: { reqq?: unknown } | null }

/** The `reqq` each peer sent in its extended handshake (undefined: none), before it was capped. */
const ownRequestQueues = new WeakMap<object, number | undefined>()

/**
 * Lets `wire` have at most `limit` block requests outstanding (WebTorrent asks for a
 * second's worth of the peer's speed, capped only by the `reqq` of the peer's extended
 * handshake; download/request-limit.ts decides the limit). The cap is written into that
 * handshake's `reqq`, a peer's own smaller `reqq` kept; call it again after a new
 * handshake (it replaces the object) or to change the limit. False, nothing changed, when
 * the feature is off or the wire has no handshake object.
 */
export function capRequestQueue (wire: object, limit: number): boolean {
  if (!featureOn('download request queue limit')) return false
  const handshake = (wire as QueuedWire).peerExtendedHandshake
  if (!handshake || typeof handshake !== 'object') return false
  if (!ownRequestQueues.has(handshake)) {
    const theirs = handshake.reqq
    ownRequestQueues.set(handshake, typeof theirs === 'number' && theirs > 0 ? theirs : undefined)
  }
  const theirs = ownRequestQueues.get(handshake)
  const capped = theirs === undefined ? limit : Math.min(theirs, limit)
  if (handshake.reqq !== capped) fastPathCounts.cappedRequestQueues++
  handshake.reqq = capped
  return true
}

// ---- peer message limits and bans

/** Addresses banned in this process (see wire-limits.ts). */
export const peerBans = new BanList()

export interface HostilePeer { address: string, reason: string, bannedForMs: number }

/** Emits 'banned' (HostilePeer) when a peer is dropped for a message it may not send. */
export const hostilePeers = new EventEmitter()

interface GuardedWire {
  _buffer: Uint8Array[]
  _bufferSize: number
  _parse: (size: number, parser: (buffer: Uint8Array) => void) => void
  remoteAddress?: string
  remotePort?: number
  destroy: () => void
}
interface GuardedWireProto {
  _onMessageLength: (this: GuardedWire, buffer: Uint8Array) => void
  _onMessage: (this: GuardedWire, buffer: Uint8Array) => void
}
interface TorrentProto {
  _addPeer: (this: TorrentLike, peer: unknown, type: string, source?: unknown) => unknown
  _addIncomingPeer: (this: TorrentLike, peer: PeerLike) => unknown
}
interface TorrentLike { wires: unknown[], client?: { maxConns?: number } | null, emit: (event: string, ...args: unknown[]) => boolean }
interface ConnPoolProto { _onConnection: (this: unknown, conn: { remoteAddress?: string, on: (event: string, listener: () => void) => void, destroy: () => void }, type: string) => void }

const discard = () => {}

function limitPeerMessages (targets: InternalTargets): void {
  const wire = targets.wire as GuardedWireProto
  const onMessageLength = wire._onMessageLength
  const onMessage = wire._onMessage
  wire._onMessageLength = function (buffer) {
    const length = new DataView(buffer.buffer, buffer.byteOffset, 4).getUint32(0)
    if (length > 0) {
      // The id byte usually came with the length; until it has, the largest of any type.
      const id = this._bufferSize > 0 ? this._buffer[0]![0] : undefined
      const pieces = piecesOf(this)
      const bounds = id === undefined ? { min: 1, max: largestMessage(pieces) } : messageBounds(id, pieces)
      if (length < bounds.min || length > bounds.max) return refuse(this, id, length, bounds.max)
    }
    return onMessageLength.call(this, buffer)
  }
  wire._onMessage = function (buffer) {
    const bounds = messageBounds(buffer[0]!, piecesOf(this))
    if (buffer.length < bounds.min || buffer.length > bounds.max) return refuse(this, buffer[0], buffer.length, bounds.max)
    return onMessage.call(this, buffer)
  }

  const connPool = targets.connPool as ConnPoolProto
  const onConnection = connPool._onConnection
  connPool._onConnection = function (conn, type) {
    if (peerBans.has(conn.remoteAddress)) {
      fastPathCounts.bannedConnections++
      conn.on('error', discard)
      conn.destroy()
      return
    }
    return onConnection.call(this, conn, type)
  }

  const torrent = targets.torrent as TorrentProto
  const addPeer = torrent._addPeer
  // Every outgoing connection (from trackers, DHT, PEX, and webtorrent's own reconnects) starts here.
  torrent._addPeer = function (peer, type, source) {
    if (typeof peer === 'string' && peerBans.has(ipOfAddress(peer))) {
      fastPathCounts.bannedConnections++
      return null
    }
    return addPeer.call(this, peer, type, source)
  }
}

function piecesOf (wire: object): number | undefined {
  const pieces = peerOf(wire)?.swarm?.pieces?.length
  return pieces || undefined
}

/** Stops reading the wire at once, bans the peer's IP, drops the connection. */
function refuse (wire: GuardedWire, id: number | undefined, length: number, max: number): void {
  wire._parse(Number.MAX_SAFE_INTEGER, discard)
  wire._buffer = []
  wire._bufferSize = 0
  fastPathCounts.oversizedMessages++
  const peer = peerOf(wire)
  const address = peer?.addr ?? (wire.remoteAddress ? `${wire.remoteAddress}:${wire.remotePort}` : undefined)
  const reason = `sent ${describeMessage(id)} of ${length} bytes (${length > max ? `at most ${max}` : 'too short'})`
  // WebRTC peers have no address to ban; dropping them is all there is.
  if (address) peerBans.ban(ipOfAddress(address))
  hostilePeers.emit('banned', { address: address ? displayAddress(address) : 'a WebRTC peer', reason, bannedForMs: address ? BAN_MS : 0 } satisfies HostilePeer)
  if (peer && !peer.destroyed) peer.destroy(new Error(reason))
  else wire.destroy()
}

function displayAddress (address: string): string {
  const ip = ipOfAddress(address)
  const port = address.slice(address.lastIndexOf(':') + 1)
  return ip.includes(':') ? `[${ip}]:${port}` : `${normalizeIp(ip)}:${port}`
}

// ---- incoming connection cap

/**
 * webtorrent's maxConns stops it dialling more peers but takes every incoming one; with
 * `--max-conns` an operator means a cap. An incoming peer past it is dropped when its
 * handshake names the torrent.
 */
function capIncoming (proto: TorrentProto): void {
  const addIncomingPeer = proto._addIncomingPeer
  proto._addIncomingPeer = function (peer) {
    const max = this.client?.maxConns
    // Web seeds are wires too (HTTP fetches of the torrent's URLs), not peer connections.
    if (max && this.wires.filter(wire => (wire as { type?: string }).type !== 'webSeed').length >= max) {
      fastPathCounts.refusedOverCap++
      return peer.destroy(new Error(`more than ${max} peers`))
    }
    return addIncomingPeer.call(this, peer)
  }
}

// ---- duplicate connections sharing an address

/*
 * WebTorrent keys its peers by "ip:port", and a uTP peer that dials us comes from its listen
 * port (libtorrent sends all uTP from its one UDP socket): our connection to it and its
 * connection to us get the same key, the later registered replacing the earlier in
 * torrent._peers. Peer#destroy ends with torrent.removePeer(this.id), which looks the key up
 * and destroys what it finds: closing the duplicate (duplicate-connections.ts) destroyed the
 * connection kept as well, and the pair ended with none. Here a destroy whose key another
 * live connection holds (or shares) removes only itself, and leaves the key to the other.
 */

interface SwarmOfPeers { destroyed?: boolean, wires?: object[], _peers?: unknown }
interface DestroyingPeer { id?: string, destroyed?: boolean, swarm?: SwarmOfPeers | null }
interface DestroyingPeerProto { destroy: (this: DestroyingPeer, err?: Error) => unknown }

function keepSharedAddresses (proto: DestroyingPeerProto): void {
  const destroy = proto.destroy
  proto.destroy = function (err) {
    const swarm = this.swarm
    const peers = swarm?._peers
    if (this.destroyed || !swarm || !(peers instanceof Map) || typeof this.id !== 'string') return destroy.call(this, err)
    const registered = peers.get(this.id) as DestroyingPeer | undefined
    const sibling = registered && registered !== this && !registered.destroyed
      ? registered
      : (swarm.wires ?? []).map(wire => peerOf(wire) as DestroyingPeer | undefined)
          .find(peer => peer !== undefined && peer !== this && !peer.destroyed && peer.id === this.id)
    if (!sibling) return destroy.call(this, err)
    // removePeer(id) then finds this peer (already marked destroyed) and deletes the key only.
    peers.set(this.id, this)
    try {
      return destroy.call(this, err)
    } finally {
      if (!swarm.destroyed && !sibling.destroyed) {
        peers.set(this.id, sibling)
        fastPathCounts.sharedAddressesKept++
      }
    }
  }
}

// ---- the peer port's address

type Listen = (...args: unknown[]) => unknown
interface Listener { listen: Listen }
interface ServerModule { createServer?: (...args: unknown[]) => Listener }

/**
 * Runs `make` (which constructs a WebTorrent client) so that the peer port it opens listens
 * on `host` only. webtorrent has no option for it: its ConnPool calls
 * `net.createServer().listen(port, callback)` in its constructor and, in that callback,
 * `utp.createServer().listen(port)`, both on every interface. During those synchronous
 * calls, the servers created get `host` inserted in their listen call. The caller checks
 * the address once listening (peerPortAddress), so a change in webtorrent cannot widen the
 * port unnoticed.
 */
export function constructListeningOn<T> (host: string | undefined, make: () => T, modules: { net: ServerModule, utp?: ServerModule }): T {
  if (!host) return make()
  const restore = listenOnHost(modules.net, host, callback => () => {
    const restoreUtp = modules.utp?.createServer ? listenOnHost(modules.utp, host, callback => callback) : undefined
    try { callback() } finally { restoreUtp?.() }
  })
  try {
    return make()
  } finally {
    restore()
  }
}

/** Until the returned function is called, servers made by `module.createServer` listen on `host`. */
function listenOnHost (module: ServerModule, host: string, wrapCallback: (callback: () => void) => () => void): () => void {
  const create = module.createServer!
  module.createServer = function (...args: unknown[]) {
    const server = create.apply(module, args)
    const listen = server.listen
    server.listen = function (this: unknown, ...listenArgs: unknown[]) {
      const [port, callback] = listenArgs
      // Only the (port) and (port, callback) calls webtorrent makes; anything else as given.
      if (typeof port !== 'number' || listenArgs.length > 2 || (callback !== undefined && typeof callback !== 'function')) return listen.apply(server, listenArgs)
      return listen.call(server, port, host, ...(callback ? [wrapCallback(callback as () => void)] : []))
    }
    return server
  }
  return () => { module.createServer = create }
}

/** The address the client's TCP peer port listens on ("0.0.0.0", "::", "127.0.0.1"...), once listening. */
export function peerPortAddress (client: { address: () => { address: string } | null }): string | undefined {
  return client.address()?.address
}

/**
 * Closes the client's TCP peer server once it listens, for a client that must accept no
 * peer connection (WebRTC only): WebTorrent's connection pool opens it unconditionally.
 * Its later close() in WebTorrent's destroy is made a no-op: the "not running" error it
 * would give ends WebTorrent's destroy before the torrents' "stopped" announces are sent.
 */
export function closePeerPortOnListening (client: object): void {
  interface Server { close: (callback?: (err?: Error) => void) => unknown }
  const swarm = client as { listening?: boolean, _connPool?: { tcpServer?: Server | null } | null, once: (event: 'listening', listener: () => void) => unknown }
  const close = () => {
    const server = swarm._connPool?.tcpServer
    if (!server) return
    server.close()
    server.close = callback => { if (callback) queueMicrotask(() => callback()); return server }
  }
  if (swarm.listening) close()
  else swarm.once('listening', close)
}

/**
 * Sets WebTorrent's upload throttle to `rate` bytes per second (a whole number, at least
 * 1), cut into slices of at most `sliceBytes`. speed-limiter's token bucket holds one
 * second of the rate, and a slice waiting for tokens fails when the rate is lowered below
 * its size: its stream errors and the peer is dropped. With speed-limiter's own slices (a
 * tenth of the rate), a share of the upload limit cut by more than ten times at once
 * (upload-share.ts: 95 % to 5 %) dropped the peer being served. Slices no larger than the
 * smallest share make every later rate big enough for a slice already waiting. Returns
 * false, having set the rate only, when speed-limiter's ThrottleGroup has no
 * setRate(rate, chunksize) / getChunksize().
 */
export function setUploadThrottle (client: object, rate: number, sliceBytes: number): boolean {
  interface Group { setRate?: (rate: number, chunksize?: number) => void, getChunksize?: () => number }
  const swarm = client as { throttleUpload: (rate: number) => unknown, throttleGroups?: { up?: Group } }
  swarm.throttleUpload(rate)
  const up = swarm.throttleGroups?.up
  if (typeof up?.setRate !== 'function' || typeof up.getChunksize !== 'function') return false
  const slice = Math.max(1, Math.min(sliceBytes, Math.floor(rate / 10)))
  up.setRate(Math.round(rate), slice)
  return up.getChunksize() === slice
}

/**
 * True when WebTorrent's upload throttle is what holds uploads back: its token bucket,
 * brought up to now, holds less than one slice, so blocks already answered wait in the
 * throttle for tokens. A side's new bytes alone cannot tell this: a peer whose requests
 * are all answered sends no new ones while those answers drain, and its side looks idle
 * (upload-share.ts then took its share away, and the answers drained at the floor rate).
 * False without a throttle or when speed-limiter's bucket (limiter's TokenBucket) is not there.
 */
export function uploadThrottleSaturated (client: object): boolean {
  interface Bucket { drip?: () => void, content?: number }
  const up = (client as { throttleGroups?: { up?: { getEnabled?: () => boolean, getChunksize?: () => number, bucket?: Bucket } } }).throttleGroups?.up
  const bucket = up?.bucket
  if (!up?.getEnabled?.() || typeof up.getChunksize !== 'function' || typeof bucket?.drip !== 'function' || typeof bucket.content !== 'number') return false
  bucket.drip()
  return bucket.content < up.getChunksize()
}

/** WebTorrent's upload throttle as configured (-1: no limit). */
export function uploadThrottle (client: object): number {
  const up = (client as { throttleGroups?: { up?: { getEnabled?: () => boolean, getRate?: () => number } } }).throttleGroups?.up
  if (!up?.getEnabled || !up.getRate) return (client as { _uploadLimit?: number })._uploadLimit ?? -1
  return up.getEnabled() ? up.getRate() : -1
}

// ---- metadata from peers

interface MetadataTarget { _onMetadata?: (metadata: unknown) => unknown, _destroy?: (error: Error) => void }

/**
 * Has one torrent give the info dictionary its peers send (ut_metadata: the bytes of
 * `{ info }`) to `parse` before WebTorrent sees it, by wrapping that torrent's
 * `_onMetadata`; a throw from `parse` destroys the torrent with that error. Checks the
 * members first; false (and nothing changed) when they are missing.
 */
export function interceptPeerMetadata (torrent: object, parse: (bytes: Uint8Array) => unknown): boolean {
  const target = torrent as MetadataTarget
  const original = target._onMetadata
  if (typeof original !== 'function' || typeof target._destroy !== 'function') return false
  target._onMetadata = function (this: MetadataTarget, metadata: unknown) {
    // From a .torrent it is already parsed; only peers' bytes go through `parse`.
    if (!ArrayBuffer.isView(metadata)) return original.call(this, metadata)
    let parsed: unknown
    try {
      parsed = parse(new Uint8Array(metadata.buffer, metadata.byteOffset, metadata.byteLength))
    } catch (error) {
      this._destroy!(error as Error)
      return undefined
    }
    return original.call(this, parsed)
  }
  return true
}

// ---- outgoing connections from --host (see outgoing-host.ts for the why)

interface DrainingTorrent { client?: object | null }
interface TrackerWithClient { client?: { _proxyOpts?: object } | null }
interface SignallingPeer { emit: (event: string, ...args: unknown[]) => boolean }

function outgoingFromHost (targets: InternalTargets): void {
  const torrent = targets.torrent as { _drain: (this: DrainingTorrent) => unknown }
  const drain = torrent._drain
  torrent._drain = function () {
    const host = outgoingHost(this.client)
    return host ? connectingFrom(host, () => drain.call(this)) : drain.call(this)
  }

  // Our proxyOpts hold the WebSocket agents only (outgoing-host.ts). The UDP tracker's
  // _request deep-copies proxyOpts.socksProxy, which throws on undefined: it is shown no
  // proxyOpts. The HTTP tracker would hand the http.Agent to fetch as its undici dispatcher,
  // which fails every announce: it is shown an undici Agent bound to the host instead. Both
  // read proxyOpts synchronously, before their first await (fetch is called by then).
  const withProxyOpts = <T>(tracker: TrackerWithClient, shown: (host: string) => object | undefined, call: () => T): T => {
    const client = tracker.client
    const proxyOpts = client?._proxyOpts
    const host = outgoingHost(proxyOpts)
    if (!client || !host) return call()
    client._proxyOpts = shown(host)
    try {
      return call()
    } finally {
      client._proxyOpts = proxyOpts
    }
  }
  const udp = targets.udpTracker as { _request: (this: TrackerWithClient, opts?: unknown) => unknown }
  const udpRequest = udp._request
  udp._request = function (opts) {
    const host = outgoingHost(this.client?._proxyOpts)
    return withProxyOpts(this, () => undefined, () => host ? udpFrom(host, () => udpRequest.call(this, opts)) : udpRequest.call(this, opts))
  }
  const http = targets.httpTracker as { _request: (this: TrackerWithClient, ...args: unknown[]) => unknown }
  const httpRequest = http._request
  http._request = function (...args) {
    return withProxyOpts(this, httpTrackerOptionsOn, () => httpRequest.apply(this, args))
  }

  // With trickle off, the candidates travel inside the offer or answer simple-peer emits as
  // 'signal' (its sdpTransform option sees the SDP before any candidate is in it).
  const ws = targets.webSocketTracker as { _createPeer: (this: TrackerWithClient, opts?: Record<string, unknown>) => SignallingPeer }
  const createPeer = ws._createPeer
  ws._createPeer = function (opts) {
    const peer = createPeer.call(this, opts)
    const host = outgoingHost(this.client?._proxyOpts)
    if (!host) return peer
    const emit = peer.emit
    peer.emit = function (event, ...args) {
      const signal = args[0] as { sdp?: unknown } | undefined
      if (event === 'signal' && typeof signal?.sdp === 'string') args[0] = { ...signal, sdp: sdpWithCandidatesOn(signal.sdp, host) }
      return emit.call(this, event, ...args)
    }
    return peer
  }
}

// ---- uTP close by libtorrent peers

/*
 * utp-native's libutp drops every packet whose first extension header is not 1 or 2
 * (utp_internal.cpp: `pf->ext < 3`), and libtorrent (qBittorrent, Deluge…) ends each uTP
 * connection with a FIN carrying its close-reason extension (type 3). So that FIN never
 * reached libutp: the connection stayed open on our side until some later write timed out,
 * a minute or more later, and `peers` counted a libtorrent peer that had left - or, when
 * libtorrent closed one of two connections to the same peer (one dialled by each side),
 * the same peer twice. utp-native hands the packets libutp refused to JS as 'message'
 * events (for a DHT sharing the socket): a FIN among them ends our connection to the
 * address that sent it. Watched: the listening socket (which also carries the uTP
 * connections we dial), and the socket of any uTP connection dialled from a socket of its own.
 *
 * Connection ids are not visible from JS, so the FIN names an address and port only. With
 * one connection from there, it ends at once (its wire, or its peer while still
 * handshaking). With several - libtorrent leeching two of our torrents, or the two
 * connections of a simultaneous dial, one of which libtorrent drops before its handshake -
 * guessing could end a connection in use, so the FIN's connection is found by elimination:
 * libtorrent sends nothing more on a connection it closed, so a candidate that receives
 * data afterwards is alive, and when all but one have, the last one is ended. Idle
 * candidates with a wire are probed with keep-alives: libtorrent resends its FIN a few
 * times, then forgets the connection without a RESET (its utp_socket_manager drops packets
 * for unknown ids), so a keep-alive written after that is never acked and libutp times
 * that connection out itself; one written while libtorrent still waits for its FIN to be
 * acked is acked, hence the probes UTP_PROBE_AFTER_MS after the FIN, twice. Candidates
 * are watched for UTP_ELIMINATION_MS at most.
 */

const UTP_FIN = 1
const UTP_VERSION = 1
/** libtorrent 2.0 gives up a FIN after 2 resends (fin_resends) with RTOs from 500 ms, doubling: ~3.5 s. */
const UTP_PROBE_AFTER_MS = 5_000
const UTP_PROBES = 2
const UTP_ELIMINATION_MS = 60_000

interface UtpConnLike { remoteAddress?: string, remotePort?: number, destroyed?: boolean, _utp?: unknown, once: (event: 'data' | 'close', listener: () => void) => unknown, removeListener: (event: 'data' | 'close', listener: () => void) => unknown }
interface UtpSocketLike { connections?: unknown, on: (event: 'message', listener: (packet: Buffer, from: { address: string, port: number }) => void) => void }
interface UtpWireLike { type?: string, destroyed?: boolean, destroy: () => void, keepAlive?: () => void }
interface ClientLike {
  torrents: Array<{ wires: object[] }>
  listening?: boolean
  _connPool?: { utpServer?: UtpSocketLike | null } | null
  once: (event: 'listening', listener: () => void) => unknown
}

/** Makes the client end uTP connections on the FINs libutp cannot read (see above). */
export function closeUtpOnUnreadFin (client: object): void {
  if (!featureOn('uTP close by libtorrent peers')) return
  const swarm = client as ClientLike
  const watched = new WeakSet<object>()
  const liveWires = (conn: unknown): UtpWireLike[] =>
    swarm.torrents.flatMap(torrent => torrent.wires as UtpWireLike[]).filter(wire => !wire.destroyed && connOfWire(wire) === conn)
  /** Connections already under elimination (a resent FIN must not start another round). */
  const suspects = new WeakSet<object>()

  /** Ends the one connection of `candidates` that the FIN closed, once the others have shown they are alive. */
  const eliminate = (candidates: UtpConnLike[]) => {
    const alive = new Set<UtpConnLike>()
    const listeners: Array<() => void> = []
    const timers: NodeJS.Timeout[] = []
    const done = () => {
      for (const stop of listeners) stop()
      for (const timer of timers) clearTimeout(timer)
      for (const conn of candidates) suspects.delete(conn)
    }
    const check = () => {
      const open = candidates.filter(conn => !conn.destroyed && !peerOfConn(conn as object)?.destroyed)
      const unproven = open.filter(conn => !alive.has(conn))
      if (open.length <= 1 || unproven.length === 0) return done()
      if (unproven.length > 1) return
      done()
      fastPathCounts.unreadUtpFins++
      const wires = liveWires(unproven[0])
      if (wires.length > 0) for (const wire of wires) wire.destroy()
      else peerOfConn(unproven[0] as object)?.destroy()
    }
    for (const conn of candidates) {
      suspects.add(conn)
      const onData = () => { alive.add(conn); check() }
      const onClose = () => check()
      conn.once('data', onData)
      conn.once('close', onClose)
      listeners.push(() => { conn.removeListener('data', onData); conn.removeListener('close', onClose) })
    }
    for (let probe = 1; probe <= UTP_PROBES; probe++) {
      timers.push(setTimeout(() => {
        for (const wire of candidates.filter(conn => !alive.has(conn)).flatMap(liveWires)) {
          fastPathCounts.utpFinProbes++
          wire.keepAlive?.()
        }
        check()
      }, UTP_PROBE_AFTER_MS * probe))
    }
    timers.push(setTimeout(done, UTP_ELIMINATION_MS))
    for (const timer of timers) timer.unref()
  }

  const watch = (socket: UtpSocketLike | null | undefined) => {
    if (!socket || watched.has(socket) || !Array.isArray(socket.connections)) return
    watched.add(socket)
    const connections = socket.connections as UtpConnLike[]
    socket.on('message', (packet, from) => {
      // uTP header: type << 4 | version, first extension type, connection id, …: 20 bytes.
      if (packet.length < 20 || packet[0] !== (UTP_FIN << 4 | UTP_VERSION) || packet[1]! < 3) return
      const open = connections.filter(conn => conn.remoteAddress === from.address && conn.remotePort === from.port)
      const wires = open.flatMap(liveWires)
      // A connection closed before its handshake (libtorrent dropping a duplicate) has no wire yet.
      const handshaking = open.length === 1 && wires.length === 0 ? peerOfConn(open[0] as object) : undefined
      if (open.length === 1 && wires.length === 1) {
        fastPathCounts.unreadUtpFins++
        // The wire, not the socket: utp-native's close waits for the peer to ack our own FIN,
        // which libtorrent, done with the connection, never does; the wire ends at once.
        wires[0]!.destroy()
      } else if (handshaking && !handshaking.destroyed) {
        fastPathCounts.unreadUtpFins++
        handshaking.destroy()
      } else if (open.length > 1 && !open.some(conn => suspects.has(conn as object))) {
        eliminate(open)
      }
    })
  }
  const onConnect = (peer: PeerLike) => {
    if (peer.type === 'utpOutgoing' && peer.swarm?.client === client) watch((peer.conn as UtpConnLike | undefined)?._utp as UtpSocketLike | undefined)
  }
  connectedPeers.on('connect', onConnect)
  const destroyable = client as { destroy: (...args: unknown[]) => unknown }
  const destroy = destroyable.destroy
  destroyable.destroy = function (...args) {
    connectedPeers.removeListener('connect', onConnect)
    return destroy.apply(this, args)
  }
  if (swarm.listening) watch(swarm._connPool?.utpServer)
  else swarm.once('listening', () => watch(swarm._connPool?.utpServer))
}
