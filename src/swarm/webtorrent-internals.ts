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
import { capIncoming, type IncomingTorrentProto } from './incoming-cap.js'
import { isLeftOut } from './lean-imports.js'
import { outgoingFromHost } from './outgoing-host-patch.js'
import { linkPeers, type PeerProto } from './peer-links.js'
import { limitPeerMessages } from './peer-message-limits.js'
import { keepSharedAddresses, type DestroyingPeerProto } from './shared-addresses.js'
import { patchTorrent, patchWebSocketTracker } from './webrtc/glare-patch.js'
import { framePieceMessages, type FramedWireProto } from './wire-framing.js'
import { assemblePiecesInPlace, findRequestsFromLastMatch, receiveWithoutCopies, type FlushingPieceProto, type PullingWireProto, type ReceivingWireProto } from './wire-receive.js'
import { MseKeyExchange } from './mse-key.js'
import { receiveStraightFromSockets, socketReadKeys, type PipingPeerProto } from './direct-receive.js'
import { sendStraightToSockets, type SendingPeerProto } from './direct-send.js'
import { coalesceTorrentUpdates, type UpdatingTorrentProto } from './coalesced-updates.js'
import { releaseFailedRequests, type RequestingHttpTrackerProto } from './tracker-request-release.js'
import { dropRequestsAfterClose, type RequestingWebConnProto } from './web-seed-close.js'

/*
 * THE one place that checks the WebTorrent and bittorrent-protocol private members seedcast
 * patches or reads (names starting with _ and fields of objects the libraries do not
 * document); each feature's patch lives in a file of its own (wire-framing.ts,
 * peer-message-limits.ts, utp-fin-close.ts...) and is applied from here.
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
  if (on('incoming connection cap')) capIncoming(targets.torrent as IncomingTorrentProto)
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
