import type { EventEmitter } from 'node:events'
import { failedPieceIndex } from '../failed-piece.js'
import { addressOf } from '../seed/events.js'

/** The parts of a webtorrent wire (bittorrent-protocol) the guard reads. */
interface GuardedWire extends EventEmitter {
  peerId?: string
  remoteAddress?: string
  remotePort?: number
  type?: string
  destroy: () => void
}

/** The parts of a webtorrent torrent the guard reads and patches. */
interface GuardedTorrent extends EventEmitter {
  wires: GuardedWire[]
  addPeer: (peer: unknown, source?: string) => boolean
}

export interface BannedPeer {
  address: string
  peerId?: string
  failedPieces: number
  goodPieces: number
}

/**
 * Webtorrent re-fetches a piece whose SHA-1 does not match but never blames anyone, so a
 * peer sending garbage is asked again and again. The guard remembers which wires
 * contributed blocks to each piece; when a piece fails, each contributor gets a strike. A
 * wire that was the only contributor of a failed piece, or that has more strikes than
 * good pieces after two strikes, is disconnected and its address and peer id are banned
 * for the rest of the download (addresses are ip:port, not ip, since on one host good and
 * bad peers share 127.0.0.1).
 */
export class PeerGuard {
  readonly banned: BannedPeer[] = []
  hashFailures = 0
  private readonly contributors = new Map<number, Set<GuardedWire>>()
  private readonly strikes = new Map<GuardedWire, { failed: number, good: number }>()
  private readonly bannedAddresses = new Set<string>()
  private readonly bannedIds = new Set<string>()

  constructor (private readonly torrent: GuardedTorrent, private readonly onBan: (peer: BannedPeer) => void, private readonly onHashFailure: (piece: number) => void) {
    const addPeer = torrent.addPeer.bind(torrent)
    torrent.addPeer = (peer, source) => {
      if (typeof peer === 'string' && this.bannedAddresses.has(peer)) return false
      return addPeer(peer, source)
    }
    torrent.on('wire', (wire: GuardedWire) => this.watch(wire))
    torrent.on('verified', (index: number) => this.settle(index, true))
    torrent.on('warning', (error: unknown) => {
      const index = failedPieceIndex(error)
      if (index !== undefined) this.settle(index, false)
    })
  }

  private watch (wire: GuardedWire): void {
    if ((wire.peerId && this.bannedIds.has(wire.peerId)) || this.bannedAddresses.has(guardAddress(wire))) {
      wire.destroy()
      return
    }
    wire.on('piece', (index: number) => {
      let set = this.contributors.get(index)
      if (!set) this.contributors.set(index, set = new Set())
      set.add(wire)
    })
  }

  private settle (index: number, good: boolean): void {
    const wires = this.contributors.get(index)
    this.contributors.delete(index)
    if (!good) {
      this.hashFailures++
      this.onHashFailure(index)
    }
    if (!wires) return
    for (const wire of wires) {
      const record = this.strikes.get(wire) ?? { failed: 0, good: 0 }
      this.strikes.set(wire, record)
      if (good) { record.good++; continue }
      record.failed++
      const alone = wires.size === 1
      if (alone || (record.failed >= 2 && record.failed > record.good)) this.ban(wire, record)
    }
  }

  private ban (wire: GuardedWire, record: { failed: number, good: number }): void {
    const address = guardAddress(wire)
    if (this.bannedAddresses.has(address)) return
    this.bannedAddresses.add(address)
    if (wire.peerId) this.bannedIds.add(wire.peerId)
    const peer: BannedPeer = { address, peerId: wire.peerId, failedPieces: record.failed, goodPieces: record.good }
    this.banned.push(peer)
    this.onBan(peer)
    // Other connections from the same peer (it may also have dialled us) go as well.
    for (const other of [...this.torrent.wires]) {
      if (other === wire || (wire.peerId && other.peerId === wire.peerId)) other.destroy()
    }
    wire.destroy()
  }
}

/**
 * ip:port as trackers hand peers to addPeer ("1.2.3.4:6881", "[::1]:6881"; IPv4-mapped
 * addresses as IPv4), so a banned peer announced again is refused there too.
 */
function guardAddress (wire: GuardedWire): string {
  return addressOf(wire) ?? '?:0'
}
