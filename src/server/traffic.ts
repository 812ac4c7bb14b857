import type { MountedShow } from './mounts.js'
import type { PeerTransportName, PerTransport, TrafficSample } from './api/shapes.js'

export type { PeerTransportName, PerTransport, TrafficSample } from './api/shapes.js'

/** The transports a seed box serves an episode over: the swarm's three, and HTTP (web seeds, apps, browsers). */
export const PEER_TRANSPORTS = ['tcp', 'utp', 'webrtc'] as const satisfies readonly PeerTransportName[]

/** What the traffic ledger knows of one episode. */
export interface EpisodeTraffic {
  /** Bytes of the episode's files (media, .torrent, chapters) delivered over HTTP. */
  httpBytes: number
  /** HTTP responses of its media in flight: the web-seed and direct downloads now. */
  httpActive: number
  /** Peers connected now, by transport. */
  peers: PerTransport
  /** Bytes uploaded to peers, by transport. */
  peerBytes: PerTransport
}

export interface TrafficOptions {
  /** How often each show's totals are recorded for the upload chart. Default 5 s. */
  sampleMs?: number
  /** Samples kept per show. Default 720 (an hour at 5 s). */
  keep?: number
}

function zero (): PerTransport {
  return { tcp: 0, utp: 0, webrtc: 0 }
}

function isPeerTransport (name: string): name is PeerTransportName {
  return (PEER_TRANSPORTS as readonly string[]).includes(name)
}

/**
 * The seed box's traffic as it happens, in one place read by /metrics and the dashboard's
 * stats: bytes delivered over HTTP per show file (counted when the bytes were handed to
 * the socket, not when a response began), media responses in flight, and with --seed the
 * peers and bytes uploaded per episode (infohash) and transport, as the swarm reports
 * them. Every show's totals are sampled at an interval for the upload chart.
 *
 * The swarm's 'webSeed' wires are left out of the peer figures: they are the seeder's own
 * connections to the web seed named in each torrent (a seed box never downloads through
 * them); the web seed's real audience is the HTTP side.
 */
export class Traffic {
  /** Bytes per show root, then per path below public/. */
  private readonly http = new Map<string, Map<string, number>>()
  private readonly active = new Map<string, Map<string, number>>()
  private readonly peers = new Map<string, PerTransport>()
  private readonly peerBytes = new Map<string, PerTransport>()
  /** The swarm's last reported totals (since its start), to turn them into increments. */
  private readonly lastReported = new Map<string, PerTransport>()
  private readonly samples = new Map<string, TrafficSample[]>()
  private readonly timer: NodeJS.Timeout
  private readonly keep: number

  /**
   * @param showOfInfoHash the folder of the show publishing an infohash (for each show's
   *   chart), undefined when unknown
   */
  constructor (private readonly shows: MountedShow[], private readonly showOfInfoHash: (infoHash: string) => string | undefined, options: TrafficOptions = {}) {
    this.keep = options.keep ?? 720
    this.sample()
    this.timer = setInterval(() => this.sample(), options.sampleMs ?? 5_000)
    this.timer.unref()
  }

  close (): void {
    clearInterval(this.timer)
  }

  /** `bytes` of a show's file were handed to a client's socket. */
  httpDelivered (show: MountedShow, relativePath: string, bytes: number): void {
    if (bytes <= 0) return
    const files = this.http.get(show.paths.root) ?? new Map<string, number>()
    this.http.set(show.paths.root, files)
    files.set(relativePath, (files.get(relativePath) ?? 0) + bytes)
  }

  /** A response of a show's file begins; the returned function is called once it ends. */
  httpStarted (show: MountedShow, relativePath: string): () => void {
    const files = this.active.get(show.paths.root) ?? new Map<string, number>()
    this.active.set(show.paths.root, files)
    files.set(relativePath, (files.get(relativePath) ?? 0) + 1)
    let ended = false
    return () => {
      if (ended) return
      ended = true
      const left = (files.get(relativePath) ?? 1) - 1
      if (left > 0) files.set(relativePath, left)
      else files.delete(relativePath)
    }
  }

  peerConnected (infoHash: string, transport: string): void {
    this.countPeer(infoHash, transport, 1)
  }

  peerDisconnected (infoHash: string, transport: string): void {
    this.countPeer(infoHash, transport, -1)
  }

  /**
   * The swarm's totals for a torrent since the swarm started, by transport. A total lower
   * than the last one means the torrent was added again (counting restarted): its whole
   * value is new bytes.
   */
  peerUploadTotals (infoHash: string, totals: Partial<Record<string, number>>): void {
    const key = infoHash.toLowerCase()
    const last = this.lastReported.get(key) ?? zero()
    const sum = this.peerBytes.get(key) ?? zero()
    for (const transport of PEER_TRANSPORTS) {
      const now = totals[transport] ?? 0
      sum[transport] += now >= last[transport] ? now - last[transport] : now
      last[transport] = now
    }
    this.lastReported.set(key, last)
    this.peerBytes.set(key, sum)
  }

  /** An episode's figures; its files are named by the catalog entry's paths. */
  episode (show: MountedShow, episode: { infoHash: string, mediaPath: string, torrentPath: string, chaptersPath?: string }): EpisodeTraffic {
    const files = this.http.get(show.paths.root)
    const paths = [episode.mediaPath, episode.torrentPath, episode.chaptersPath].filter((path): path is string => path !== undefined)
    const key = episode.infoHash.toLowerCase()
    return {
      httpBytes: paths.reduce((sum, path) => sum + (files?.get(path) ?? 0), 0),
      httpActive: this.active.get(show.paths.root)?.get(episode.mediaPath) ?? 0,
      peers: { ...(this.peers.get(key) ?? zero()) },
      peerBytes: { ...(this.peerBytes.get(key) ?? zero()) }
    }
  }

  /** HTTP bytes per file of every show: [show, path below public/, bytes]. */
  * httpFiles (): Generator<[MountedShow, string, number]> {
    for (const show of this.shows) {
      for (const [path, bytes] of this.http.get(show.paths.root) ?? []) yield [show, path, bytes]
    }
  }

  /** Peers and bytes per infohash and transport. */
  * peerFigures (): Generator<{ infoHash: string, transport: PeerTransportName, peers: number, bytes: number }> {
    const keys = new Set([...this.peers.keys(), ...this.peerBytes.keys()])
    for (const infoHash of keys) {
      for (const transport of PEER_TRANSPORTS) {
        yield { infoHash, transport, peers: this.peers.get(infoHash)?.[transport] ?? 0, bytes: this.peerBytes.get(infoHash)?.[transport] ?? 0 }
      }
    }
  }

  /** A show's recorded totals, oldest first, ending with one taken now. */
  history (show: MountedShow): TrafficSample[] {
    return [...(this.samples.get(show.paths.root) ?? []), this.totals(show)]
  }

  private totals (show: MountedShow): TrafficSample {
    let http = 0
    for (const bytes of this.http.get(show.paths.root)?.values() ?? []) http += bytes
    let peers = 0
    for (const [infoHash, bytes] of this.peerBytes) {
      if (this.showOfInfoHash(infoHash) === show.paths.root) peers += bytes.tcp + bytes.utp + bytes.webrtc
    }
    return { t: Date.now(), http, peers }
  }

  private sample (): void {
    for (const show of this.shows) {
      const list = this.samples.get(show.paths.root) ?? []
      list.push(this.totals(show))
      if (list.length > this.keep) list.splice(0, list.length - this.keep)
      this.samples.set(show.paths.root, list)
    }
  }

  private countPeer (infoHash: string, transport: string, change: number): void {
    if (!isPeerTransport(transport)) return
    const key = infoHash.toLowerCase()
    const counts = this.peers.get(key) ?? zero()
    counts[transport] = Math.max(0, counts[transport] + change)
    this.peers.set(key, counts)
  }
}
