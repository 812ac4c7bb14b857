import dgram from 'node:dgram'
import { createRequire } from 'node:module'
import type http from 'node:http'
import type https from 'node:https'
import net, { isIP } from 'node:net'

/*
 * With a host given (`--host`), the peer side must not only listen there: what it opens
 * itself must leave from that address too. The libraries have no such option:
 *  - TCP peer connections: webtorrent's Torrent#_drain calls `net.connect({ host, port })`;
 *  - UDP tracker requests: bittorrent-tracker's UDPTracker#_request calls
 *    `dgram.createSocket('udp4')` and sends, which binds the socket to every interface;
 *  - WebSocket tracker connections take the agents in the tracker client's `proxyOpts`
 *    (public option): agents with `localAddress` are given there;
 *  - HTTP tracker requests: bittorrent-tracker sends them with Node's global fetch, handing
 *    `proxyOpts.httpAgent` over as fetch's undici `dispatcher` (the only connection option
 *    fetch has). The WebSocket side needs that same field to be an http.Agent, so during an
 *    HTTP announce the tracker client is shown proxyOpts holding an undici Agent whose
 *    connections leave from the host (httpTrackerOptions);
 *  - WebRTC: libwebrtc gathers ICE candidates on every interface and @roamhq/wrtc has no
 *    setting to restrict them; the offers and answers sent through the trackers carry only
 *    the candidates on the host (the others are never advertised; the native stack still
 *    opens its sockets on every interface).
 *  - uTP needs nothing: outgoing uTP goes through the listening uTP socket (bound to host).
 * The first two and the HTTP announce are patched by webtorrent-internals.ts around the library calls (the
 * library's `net.connect` / `dgram.createSocket` swapped for the synchronous call only);
 * the host is found from the webtorrent client or the tracker options, both registered here.
 */

const hosts = new WeakMap<object, string>()

// node:http and node:https are required, not imported: an ES import of either makes Node
// build its namespace, which reads node:http's lazy WebSocket getters and so loads undici
// (about 70 ms of CPU and 13 MiB) in every process that loads the swarm, fetch or not.
const require = createRequire(import.meta.url)

/** The host without IPv6 brackets, as sockets take it. */
export function bareHost (host: string): string {
  return host.replace(/^\[|\]$/g, '')
}

/**
 * True when `host` names one address to leave from: an IP address other than the
 * wildcards (0.0.0.0, ::), which mean "every interface" and so call for nothing here. A
 * host name is not resolved (sockets take addresses): its outgoing connections stay unbound.
 */
export function isOneAddress (host: string): boolean {
  const bare = bareHost(host)
  return isIP(bare) !== 0 && bare !== '0.0.0.0' && bare !== '::'
}

/** Tracker options (bittorrent-tracker's `proxyOpts`) whose WebSocket connections leave from `host`. */
export function trackerOptionsOn (host: string): { proxyOpts: { httpAgent: http.Agent, httpsAgent: https.Agent } } {
  const localAddress = bareHost(host)
  const { Agent: HttpAgent } = require('node:http') as typeof http
  const { Agent: HttpsAgent } = require('node:https') as typeof https
  const proxyOpts = { httpAgent: new HttpAgent({ localAddress }), httpsAgent: new HttpsAgent({ localAddress }) }
  hosts.set(proxyOpts, localAddress)
  return { proxyOpts }
}

const announceDispatchers = new Map<string, object>()

/**
 * Tracker options for one HTTP announce from `host`: the undici Agent that fetch takes as
 * its dispatcher, bound to the host, in both agent fields. One Agent per host, made on
 * first use (undici is loaded only by a seeder given one address to leave from).
 */
export function httpTrackerOptionsOn (host: string): { httpAgent: object, httpsAgent: object } {
  let dispatcher = announceDispatchers.get(host)
  if (!dispatcher) {
    const { Agent } = require('undici') as typeof import('undici')
    dispatcher = new Agent({ localAddress: host })
    announceDispatchers.set(host, dispatcher)
  }
  return { httpAgent: dispatcher, httpsAgent: dispatcher }
}

/** Registers `host` as the address a webtorrent client's outgoing connections leave from. */
export function bindOutgoing (client: object, host: string): void {
  hosts.set(client, bareHost(host))
}

/** The host registered for a webtorrent client or a tracker client's `proxyOpts`, if any. */
export function outgoingHost (owner: unknown): string | undefined {
  return typeof owner === 'object' && owner !== null ? hosts.get(owner) : undefined
}

/** Runs `call` with every `net.connect({...})` made during it given `localAddress: host`. */
export function connectingFrom<T> (host: string, call: () => T): T {
  const connect = net.connect
  net.connect = function (this: unknown, ...args: unknown[]) {
    const [options] = args
    if (typeof options === 'object' && options !== null) args[0] = { ...options, localAddress: host }
    return (connect as (...a: unknown[]) => net.Socket).apply(net, args)
  } as typeof net.connect
  try {
    return call()
  } finally {
    net.connect = connect
  }
}

/** Runs `call` with every UDP socket created during it bound to `host` (port 0) at once. */
export function udpFrom<T> (host: string, call: () => T): T {
  const create = dgram.createSocket
  dgram.createSocket = function (this: unknown, ...args: unknown[]) {
    const socket = (create as (...a: unknown[]) => dgram.Socket).apply(dgram, args)
    // Sends made before the bind completes wait for it (node:dgram queues them). A socket
    // of the other family than host fails to bind with an 'error' the library handles.
    socket.bind(0, host)
    return socket
  } as typeof dgram.createSocket
  try {
    return call()
  } finally {
    dgram.createSocket = create
  }
}

/**
 * An SDP (offer or answer) with only the ICE candidates whose address is `host`: the
 * `a=candidate` lines of other addresses are left out (RFC 8839: the address is the 5th
 * field). A host that is no IP address (a name) leaves the SDP as it is.
 */
export function sdpWithCandidatesOn (sdp: string, host: string): string {
  if (!isOneAddress(host)) return sdp
  return sdp.split(/\r?\n/).filter(line => {
    if (!line.startsWith('a=candidate:')) return true
    return line.split(' ')[4] === host
  }).join('\r\n')
}
