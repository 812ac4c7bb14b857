import { createSocket, type Socket as UdpSocket } from 'node:dgram'
import { createRequire } from 'node:module'
import net, { isIPv6 } from 'node:net'
import WebTorrent from 'webtorrent'
import { NO_RATE_LIMIT } from './rate.js'
import { closeDuplicateConnections } from './duplicate-connections.js'
import { closePeerPortOnListening, constructListeningOn } from './listen-host.js'
import { closeUtpOnUnreadFin } from './utp-fin-close.js'
import { applyWebTorrentInternals } from './webtorrent-internals.js'
import { exitBeforeNativeTeardown } from './webrtc/native-teardown.js'
import { bindOutgoing, isOneAddress, trackerOptionsOn } from './outgoing-host.js'
import { isLeftOut } from './lean-imports.js'

export interface ClientOptions {
  /** Mainline DHT (BEP 5). Default true; false creates no DHT at all (no bootstrap traffic). */
  dht?: boolean
  /** DHT bootstrap nodes ("host:port"); default: the DHT library's public routers. */
  dhtBootstrap?: string[]
  /** Local Service Discovery (BEP 14, LAN multicast). Default: on, unless `host` is a loopback address. */
  lsd?: boolean
  /**
   * Address the peer port (TCP and uTP) and the DHT listen on, and the one outgoing peer
   * connections, UDP tracker requests, WebSocket tracker connections and the advertised
   * WebRTC candidates use (not HTTP tracker requests: see outgoing-host.ts); default
   * every interface. A loopback address keeps the peer side off the network (and
   * LSD off by default).
   */
  host?: string
  /** Announce to the trackers named in each torrent. Default true. Never adds trackers of its own. */
  trackers?: boolean
  /** WebRTC peers through ws:// trackers. Default true (when a WebRTC runtime is present). */
  webrtc?: boolean
  /**
   * false: no peer port at all (no TCP or uTP listening), for a client that only makes
   * WebRTC connections (the seeder's WebRTC child, src/swarm/webrtc/). Default true.
   */
  peerPort?: boolean
  /** uTP (BEP 29) besides TCP. Default true. */
  utp?: boolean
  /** Peer exchange (BEP 11). Default true. */
  pex?: boolean
  /** Map the ports with UPnP / NAT-PMP. Default false: a seed box is usually configured by hand. */
  natTraversal?: boolean
  /** TCP/uTP listening port; 0 (default) picks a free one. */
  torrentPort?: number
  /** DHT UDP port; 0 (default) picks a free one. */
  dhtPort?: number
  /** Most peer connections per torrent. Default 55 (webtorrent's). */
  maxConns?: number
  /** Bytes per second, -1 (default) for no limit. */
  uploadLimit?: number
  downloadLimit?: number
  /** RTCPeerConnection configuration, e.g. { iceServers: [] } to use host candidates only. */
  rtcConfig?: RTCConfiguration
  /** IP blocklist: a file path or URL of a PeerGuardian list, or ranges. */
  blocklist?: string | string[]
}

/** The configured WebTorrent instance every seedcast swarm function runs on. */
export type SwarmClient = WebTorrent

/**
 * A WebTorrent 3 client configured from `options`. seedcast's patches of WebTorrent
 * (fast paths, peer message limits, the WebRTC tie-break that keeps simultaneous joins
 * from killing each other's connections) are checked and applied first, once per process
 * (see webtorrent-internals.ts). No public tracker or DHT node is added by seedcast:
 * trackers come from the torrents only, and `dht: false` means no DHT traffic at all.
 */
export function createClient (options: ClientOptions = {}): SwarmClient {
  applyWebTorrentInternals()
  const trackers = options.trackers ?? true
  const webrtc = options.webrtc ?? true
  const dht = options.dht ?? true
  const host = options.host
  const outgoing = host !== undefined && isOneAddress(host) ? host : undefined
  // Native WebRTC objects crash Node's teardown at the natural end of a process (see there).
  if (trackers && webrtc) exitBeforeNativeTeardown()
  const dhtOptions = {
    ...(options.dhtBootstrap ? { bootstrap: options.dhtBootstrap } : {}),
    ...(host ? { socket: udpSocketOn(host) } : {})
  }
  const peerPort = options.peerPort ?? true
  // WebTorrent always opens a TCP server: without a peer port it opens on loopback and is
  // closed as soon as it listens.
  const client = constructListeningOn(peerPort ? host : '127.0.0.1', () => new WebTorrent({
    dht: dht ? (Object.keys(dhtOptions).length ? dhtOptions : true) : false,
    lsd: options.lsd ?? (host === undefined || !isLoopback(host)),
    utp: peerPort && (options.utp ?? true),
    utPex: options.pex ?? true,
    natUpnp: options.natTraversal ?? false,
    natPmp: options.natTraversal ?? false,
    tracker: trackers
      ? { ...(options.rtcConfig ? { rtcConfig: options.rtcConfig } : {}), ...(webrtc ? {} : { wrtc: false }), ...(outgoing ? trackerOptionsOn(outgoing) : {}) }
      : false,
    torrentPort: options.torrentPort ?? 0,
    dhtPort: options.dhtPort ?? 0,
    maxConns: options.maxConns ?? 55,
    uploadLimit: options.uploadLimit ?? NO_RATE_LIMIT,
    downloadLimit: options.downloadLimit ?? NO_RATE_LIMIT,
    ...(options.blocklist ? { blocklist: options.blocklist } : {})
  }), { net: net as never, utp: utpModule() as never })
  if (!peerPort) closePeerPortOnListening(client)
  if (outgoing) bindOutgoing(client, outgoing)
  closeDuplicateConnections(client)
  closeUtpOnUnreadFin(client)
  return client
}

/** True for 127.0.0.0/8, ::1 and "localhost": addresses no other machine reaches. */
export function isLoopback (host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').replace(/^::ffff:/, '')
  return bare === 'localhost' || bare === '::1' || /^127\.\d+\.\d+\.\d+$/.test(bare)
}

/**
 * A UDP socket for the DHT (bittorrent-dht hands `socket` to k-rpc-socket) that binds to
 * `host`: the DHT calls bind(port) only, which would be every interface.
 */
function udpSocketOn (host: string): UdpSocket {
  const socket = createSocket(isIPv6(host.replace(/^\[|\]$/g, '')) ? 'udp6' : 'udp4')
  const bind = socket.bind.bind(socket) as (...args: unknown[]) => UdpSocket
  socket.bind = ((port?: unknown, ...rest: unknown[]) => {
    const callback = rest.find(arg => typeof arg === 'function')
    return bind(typeof port === 'number' ? port : 0, host.replace(/^\[|\]$/g, ''), ...(callback ? [callback] : []))
  }) as UdpSocket['bind']
  return socket
}

/** utp-native, the module webtorrent's uTP server comes from (absent when it did not install). */
function utpModule (): unknown {
  // Left out of this process (lean-imports.ts): webtorrent has no uTP here, and loads none.
  if (isLeftOut('utp-native')) return undefined
  try {
    return createRequire(import.meta.url)('utp-native')
  } catch {
    return undefined
  }
}

/** Time given to simple-peer's deferred RTCPeerConnection closes after a destroy. */
const WEBRTC_CLOSE_GRACE_MS = 100

/**
 * Destroys the client (closing peers, trackers, listening sockets and stores), waiting
 * at most `timeoutMs`: a tracker that never answers the "stopped" announce must not
 * keep a stopping seed box alive.
 */
export async function closeClient (client: SwarmClient, timeoutMs = 5_000): Promise<void> {
  if (client.destroyed) return
  await new Promise<void>(resolve => {
    const timer = setTimeout(resolve, timeoutMs)
    timer.unref?.()
    client.destroy(() => { clearTimeout(timer); resolve() })
  })
  // simple-peer closes each RTCPeerConnection from an unref'd 0 ms timer. A process that
  // ends right after the destroy would leave before those timers run, and its WebRTC
  // peers would only notice it gone when ICE times out. A short ref'd wait lets every
  // pending close run first (the exit itself skips the native teardown that crashed:
  // webrtc/native-teardown.ts).
  await new Promise(resolve => setTimeout(resolve, WEBRTC_CLOSE_GRACE_MS))
}

