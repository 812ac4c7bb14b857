import { failedPieceIndex } from '../../src/swarm/failed-piece.js'
import { patchTorrent, patchWebSocketTracker } from '../../src/swarm/webrtc/glare-patch.js'
import { BundleInternals, glareTorrentNeeds, sharingNeeds, trackerUpdateNeeds, webSocketTrackers, type BundleFeatureStatus } from './bundle-internals.js'
import { listenersOf } from './listeners.js'
import type { EpisodeTorrent } from './metainfo.js'
import type { PieceStore } from './piece-store.js'
import { SWARM_GRACE_MS, type PeerView } from './policy.js'

export interface SwarmStats { peers: number, listeners: number, uploaded: number, uploadSpeed: number, fromPeers: number, rejected: number, lookups: number }

/**
 * With no peer connected while pieces are missing, the tracker is asked again (a new announce,
 * so new WebRTC offers) after each of these in turn; then the tracker's own interval (2 min for
 * WebSocket clients) takes over. A lost offer, a connection whose ICE failed or a peer that left
 * thus costs seconds, not minutes. Losing the last peer starts the sequence again.
 */
export const LOOKUP_RETRY_MS = [3_000, 6_000, 12_000, 24_000, 48_000]

/** The bundle's private members this page uses, checked once per feature (see bundle-internals.ts). */
const internals = new BundleInternals()

/** The state of each fast path that reaches into the bundle, for diagnostics and the tests. */
export function bundleFeatures (): BundleFeatureStatus[] { return internals.statuses() }

/**
 * WebTorrent in the page, loaded on first play (its browser bundle is a lazy chunk), sharing
 * the player's PieceStore: pieces it gets from peers are SHA-1 checked by WebTorrent before it
 * stores them, and pieces the web seed delivered are announced to peers, so the tab shares
 * everything it played for as long as it is open.
 */
export class Swarm implements PeerView {
  private readonly startedAt = performance.now()
  /** Announces made by lookUpAgain since the last peer was lost (or the start). */
  private lookups = 0
  private lookupTimer?: ReturnType<typeof setTimeout>
  /** Announces made because no peer was connected (for diagnostics and the tests). */
  lookupsTotal = 0
  /** The pieces selected for download when the store is bounded, and those asked for (see follow). */
  private window?: [number, number]
  private wanted?: [number, number]

  private constructor (
    private readonly client: BrowserClient,
    private readonly torrent: BrowserTorrent,
    private readonly store: PieceStore,
    /** Verified bytes that came from peers (counted by the store adapter), and pieces from peers that failed their SHA-1. */
    private readonly counter: { fromPeers: number, rejected: number }
  ) {}

  get fromPeers (): number { return this.counter.fromPeers }
  get rejected (): number { return this.counter.rejected }

  /**
   * `bounded`: the store cannot hold the whole episode, so nothing is selected at first and the
   * engine moves a window with the play position (follow); otherwise peers fetch it all.
   */
  static async start (episode: EpisodeTorrent, store: PieceStore, rtcConfig: RTCConfiguration | undefined, bounded = false): Promise<Swarm> {
    const { default: WebTorrent } = await import('webtorrent/dist/webtorrent.min.js')
    const client = new WebTorrent({ dht: false, lsd: false, utp: false, webSeeds: false, tracker: rtcConfig ? { rtcConfig } : {} })
    client.on('error', () => {})
    const counter = { fromPeers: 0, rejected: 0 }
    const torrent = client.add(episode.torrentFile, {
      store: storeAdapter(store, bytes => { counter.fromPeers += bytes }),
      storeCacheSlots: 0,
      destroyStoreOnDestroy: false,
      deselect: bounded
    })
    const swarm = new Swarm(client, torrent, store, counter)
    torrent.on('error', () => {})
    // WebTorrent drops a piece whose SHA-1 is wrong and asks for it again; the listener is told
    // how many, as for the web seed's (its only word for it is this warning).
    torrent.on('warning', (error: unknown) => { if (failedPieceIndex(error) !== undefined) counter.rejected++ })
    // The glare tie-break must be on the prototypes before the first offer crosses: the
    // torrent exists now, its tracker once discovery starts (right before 'ready').
    if (internals.check('WebRTC glare tie-break', glareTorrentNeeds(torrent))) patchTorrent(Object.getPrototypeOf(torrent) as object)
    torrent.once('ready', () => {
      internals.check('web-seed pieces shared with peers', sharingNeeds(torrent))
      const { trackers, needs } = webSocketTrackers(torrent)
      if (internals.check('WebRTC glare tie-break', needs)) {
        for (const tracker of trackers) patchWebSocketTracker(Object.getPrototypeOf(tracker) as object)
      }
      if (internals.check('tracker asked again without peers', trackerUpdateNeeds(torrent))) swarm.watchShortfall()
      swarm.selectWanted()
    })
    torrent.on('wire', (wire: BrowserWire) => {
      wire.once('close', () => {
        if (torrent.wires.length > 0 || !internals.on('tracker asked again without peers')) return
        swarm.lookups = 0
        swarm.watchShortfall()
      })
    })
    for (const event of ['wire', 'verified']) torrent.on(event, () => store.nudge())
    return swarm
  }

  /** Asks the tracker again after the next LOOKUP_RETRY_MS step if then no peer is connected and pieces are missing. */
  private watchShortfall (): void {
    clearTimeout(this.lookupTimer)
    const delay = LOOKUP_RETRY_MS[this.lookups]
    if (delay === undefined) return
    this.lookupTimer = setTimeout(() => {
      const torrent = this.torrent
      if (torrent.destroyed || torrent.wires.length > 0 || this.store.held === this.store.pieceCount) return
      this.lookups++
      this.lookupsTotal++
      torrent.discovery?.tracker?.update()
      this.watchShortfall()
    }, delay)
  }

  peerHas (index: number): boolean {
    return this.torrent.wires.some(wire => wire.peerPieces.get(index))
  }

  settled (): boolean {
    return performance.now() - this.startedAt > SWARM_GRACE_MS
  }

  /** Whether every connected peer has piece `index` (true with none): this tab need not keep it for them. */
  allPeersHave (index: number): boolean {
    return this.torrent.wires.every(wire => wire.peerPieces.get(index))
  }

  /**
   * Selects pieces first..last for download from peers instead of the window selected before
   * (once the torrent is ready: a window asked for earlier is selected then, as the element,
   * waiting for those very pieces, sends no timeupdate that would ask again).
   */
  follow (first: number, last: number): void {
    this.wanted = [first, last]
    this.selectWanted()
  }

  private selectWanted (): void {
    const torrent = this.torrent
    const wanted = this.wanted
    if (!wanted || !torrent.ready || torrent.destroyed || (this.window?.[0] === wanted[0] && this.window[1] === wanted[1])) return
    if (this.window) torrent.deselect(this.window[0], this.window[1])
    torrent.select(wanted[0], wanted[1])
    this.window = wanted
  }

  prioritize (first: number, last: number): void {
    if (this.torrent.ready && !this.torrent.destroyed) this.torrent.critical(first, last)
  }

  /**
   * A piece stored from the web seed: WebTorrent marks it held and tells every peer. Without
   * the members this needs (see bundle-internals.ts) it is left to WebTorrent, which then
   * fetches the piece from peers itself before it shares it.
   */
  announce (index: number): void {
    const torrent = this.torrent
    if (!torrent.ready || torrent.destroyed || !internals.on('web-seed pieces shared with peers') || torrent.bitfield.get(index)) return
    torrent.pieces[index] = null
    torrent._markVerified(index)
    for (const wire of torrent.wires) wire.have(index)
    torrent._checkDone()
    torrent._update()
  }

  stats (): SwarmStats {
    const wires = this.torrent.wires
    const { listeners, uploadSpeed } = listenersOf(wires)
    return {
      peers: wires.length,
      listeners,
      uploaded: this.torrent.uploaded,
      uploadSpeed,
      fromPeers: this.fromPeers,
      rejected: this.rejected,
      lookups: this.lookupsTotal
    }
  }

  destroy (): Promise<void> {
    clearTimeout(this.lookupTimer)
    return new Promise(resolve => this.client.destroy(() => resolve()))
  }
}

type Callback<T> = (err: Error | null, value?: T) => void

/** A chunk store (the abstract-chunk-store interface WebTorrent calls) over the PieceStore. */
function storeAdapter (store: PieceStore, countFromPeers: (bytes: number) => void) {
  return class SharedPieceStore {
    constructor (readonly chunkLength: number) {}

    put (index: number, data: Uint8Array, cb: Callback<void> = () => {}): void {
      // WebTorrent puts only pieces it verified; one already held came from the web seed first.
      if (store.put(index, data)) countFromPeers(data.length)
      queueMicrotask(() => cb(null))
    }

    get (index: number, opts: { offset?: number, length?: number } | Callback<Uint8Array> | null, cb?: Callback<Uint8Array>): void {
      if (typeof opts === 'function') { cb = opts; opts = null }
      const done = cb ?? (() => {})
      const data = store.get(index)
      if (!data) { queueMicrotask(() => done(new Error(`piece ${index} not held`))); return }
      const offset = opts?.offset ?? 0
      const length = opts?.length ?? data.length - offset
      const slice = data.subarray(offset, offset + length)
      queueMicrotask(() => done(null, slice))
    }

    close (cb: Callback<void> = () => {}): void { queueMicrotask(() => cb(null)) }
    destroy (cb: Callback<void> = () => {}): void { queueMicrotask(() => cb(null)) }
  }
}
