import type { EventEmitter } from 'node:events'
import type { Readable } from 'node:stream'
import { closeClient, createClient, type SwarmClient } from '../client.js'
import { NO_RATE_LIMIT } from '../rate.js'
import { receiveStraightFor } from '../direct-receive.js'
import { sendStraightFor } from '../direct-send.js'

/**
 * The slice of webtorrent 3's Torrent, File and client objects the download code uses,
 * typed structurally so the download does not depend on how the rest of the project
 * declares the module.
 */
export interface DownloadFile extends EventEmitter {
  name: string
  path: string
  length: number
  offset: number
  done: boolean
  readonly downloaded: number
  select: (priority?: number) => void
  deselect: () => void
  createReadStream: (options?: { start?: number, end?: number }) => Readable
}

export interface DownloadWire extends EventEmitter {
  peerId?: string
  remoteAddress?: string
  remotePort?: number
  type?: string
  destroy: () => void
}

export interface DownloadTorrent extends EventEmitter {
  infoHash: string
  /** The info dictionary (from the .torrent, or from peers for a magnet link). */
  infoBuffer?: Uint8Array
  name: string
  length: number
  pieceLength: number
  pieces: unknown[]
  files: DownloadFile[]
  wires: DownloadWire[]
  ready: boolean
  done: boolean
  destroyed: boolean
  received: number
  downloaded: number
  uploaded: number
  downloadSpeed: number
  uploadSpeed: number
  numPeers: number
  bitfield?: { get: (index: number) => boolean }
  addPeer: (peer: unknown, source?: string) => boolean
  addWebSeed: (url: string) => void
  deselect: (from: number, to: number) => void
  destroy: (options?: { destroyStore?: boolean }, callback?: (error?: Error | null) => void) => void
}

export interface DownloadClient extends EventEmitter {
  peerId: string
  torrents: DownloadTorrent[]
  add: (torrentId: unknown, options?: Record<string, unknown>) => DownloadTorrent
  address: () => { port: number } | null
  destroy: (callback?: (error?: Error | null) => void) => void
}

export interface DownloadClientOptions {
  dht: boolean
  port?: number
  downloadLimit?: number
}

/**
 * The project's configured client (createClient) for one download. No LSD or NAT
 * traversal (a download should not touch the LAN or the router), no WebRTC (a CLI
 * download talks TCP and web seeds), DHT only when asked.
 */
export async function openDownloadClient (options: DownloadClientOptions): Promise<DownloadClient> {
  const client = createClient({
    dht: options.dht,
    lsd: false,
    webrtc: false,
    // Webtorrent dials uTP first and falls back to TCP only after three failed uTP rounds
    // (~20 s+): peers without uTP, like aria2c, would sit idle that long. Incoming uTP is
    // lost too, but every mainstream client also listens on TCP.
    utp: false,
    natTraversal: false,
    torrentPort: options.port ?? 0,
    downloadLimit: options.downloadLimit ?? NO_RATE_LIMIT
  })
  // Peers' bytes go from the socket to the wire without WebTorrent's download pipeline (direct-receive.ts).
  receiveStraightFor(client)
  // And what the client sends (block requests, mostly) goes from the wire to the socket (direct-send.ts).
  sendStraightFor(client)
  return client as unknown as DownloadClient
}

export function closeDownloadClient (client: DownloadClient): Promise<void> {
  return closeClient(client as unknown as SwarmClient)
}
