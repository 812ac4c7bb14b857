import { enhanceChapters } from './chapters.js'
import { Engine } from './engine.js'
import { buildPanel, type Panel } from './panel.js'
import { rememberPosition } from './position.js'
import { mediaErrorStatus, STREAMING, streamingStatus } from './status-text.js'
import type { BundleFeatureStatus } from './bundle-internals.js'
import type { FirstRead, RangeReply, WorkerPieces, WorkerRead, WorkerReadCancel } from './sw-protocol.js'
import { bundleFeatures } from './swarm.js'

const STATS_EVERY_MS = 1_000
/** Stats ticks (seconds) the swarm gets to bring a peer when the web seed cannot be read at all: more than its grace (policy.ts SWARM_GRACE_MS). */
const UNREADABLE_TICKS = 3

export type PlayerState = 'plain' | 'ready' | 'streaming' | 'fallback'

/**
 * One enhanced `[data-seedcast-player]` element (contract A markup). The element keeps its
 * plain src and controls; when streaming is possible the service worker hands its requests
 * to this player's Engine, created on first play.
 */
export class EpisodePlayer {
  readonly mediaUrl: string
  private engine?: Engine
  private readonly panel: Panel
  private statsTimer?: ReturnType<typeof setInterval>
  state: PlayerState = 'plain'
  /** Stats ticks in a row with the web seed unreadable and no peer (see showStats). */
  private unreadableFor = 0
  /** Called once this episode's .torrent has been read (the page then offers the worker its first read). */
  onTorrentRead: () => void = () => {}
  /** Tells the worker this page's players' states (a hello), resolving once it has taken it in. */
  tellWorker: () => Promise<void> = () => Promise.resolve()
  /** Posts to the service worker that controls the page (set once it does); false when none does. */
  toWorker: (message: WorkerRead | WorkerReadCancel) => boolean = () => false

  /**
   * `compact`: one of several episodes on a page (the show page): the panel stays hidden until
   * this episode plays, so the list does not repeat the same status and switches under every
   * episode (the element's own menu has a speed setting meanwhile).
   */
  constructor (readonly media: HTMLMediaElement, private readonly rtcConfig: RTCConfiguration | undefined, compact = false) {
    const data = media.dataset
    this.mediaUrl = new URL(media.getAttribute('src') ?? '', document.baseURI).href
    const wrapper = media.closest<HTMLElement>('.sc-player') ?? media.parentElement ?? document.body
    this.panel = buildPanel(media, data.title ?? 'this episode')
    if (compact) {
      this.panel.root.hidden = true
      media.addEventListener('play', () => { this.panel.root.hidden = false }, { once: true })
    }
    wrapper.append(this.panel.root)
    rememberPosition(media, data.infohash || data.slug || this.mediaUrl, this.panel.resume)
    const scope = wrapper.closest('article, section') ?? wrapper
    void enhanceChapters(media, this.panel.root, scope, data.chapters ? new URL(data.chapters, document.baseURI).href : '')
    this.panel.share.addEventListener('change', () => { void this.engine?.setSharing(this.panel.share.checked); this.showStats() })
    // The element gave up (plain, or fallen back: its src failed): its controls only grey out.
    media.addEventListener('error', () => { this.panel.status.textContent = mediaErrorStatus(media.error?.code) })
  }

  /**
   * Streaming is possible (worker controlling the page): requests will be claimed from now on.
   * `prefetch`: read the .torrent now rather than on the first sign of interest (pointer, focus, play).
   */
  enableStreaming (prefetch: boolean): void {
    if (!this.media.dataset.torrent || !this.media.dataset.length) return this.setState('plain', '')
    this.setState('ready', 'Plays from other listeners when it can, from the server otherwise.')
    const wrapper = this.panel.root.parentElement ?? this.media
    const interested = (): void => { if (this.state === 'ready') this.ensureEngine(false) }
    if (prefetch) interested()
    for (const event of ['pointerenter', 'focusin', 'touchstart']) wrapper.addEventListener(event, interested, { once: true, passive: true })
    this.media.addEventListener('play', () => this.ensureEngine(true).activate(), { once: true })
  }

  /** Streaming is impossible in this browser: the plain element does everything. */
  plainOnly (why: string): void {
    this.setState('plain', why)
    this.panel.share.closest('label')!.hidden = true
  }

  /** The worker relays a request of the element (got at `madeAt`, epoch ms): answer it, or let it through (`noRead`: see RangeRequest). */
  async answer (range: string | null, madeAt?: number, noRead?: boolean): Promise<RangeReply> {
    if (this.state !== 'ready' && this.state !== 'streaming') return { pass: true }
    const engine = this.ensureEngine(true)
    try {
      await engine.whenReady()
    } catch (error) {
      this.fallBack(`Playing from the server: the torrent could not be read (${String(error)}).`)
      return { pass: true }
    }
    return engine.answer(range, madeAt, noRead)
  }

  /** The first read the worker may do for this episode now (see FirstRead), if any. */
  firstRead (): FirstRead | undefined {
    return this.state === 'ready' || this.state === 'streaming' ? this.engine?.firstRead() : undefined
  }

  /** Pieces the worker read and handed to the element (its first read). */
  takeWorkerPieces (pieces: WorkerPieces): void {
    this.engine?.takeWorkerPieces(pieces)
  }

  /** Counters and pieces, for diagnostics and the tests. */
  debug (): { state: PlayerState, torrentRead: boolean, stats?: ReturnType<Engine['stats']>, bundleFeatures: BundleFeatureStatus[], delivered: () => number[], seekReads: () => number[], audioStart: () => number | undefined, piece: (index: number) => number[] | undefined } {
    return {
      state: this.state,
      bundleFeatures: bundleFeatures(),
      torrentRead: this.engine?.loaded ?? false,
      stats: this.engine?.stats(),
      delivered: () => this.engine?.delivered() ?? [],
      seekReads: () => this.engine?.seekReads() ?? [],
      audioStart: () => this.engine?.knownAudioStart(),
      piece: index => { const data = this.engine?.piece(index); return data ? [...data] : undefined }
    }
  }

  private ensureEngine (playing: boolean): Engine {
    if (this.engine) {
      if (playing) this.startedPlaying()
      return this.engine
    }
    const data = this.media.dataset
    this.engine = new Engine({
      media: this.media,
      mediaUrl: this.mediaUrl,
      torrentUrl: new URL(data.torrent!, document.baseURI).href,
      length: Number(data.length),
      mime: data.mime || (this.media instanceof HTMLVideoElement ? 'video/mp4' : 'audio/mpeg'),
      rtcConfig: this.rtcConfig,
      maxStoreBytes: window.seedcastMaxStoreBytes,
      onSwarmFailed: () => this.fallBack('Playing from the server: the peer-to-peer part could not be loaded.'),
      toWorker: message => this.toWorker(message)
    })
    this.engine.sharing = this.panel.share.checked
    this.engine.whenReady().then(() => this.onTorrentRead(), () => {})
    if (playing) this.startedPlaying()
    return this.engine
  }

  private startedPlaying (): void {
    if (this.state === 'ready') this.setState('streaming', STREAMING)
    this.statsTimer ??= setInterval(() => this.showStats(), STATS_EVERY_MS)
  }

  /**
   * Falls back and hands the element back to the browser: its request, claimed by the worker,
   * waits for pieces this page will never have, so once the worker leaves this media alone
   * (PlayerHello.direct) the element loads its src again and goes on from where it was.
   */
  private playDirectly (why: string): void {
    const media = this.media
    const at = media.currentTime
    const playing = !media.paused
    this.fallBack(why)
    // The worker first learns to leave this media to the browser: the new request must not reach it.
    void this.tellWorker().then(() => {
      media.load()
      if (at > 0) media.currentTime = at
      if (playing) void media.play().catch(() => {})
    })
  }

  private fallBack (why: string): void {
    this.setState('fallback', why)
    this.panel.share.checked = false
    this.panel.share.disabled = true
  }

  private showStats (): void {
    if (!this.engine) return
    const stats = this.engine.stats()
    this.panel.showStats(stats)
    if (this.state !== 'streaming') return
    // This page cannot read the media at all and no peer has it either, past the swarm's first
    // seconds: the element plays it itself, as it would without the player.
    this.unreadableFor = stats.webSeedUnreadable && stats.peers === 0 && stats.fromPeers === 0 ? this.unreadableFor + 1 : 0
    if (this.unreadableFor > UNREADABLE_TICKS) {
      this.playDirectly('Playing from the server: this page cannot read the episode\'s file (its host sends it from another address without allowing pages to read it), so the browser plays it directly.')
      return
    }
    const status = streamingStatus(stats.webSeedFailure, stats.peers)
    if (this.panel.status.textContent !== status) this.panel.status.textContent = status
  }

  private setState (state: PlayerState, message: string): void {
    this.state = state
    const wrapper = this.panel.root.parentElement
    if (wrapper) wrapper.dataset.seedcastState = state
    this.panel.status.textContent = message
  }
}
