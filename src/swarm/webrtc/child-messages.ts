import type { ErrorCode } from '../../errors.js'
import type { FastPathCounts } from '../fast-path-counts.js'
import type { PeerStatus } from '../seed/events.js'

/*
 * What the seeder (parent) and its WebRTC child (webrtc-child.ts) tell each other over
 * Node's IPC channel ('advanced' serialization: Buffers go as bytes).
 */

/** How the child runs its client: the seeder's own peer settings that apply to WebRTC. */
export interface ChildSettings {
  /** Host candidates only, on this address (see outgoing-host.ts). */
  host?: string
  rtcConfig?: RTCConfiguration
  maxConns?: number
  /**
   * Bytes per second: the child's first share of the seed box's upload limit (see
   * upload-share.ts); later shares come as 'upload-limit'. Absent: no limit.
   */
  uploadLimit?: number
  /** How often the child sends 'stats'. */
  statsIntervalMs: number
  /** With an upload limit: the largest slice its throttle may send at once (upload-share.ts). */
  uploadSliceBytes?: number
  /** With an upload limit: how often the child sends 'usage'. */
  usageIntervalMs?: number
}

/** A torrent the parent has verified (or trusts by fast resume) and asks the child to seed. */
export interface ChildTorrent {
  infoHash: string
  name: string
  /** The info dictionary, as in the .torrent: the child reads it with seedcast's reader. */
  infoBytes: Uint8Array
  /** Its ws:// and wss:// trackers: the only ones the child announces to. */
  trackers: string[]
  /** The data folder the parent found and checked. */
  dataPath: string
}

export type ToChild =
  | { type: 'add', torrent: ChildTorrent }
  | { type: 'remove', infoHash: string }
  /** The child's share of the upload limit now, bytes per second. */
  | { type: 'upload-limit', rate: number }
  | { type: 'stop' }

/** A torrent's WebRTC side as the child sees it. */
export interface ChildTorrentStats {
  infoHash: string
  /** Bytes uploaded by this child (closed connections included). */
  uploaded: number
  /** Bytes per second. */
  uploadSpeed: number
  peers: PeerStatus[]
}

export type FromChild =
  /** The native WebRTC module loaded and the client is up. */
  | { type: 'ready' }
  /** No WebRTC here (the native module failed to load): the child exits 0. */
  | { type: 'unavailable', message: string }
  | { type: 'failed', infoHash: string, message: string }
  /** `peer` numbers the connection within this child's life. */
  | { type: 'peer', action: 'connected' | 'disconnected', infoHash: string, peer: number, address?: string }
  /** `fastPaths`: the child's counts since it started (fast-path-counts.ts). */
  | { type: 'stats', torrents: ChildTorrentStats[], fastPaths: FastPathCounts }
  /** Every byte the child has uploaded since it started (all torrents, removed ones included). */
  | { type: 'usage', uploaded: number, saturated: boolean }
  | { type: 'warning', code: ErrorCode, message: string, address?: string }
  /** An error the child cannot go on from (it exits 1 right after). */
  | { type: 'fatal', message: string }
