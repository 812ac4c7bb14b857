import { fastPathCounts } from './fast-path-counts.js'
import { connectedPeers, connOfWire, peerOfConn, type PeerLike } from './peer-links.js'
import { featureOn } from './webtorrent-internals.js'

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
