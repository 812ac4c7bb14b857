import { connectingFrom, httpTrackerOptionsOn, outgoingHost, sdpWithCandidatesOn, udpFrom } from './outgoing-host.js'
import type { InternalTargets } from './webtorrent-internals.js'

// Outgoing connections from --host: where webtorrent's torrent, trackers and WebRTC peers
// are wrapped so that outgoing-host.ts's bound sockets are used (see that file for the why).
// Applied by webtorrent-internals.ts ("outgoing connections from --host").

interface DrainingTorrent { client?: object | null }
interface TrackerWithClient { client?: { _proxyOpts?: object } | null }
interface SignallingPeer { emit: (event: string, ...args: unknown[]) => boolean }

/** Makes the client's outgoing connections, announces and WebRTC candidates use the `--host` address (outgoing-host.ts). */
export function outgoingFromHost (targets: Pick<InternalTargets, 'torrent' | 'udpTracker' | 'httpTracker' | 'webSocketTracker'>): void {
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
