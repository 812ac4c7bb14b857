import type { ErrorCode } from '../../errors.js'
import type { FastPathCounts } from '../fast-path-counts.js'

/** The peer side as the client runs it (read back from WebTorrent). */
export interface PeerSettings {
  /** Address of the TCP peer port ("0.0.0.0" or "::" for every interface). */
  host: string
  /** Bytes per second, -1 for no limit (WebTorrent's upload throttle). */
  uploadLimit: number
  maxConns: number
  lsd: boolean
  utp: boolean
  dht: boolean
  webrtc: boolean
}

/** Transport of a peer connection, as reported by `seed` and `peers`. */
export type PeerTransport = 'tcp' | 'utp' | 'webrtc' | 'webSeed'

export interface PeerStatus {
  transport: PeerTransport
  /** "ip:port" where known (WebRTC peers may have none). */
  address?: string
  /** Remote peer id, hex. */
  peerId?: string
  uploaded: number
  downloaded: number
  /** Bytes per second. */
  uploadSpeed: number
}

export interface TorrentStatus {
  infoHash: string
  name: string
  length: number
  peers: number
  /** Bytes per second. */
  uploadSpeed: number
  /** Bytes uploaded by this process. */
  uploaded: number
  /** uploaded / length. */
  ratio: number
  /** Bytes uploaded by this process since start, by the transport of the peer that took them. */
  uploadedByTransport: Record<PeerTransport, number>
  /** Connected peers by transport. */
  peersByTransport: Record<PeerTransport, number>
}

/** What a running seeder reports; `--json` prints each as one line. */
export type SeedEvent =
  | { event: 'started', torrents: number, port: number, peerId: string, stateDir: string, peers: PeerSettings }
  | { event: 'seeding', infoHash: string, name: string, length: number, pieces: number, dataPath: string, resumed: boolean, hashedPieces: number }
  | { event: 'warning', message: string, infoHash?: string, name?: string, input?: string, address?: string, code: ErrorCode }
  | { event: 'peer', action: 'connected' | 'disconnected', infoHash: string, name: string, transport: PeerTransport, address?: string }
  | { event: 'removed', infoHash: string, name: string, reason: string }
  /**
   * hashedPieces: pieces this seeder has hashed since it started (all torrents). uploaded and
   * uploadedByTransport: since it started, torrents no longer seeded and the WebRTC child included.
   */
  | { event: 'stats', uploadSpeed: number, uploaded: number, uploadedByTransport: Record<PeerTransport, number>, peers: number, hashedPieces: number, torrents: TorrentStatus[] }
  /** Totals of the whole run, as in 'stats'; fastPaths: the seeder's and its WebRTC child's counts added up. */
  | { event: 'stopped', uploaded: number, uploadedByTransport: Record<PeerTransport, number>, reason: string, fastPaths?: FastPathCounts }

/** webtorrent's wire types, folded into the four transports. */
export function transportOf (wireType: string): PeerTransport {
  if (wireType.startsWith('utp')) return 'utp'
  if (wireType.startsWith('tcp')) return 'tcp'
  if (wireType === 'webSeed') return 'webSeed'
  return 'webrtc'
}

/** "ip:port" of a wire, IPv4-mapped IPv6 addresses shown as plain IPv4. */
export function addressOf (wire: { remoteAddress?: string, remotePort?: number }): string | undefined {
  if (!wire.remoteAddress) return undefined
  const ip = wire.remoteAddress.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1')
  return ip.includes(':') ? `[${ip}]:${wire.remotePort}` : `${ip}:${wire.remotePort}`
}
