import { loadTorrent, pieceSize, type EpisodeTorrent } from './metainfo.js'
import { id3v2TagLength } from './id3-tag.js'
import { findMoov, readMp4Index, type Mp4Index } from './mp4-index.js'
import { PieceStore } from './piece-store.js'
import { decide, DEFAULT_BYTES_PER_SECOND, peerWaitLeft, READ_AHEAD_SECONDS, WEB_SEED_RUN_BYTES, type PeerView, type PlaybackView } from './policy.js'
import { answerRange, startWebSeedRun, webSeedRunLast } from './range-stream.js'
import { WORKER_READ, WORKER_READ_CANCEL, type FirstRead, type RangeReply, type WorkerPieces, type WorkerRead, type WorkerReadCancel } from './sw-protocol.js'
import { Swarm } from './swarm.js'
import { WebSeed } from './web-seed.js'
import { trace } from './trace.js'

/** While WebTorrent loads: no peer yet, and not settled, so read-ahead waits for it. */
const SWARM_LOADING: PeerView = { peerHas: () => false, settled: () => false }
/**
 * WebTorrent (a 220 kB script to parse on a busy machine) starts once the element plays, or
 * when the web seed fails, or after this at the latest, so it never delays the first audio.
 */
const SWARM_START_AT_LATEST_MS = 1_000
/**
 * After the first 'playing' (or the 'seeked' it waited for), the swarm starts this much later:
 * a seek right after play (a chapter, a resumed position) goes first, and the element gets the
 * chunks after the seek position before the script parse holds the page's thread.
 */
const SWARM_SETTLE_MS = 250
/**
 * Chromium asks for a seek target from a 32 KiB-aligned offset at or just before it: the read
 * started when the element begins seeking starts this much before the time-proportional byte.
 */
const SEEK_SLACK_BYTES = 32 * 1024
/**
 * While the element waits at a seek's new position for a peer that has the piece, the web seed
 * reads this much from there at the same time (whichever verified copy comes first is used).
 */
const SEEK_RACE_BYTES = 64 * 1024
/**
 * After a seek forward, the element keeps reading its old response for a moment before it
 * drops it for a request at the new position: pieces of that old response lying this far
 * behind the new position are no longer read from the web seed (they would compete with the
 * read the element now waits for). Generous, so a seek the old response can reach is untouched.
 */
const LEFT_BEHIND_BYTES = 1024 * 1024
/**
 * What the worker reads itself for the element's first request (FirstRead): the page's own
 * first web-seed read would be as long (a starving element, WebTorrent not loaded yet: see
 * range-stream.ts), so HTTP egress is the same.
 */
const FIRST_READ_BYTES = WEB_SEED_RUN_BYTES / 2
/** How far into an MP4 the moov is looked for (fast start puts it right after ftyp). */
const MOOV_SEARCH_BYTES = 64 * 1024
/**
 * The most the in-memory piece store holds (an hour of 128 kb/s audio is 58 MB; a long video
 * would fill the tab's memory): past it, pieces far from the play position go (piece-store.ts).
 * A host page may set another bound before the player loads (window.seedcastMaxStoreBytes).
 */
export const DEFAULT_MAX_STORE_BYTES = 128 * 1024 * 1024

export interface EngineOptions {
  media: HTMLMediaElement
  mediaUrl: string
  torrentUrl: string
  length: number
  mime: string
  rtcConfig?: RTCConfiguration
  /** Bound of the in-memory piece store (DEFAULT_MAX_STORE_BYTES). */
  maxStoreBytes?: number
  /** WebTorrent could not be loaded: the player goes back to the plain element. */
  onSwarmFailed: (error: unknown) => void
  /** Posts to the service worker controlling the page; false when there is none. */
  toWorker?: (message: WorkerRead | WorkerReadCancel) => boolean
}

export interface EngineStats {
  pieces: number
  held: number
  delivered: number
  /** Pieces the web seed sent that failed their SHA-1 check (discarded). */
  rejected: number
  /** The same for pieces from peers. */
  rejectedFromPeers: number
  fromPeers: number
  fromHttp: number
  peers: number
  listeners: number
  uploaded: number
  uploadSpeed: number
  sharing: boolean
  /** Announces made because no peer was connected while pieces were missing (Swarm's lookups). */
  lookups: number
  /** Bytes held in memory now, the most held so far, its bound, and pieces evicted to keep it. */
  storeBytes: number
  storePeakBytes: number
  storeMaxBytes: number
  evicted: number
  /** Why the web seed's last read failed (see WebSeed.failure), until one succeeds. */
  webSeedFailure?: string
  /** No web-seed read of this page was ever answered (see WebSeed.unreadable). */
  webSeedUnreadable: boolean
}

/**
 * One episode's streaming engine: its verified pieces, its web seed and (from the first play)
 * its swarm, answering the element's requests relayed by the service worker. Creating it only
 * reads the .torrent (a few kB), so it can be made before the listener presses play.
 */
export class Engine {
  private torrent?: EpisodeTorrent
  private store?: PieceStore
  private webSeed?: WebSeed
  private swarm?: Swarm
  private swarmState: 'idle' | 'loading' | 'up' | 'off' | 'failed' = 'idle'
  private readonly ready: Promise<void>
  private readonly deliveredPieces = new Set<number>()
  /** Counters of swarms stopped by the share switch. */
  private pastFromPeers = 0
  private pastUploaded = 0
  private pastRejectedFromPeers = 0
  sharing = true
  private active = false
  /** Seeks so far, and the estimated byte of the last one (audio only; see seeking()). */
  private seekCount = 0
  private seekByte = 0
  /** When each seek began (epoch ms, as the worker's times). */
  private readonly seekTimes: number[] = []
  /** An MP4 video's seek index, once its moov is held (null: it has none the player can read). */
  private mp4Index?: Mp4Index | null
  /** The piece each seek's early read began at (for diagnostics and the tests). */
  private readonly seekStarts: number[] = []
  /** Seek reads asked of the service worker so far (their ids). */
  private workerReads = 0
  /** Where an audio file's audio starts: past its ID3v2 tag (see audioStart); undefined until its first bytes come. */
  private audioStartByte?: number

  constructor (private readonly options: EngineOptions) {
    this.ready = loadTorrent(options.torrentUrl, options.length).then(torrent => {
      this.torrent = torrent
      const maxBytes = options.maxStoreBytes && options.maxStoreBytes > 0 ? options.maxStoreBytes : DEFAULT_MAX_STORE_BYTES
      this.store = new PieceStore(torrent.pieceCount, torrent.pieceLength, maxBytes)
      this.store.retention = {
        playhead: () => this.playheadPiece(torrent),
        keepAhead: () => Math.ceil(this.playback().readAheadBytes / torrent.pieceLength) + 1,
        spare: index => this.swarm?.allPeersHave(index) ?? true
      }
      this.webSeed = new WebSeed(options.mediaUrl, torrent, this.store)
      this.webSeed.onPiece = index => this.swarm?.announce(index)
      this.webSeed.onError = () => this.startSwarm()
    })
    this.ready.catch(() => {})
    options.media.addEventListener('seeking', () => this.seeking())
    // With a bounded store, the swarm fetches only the pieces that will be kept (see follow).
    for (const event of ['timeupdate', 'seeking']) options.media.addEventListener(event, () => this.follow())
  }

  /** The listener pressed play: from now on the swarm may start (see SWARM_START_AT_LATEST_MS). */
  activate (): void {
    if (this.active) return
    this.active = true
    setTimeout(() => this.startSwarmUnlessSeeking(), SWARM_START_AT_LATEST_MS)
    this.options.media.addEventListener('playing', () => setTimeout(() => this.startSwarmUnlessSeeking(), SWARM_SETTLE_MS), { once: true })
  }

  /** The .torrent has been read. */
  get loaded (): boolean { return this.torrent !== undefined }

  /**
   * The first read the worker may do (see FirstRead): while the element has loaded nothing and
   * none of the file's first FIRST_READ_BYTES is held or being read here.
   */
  firstRead (): FirstRead | undefined {
    const { torrent, store, webSeed } = this
    if (!torrent || !store || !webSeed || this.options.media.readyState !== HTMLMediaElement.HAVE_NOTHING) return undefined
    const count = Math.max(1, Math.min(torrent.pieceCount, Math.floor(FIRST_READ_BYTES / torrent.pieceLength)))
    for (let index = 0; index < count; index++) if (!webSeed.canFetch(index)) return undefined
    return { url: this.options.mediaUrl, length: torrent.length, pieceLength: torrent.pieceLength, mime: this.options.mime, hashes: torrent.hashes.slice(0, count * 20) }
  }

  /** Pieces of the worker's first read, handed to the element already: stored (checked again) and counted. */
  takeWorkerPieces (message: WorkerPieces): void {
    if (message.delivered !== undefined) {
      trace('worker-chunk', { first: message.first, pieces: message.delivered, receivedAt: message.receivedAt, at: message.startedAt })
      for (let i = 0; i < message.delivered; i++) this.deliveredPieces.add(message.first + i)
      return
    }
    trace('worker-read', { first: message.first, pieces: message.pieces.length, failed: message.failed, startedAt: message.startedAt, headersAt: message.headersAt, id: message.id })
    if (message.first === 0 && message.pieces[0]) this.learnAudioStart(message.pieces[0])
    if (!this.webSeed) return
    void this.webSeed.fromWorker(message.first, message.pieces, message.id, message.failed)
  }

  /** Resolves once the .torrent is read; rejects when it cannot be. */
  whenReady (): Promise<void> { return this.ready }

  /**
   * The answer to one relayed media request (call after whenReady). `madeAt`: when the worker
   * got it (epoch ms). A request made before a seek and relayed only after it (the page's thread
   * was busy, or the worker asks for the rest of its first read once the element wants more) is
   * one the seek left behind, as one answered before it would be: its far pieces are not read.
   */
  answer (range: string | null, madeAt = Infinity, noRead = false): RangeReply {
    const { torrent, store, webSeed } = this
    if (!torrent || !store || !webSeed) return { pass: true }
    this.activate()
    // Starting in a piece the worker is reading (a seek's read it got after the request): its own.
    const start = /^bytes=(\d+)-\d*$/.exec(range?.trim() ?? '')
    const index = start ? Math.floor(Number(start[1]) / torrent.pieceLength) : 0
    if (!noRead && start && !store.has(index) && webSeed.readByWorker(index)) {
      trace('answer', { range, read: true })
      return { pass: true, read: true }
    }
    let openedAt = this.seekCount
    while (openedAt > 0 && this.seekTimes[openedAt - 1]! > madeAt) openedAt--
    return answerRange({
      torrent,
      store,
      webSeed,
      mime: this.options.mime,
      playback: () => this.playback(),
      peers: () => this.peers(),
      prioritize: (first, last) => this.swarm?.prioritize(first, last),
      delivered: index => { this.deliveredPieces.add(index) },
      seeks: () => openedAt,
      leftBehind: (openedAt, index) => openedAt < this.seekCount && (index + 1) * torrent.pieceLength < this.seekByte - LEFT_BEHIND_BYTES
    }, range)
  }

  /** Turns sharing (and so the swarm) on or off. */
  async setSharing (on: boolean): Promise<void> {
    this.sharing = on
    if (on) {
      if (this.swarmState === 'off') { this.swarmState = 'idle'; this.startSwarm() }
      return
    }
    this.swarmState = 'off'
    const swarm = this.swarm
    this.swarm = undefined
    if (swarm) {
      const past = swarm.stats()
      this.pastFromPeers += past.fromPeers
      this.pastRejectedFromPeers += past.rejected
      this.pastUploaded += past.uploaded
    }
    this.store?.nudge()
    await swarm?.destroy()
  }

  stats (): EngineStats {
    const swarm = this.swarm?.stats()
    return {
      pieces: this.torrent?.pieceCount ?? 0,
      held: this.store?.held ?? 0,
      delivered: this.deliveredPieces.size,
      rejected: this.webSeed?.rejected ?? 0,
      rejectedFromPeers: (this.swarm?.rejected ?? 0) + this.pastRejectedFromPeers,
      fromPeers: (this.swarm?.fromPeers ?? 0) + this.pastFromPeers,
      fromHttp: this.webSeed?.bytes ?? 0,
      peers: swarm?.peers ?? 0,
      listeners: swarm?.listeners ?? 0,
      uploaded: (swarm?.uploaded ?? 0) + this.pastUploaded,
      uploadSpeed: swarm?.uploadSpeed ?? 0,
      sharing: this.swarmState === 'loading' || this.swarmState === 'up',
      lookups: swarm?.lookups ?? 0,
      storeBytes: this.store?.bytes ?? 0,
      storePeakBytes: this.store?.peakBytes ?? 0,
      storeMaxBytes: this.store?.maxBytes ?? 0,
      evicted: this.store?.evicted ?? 0,
      ...(this.webSeed?.failure ? { webSeedFailure: this.webSeed.failure } : {}),
      webSeedUnreadable: this.webSeed?.unreadable ?? false
    }
  }

  /** Indices of the pieces handed to the element, and a held piece's bytes (for tests and diagnostics). */
  delivered (): number[] { return [...this.deliveredPieces].sort((a, b) => a - b) }
  /** The piece each seek so far began its early read at (see seeking()). */
  seekReads (): number[] { return [...this.seekStarts] }
  piece (index: number): Uint8Array | undefined { return this.store?.get(index) }

  /** The swarm as the policy sees it: loading (wait for it), up, or none (off or failed). */
  private peers (): PeerView | undefined {
    return this.swarm ?? (this.swarmState === 'idle' || this.swarmState === 'loading' ? SWARM_LOADING : undefined)
  }

  /**
   * The element starts seeking: its request for the new position will come through the
   * worker some milliseconds later. Meanwhile, web-seed reads far from it stop (they would
   * slow the one it waits for) and the piece at the position is asked for now, from a peer
   * that has it or else the web seed. The position's byte: for audio, bytes follow time
   * closely enough; for an MP4 video, its moov's sample tables say (see mp4-index.ts); other
   * videos (WebM) wait for the element's request.
   */
  private seeking (): void {
    const { torrent, store, webSeed } = this
    const media = this.options.media
    if (!torrent || !store || !webSeed || !this.active || !Number.isFinite(media.duration)) return
    const playback = this.playback()
    const byte = this.options.mime.startsWith('audio/') ? playback.playheadByte : this.videoIndex(torrent, store)?.byteAt(media.currentTime)
    if (byte === undefined) return
    this.seekCount++
    this.seekTimes.push(performance.timeOrigin + performance.now())
    this.seekByte = byte
    const index = Math.min(torrent.pieceCount - 1, Math.max(0, Math.floor((byte - SEEK_SLACK_BYTES) / torrent.pieceLength)))
    this.seekStarts.push(index)
    trace('seeking', { index, time: media.currentTime, held: store.has(index), swarm: this.swarmState })
    webSeed.abortRunsAwayFrom(index)
    this.fetchAtSeek(index, performance.now(), this.seekCount, true)
  }

  /**
   * The piece at a seek's new position: from a peer that has it, raced by a short web-seed
   * read (SEEK_RACE_BYTES) while the element cannot play, else (or when the peer has not sent
   * it by the deadline) from the web seed. Looked at again at the deadline, as the element's own
   * request may come later than that. `first`: the look at the seek itself.
   */
  private fetchAtSeek (index: number, since: number, seek: number, first: boolean): void {
    const { torrent, store, webSeed } = this
    if (!torrent || !store || !webSeed || seek !== this.seekCount || store.has(index)) return
    const playback = this.playback()
    const peers = this.peers()
    const waited = performance.now() - since
    const decision = decide(index, torrent.pieceLength, playback, peers, waited)
    trace('seek-decision', decision)
    if (decision === 'wait-peers') {
      this.swarm?.prioritize(index, Math.min(torrent.pieceCount - 1, index + 3))
      // The element hears nothing until the piece comes: the web seed races the peer for the
      // first few pieces (one short read per seek; the first verified copy is stored, and the
      // read stops once peers delivered all it would: see WebSeed).
      if (first && playback.starving && webSeed.canFetch(index)) {
        webSeed.fetchRun(index, Math.min(torrent.pieceCount - 1, index + Math.max(1, Math.floor(SEEK_RACE_BYTES / torrent.pieceLength)) - 1))
      }
      const left = peerWaitLeft(playback, waited)
      if (Number.isFinite(left)) setTimeout(() => this.fetchAtSeek(index, since, seek, false), left + 1)
    } else if (decision === 'web-seed' && webSeed.canFetch(index)) {
      if (!first || !this.readByWorker(torrent, webSeed, index, webSeedRunLast(torrent, index, playback, peers))) startWebSeedRun(torrent, webSeed, index, playback, peers)
    }
  }

  /**
   * A seek's read, made by the service worker rather than this page (see WorkerRead): the
   * element's request for the new position reaches the worker, which answers it from the read
   * without a trip through this page's thread for its first bytes. Same pieces, same bytes.
   */
  private readByWorker (torrent: EpisodeTorrent, webSeed: WebSeed, index: number, last: number): boolean {
    const post = this.options.toWorker
    if (!post) return false
    const end = webSeed.runEnd(index, last)
    const id = ++this.workerReads
    const url = this.options.mediaUrl
    const read: WorkerRead = { type: WORKER_READ, id, url, length: torrent.length, pieceLength: torrent.pieceLength, mime: this.options.mime, first: index, hashes: torrent.hashes.slice(index * 20, (end + 1) * 20) }
    if (!post(read)) return false
    trace('worker-read-start', { id, first: index, last: end })
    webSeed.workerRun(index, end, id, () => { post({ type: WORKER_READ_CANCEL, id, url }) })
    return true
  }

  /** The MP4 seek index, read from held pieces the first time the whole moov is held (it comes first in a fast-start file). */
  private videoIndex (torrent: EpisodeTorrent, store: PieceStore): Mp4Index | undefined {
    if (this.mp4Index !== undefined || this.options.mime !== 'video/mp4') return this.mp4Index ?? undefined
    const head = heldPrefix(torrent, store, MOOV_SEARCH_BYTES)
    if (!head) return undefined
    const moov = findMoov(head)
    if (!moov) {
      // No moov before the media data (or none in the first MOOV_SEARCH_BYTES): no index.
      if (head.length >= Math.min(MOOV_SEARCH_BYTES, torrent.length)) this.mp4Index = null
      return undefined
    }
    const bytes = heldPrefix(torrent, store, moov.end)
    if (!bytes || bytes.length < moov.end) return undefined
    this.mp4Index = readMp4Index(bytes.subarray(moov.start, moov.end)) ?? null
    return this.mp4Index ?? undefined
  }

  /**
   * Starting WebTorrent parses a 220 kB script and sets up its client on the page's thread,
   * which a seek just after the first play (a chapter link, a resumed position) would wait
   * behind: while the element seeks, the start waits for 'seeked' (and SWARM_SETTLE_MS more). (A failing web seed
   * starts it at once, see the constructor; peers that have a piece are asked once it is up.)
   */
  private startSwarmUnlessSeeking (): void {
    const media = this.options.media
    if (media.seeking) media.addEventListener('seeked', () => setTimeout(() => this.startSwarmUnlessSeeking(), SWARM_SETTLE_MS), { once: true })
    else this.startSwarm()
  }

  private startSwarm (): void {
    if (this.swarmState !== 'idle' || !this.active || !this.sharing || !this.torrent || !this.store) return
    this.swarmState = 'loading'
    trace('swarm-start')
    Swarm.start(this.torrent, this.store, this.options.rtcConfig, this.bounded()).then(async swarm => {
      if (this.swarmState !== 'loading') { await swarm.destroy(); return }
      this.swarm = swarm
      this.swarmState = 'up'
      trace('swarm-up')
      this.follow()
      this.store?.nudge()
    }, error => {
      this.swarmState = 'failed'
      this.store?.nudge()
      this.options.onSwarmFailed(error)
    })
  }

  /** Whether the store cannot hold the whole episode (it then evicts, and the swarm follows the play position). */
  private bounded (): boolean {
    return this.store !== undefined && this.torrent !== undefined && this.store.maxBytes < this.torrent.length
  }

  private playheadPiece (torrent: EpisodeTorrent): number {
    return Math.min(torrent.pieceCount - 1, Math.floor(this.playback().playheadByte / torrent.pieceLength))
  }

  /** A bounded store: the swarm fetches from the play position to as far as the store keeps ahead. */
  private follow (): void {
    const { torrent, swarm } = this
    if (!torrent || !swarm || !this.bounded()) return
    const first = this.playheadPiece(torrent)
    swarm.follow(first, Math.min(torrent.pieceCount - 1, first + Math.ceil(this.playback().readAheadBytes / torrent.pieceLength)))
  }

  /**
   * The byte an audio file's audio starts at: past an ID3v2 tag (id3-tag.ts), read from the
   * file's first bytes (learnAudioStart: the worker's first read, else piece 0 once held; a
   * seek before either, e.g. to a resumed position, takes the whole file as audio). 0 for
   * video, whose bytes do not follow time.
   */
  private audioStart (): number {
    if (this.audioStartByte === undefined) {
      const head = this.store?.get(0)
      if (head) this.learnAudioStart(head)
    }
    return this.audioStartByte ?? 0
  }

  /**
   * Reads where the audio starts from the file's first bytes, as soon as any path brings
   * them: the worker's first read posts them before this page has checked and stored them,
   * and a seek right after the first audio came before that once in a full-suite run.
   * Unchecked bytes are fine here: they only place a read, whose pieces are checked.
   */
  private learnAudioStart (head: Uint8Array): void {
    if (this.audioStartByte !== undefined) return
    this.audioStartByte = this.options.mime.startsWith('audio/') ? id3v2TagLength(head, this.options.length) : 0
  }

  /** Where the audio starts, once known (see audioStart; for tests and diagnostics). */
  knownAudioStart (): number | undefined { return this.audioStartByte }

  private playback (): PlaybackView {
    const media = this.options.media
    const duration = Number.isFinite(media.duration) && media.duration > 0 ? media.duration : 0
    const audioStart = this.audioStart()
    const bytesPerSecond = duration ? (this.options.length - audioStart) / duration : DEFAULT_BYTES_PER_SECOND
    const time = media.currentTime
    let bufferedEnd = time
    for (let i = 0; i < media.buffered.length; i++) {
      if (media.buffered.start(i) <= time + 0.5 && media.buffered.end(i) > bufferedEnd) bufferedEnd = media.buffered.end(i)
    }
    const rate = media.playbackRate > 0 ? media.playbackRate : 1
    const starving = media.seeking || media.readyState < HTMLMediaElement.HAVE_FUTURE_DATA
    // A bounded store keeps half its bytes ahead of the play position at most: reading further would evict what was just read.
    const readAheadBytes = Math.min(READ_AHEAD_SECONDS * bytesPerSecond, (this.store?.maxBytes ?? Infinity) / 2)
    return { playheadByte: audioStart + time * bytesPerSecond, bufferedWallSeconds: (bufferedEnd - time) / rate, bytesPerSecond, readAheadBytes, starving }
  }
}

/** The held bytes from the file's start, up to `bytes` (fewer at the first missing piece); undefined when piece 0 is missing. */
function heldPrefix (torrent: EpisodeTorrent, store: PieceStore, bytes: number): Uint8Array | undefined {
  const parts: Uint8Array[] = []
  let size = 0
  for (let index = 0; size < bytes && index < torrent.pieceCount; index++) {
    const piece = store.get(index)
    if (!piece) break
    parts.push(piece.subarray(0, pieceSize(torrent, index)))
    size += piece.length
  }
  if (!parts.length) return undefined
  const out = new Uint8Array(size)
  let at = 0
  for (const part of parts) { out.set(part, at); at += part.length }
  return out
}
