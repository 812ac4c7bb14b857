import { EventEmitter } from 'node:events'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import WebTorrent, { type Torrent, type TorrentOptions, type Wire } from 'webtorrent'
import { SeedcastError, type ErrorCode } from '../../errors.js'
import { closeClient, type ClientOptions, type SwarmClient } from '../client.js'
import { openPeerPort } from './peer-port.js'
import type { Metainfo } from '../../torrent/metainfo.js'
import { piecesOfFiles } from '../../torrent/piece-range.js'
import { verifyData } from '../../torrent/verify.js'
import { changedFiles, dataFiles, forgetResumeState, loadResumeState, removeResumeLeftovers, saveResumeState, snapshotFiles, type FileSnapshot } from '../resume-state.js'
import { addVerified } from './add-verified.js'
import { WebRtcSeeding, webRtcTrackers } from '../webrtc/webrtc-seeding.js'
import { resolveSeedInputs, showFolders, type SeedInput, type SeedItem, type SkippedEpisode } from './inputs.js'
import { addressOf, transportOf, type PeerSettings, type PeerStatus, type SeedEvent, type TorrentStatus } from './events.js'
import { defaultStateDir } from '../state-dir.js'
import { removeDeadStatuses, removeStatus, writeStatus, type SeederStatus } from '../status-file.js'
import { seedTorrentOptions } from './tuning.js'
import { batchSocketWrites, isTcpSocket } from '../socket-batching.js'
import { dropStalledWebRtcPeer } from '../webrtc/liveness.js'
import { addFastPathCounts, snapshotFastPathCounts } from '../fast-path-counts.js'
import { shareSlice, UploadShare } from '../upload-share.js'
import { peerPortAddress } from '../listen-host.js'
import { connOfWire } from '../peer-links.js'
import { hostilePeers, type HostilePeer } from '../peer-message-limits.js'
import { setUploadThrottle, uploadThrottle, uploadThrottleSaturated } from '../upload-throttle.js'
import { featureOn } from '../webtorrent-internals.js'
import { NO_RATE_LIMIT } from '../rate.js'
import { addByTransport, countUploadsByTransport, emptyByTransport, peersByTransport, sumByTransport, type ByTransport } from './transport-uploads.js'
import { pathBelow } from '../../torrent/safe-path.js'

export interface SeedOptions extends ClientOptions {
  /** Folder searched first for every torrent's data. */
  data?: string
  /** Fast-resume and status folder; default defaultStateDir(). */
  stateDir?: string
  /** Every event (also emitted as 'event' on the Seeder). */
  onEvent?: (event: SeedEvent) => void
  /** How often 'stats' is emitted and the status file rewritten; default 1000 ms, 0 for never. */
  statsIntervalMs?: number
  /** How many torrents are checked and added at the same time; default 16. */
  concurrency?: number
  /**
   * Follow the show folders among the inputs while seeding: episodes published later are
   * added, removed ones dropped (see show-watch.ts). Default true.
   */
  watchShows?: boolean
  /** Advanced: webtorrent per-torrent options over seedcast's tuned defaults (benchmarks use it). */
  torrentOptions?: TorrentOptions
}

/** A torrent being seeded. */
export interface SeededTorrent {
  infoHash: string
  name: string
  dataPath: string
  torrent: Torrent
  files: FileSnapshot[]
  resumed: boolean
  /** Bytes uploaded since it was added, by transport (closed connections included). */
  uploadedByTransport: ByTransport
  /** The tracker URLs it announces to (its .torrent's, when it was added). */
  trackers: string[]
}

/**
 * Seeds many torrents from one WebTorrent client. Created by startSeeder() or
 * seedTorrents(); emits 'event' (SeedEvent) and runs until stop(). Torrents come and go
 * while it runs: add() checks and adds more (already seeded ones are left alone, nothing
 * else is hashed again), remove() stops seeding one (a "stopped" announce, its peers
 * disconnected, its files kept).
 */
export class Seeder extends EventEmitter {
  readonly torrents = new Map<string, SeededTorrent>()
  readonly startedAt = new Date()
  /** Pieces hashed by this seeder while checking data (0 after a clean fast resume). */
  hashedPieces = 0
  private timer?: NodeJS.Timeout
  private stopping?: Promise<void>
  /** Infohashes being checked by add(), and those of them remove() asked to drop meanwhile. */
  private readonly checking = new Set<string>()
  private readonly cancelled = new Set<string>()
  private readonly closers: Array<() => void> = []
  /**
   * The WebRTC side, in a child process (webrtc/webrtc-seeding.ts): this process never
   * loads the native WebRTC module, whose crashes then cost only the WebRTC peers.
   */
  webrtc?: WebRtcSeeding
  /** The upload limit split between this process and the WebRTC child (upload-share.ts). */
  uploadShare?: UploadShare
  /** Bytes uploaded by this process's peers (TCP, uTP), every torrent, removed ones included. */
  uploadedHere = 0
  /** What torrents no longer seeded had uploaded, by transport (their WebRTC bytes included). */
  private readonly retired = emptyByTransport()

  constructor (readonly client: SwarmClient, readonly stateDir: string, private readonly onEvent?: (event: SeedEvent) => void, readonly torrentOptions: TorrentOptions = {}, readonly concurrency = 16) {
    super()
  }

  /** A peer dropped and banned for a message it may not send (webtorrent-internals.ts). */
  readonly onHostilePeer = (peer: HostilePeer): void => {
    this.report({ event: 'warning', code: 'EPEERBANNED', address: peer.address, message: `peer ${peer.address} ${peer.reason}; dropped${peer.bannedForMs ? ` and banned for ${Math.round(peer.bannedForMs / 60_000)} min` : ''}` })
  }

  /** The skipped-episode warnings already given (reportSkipped). */
  private readonly skippedWarned = new Set<string>()

  report (event: SeedEvent): void {
    this.onEvent?.(event)
    this.emit('event', event)
  }

  get port (): number {
    return this.client.torrentPort
  }

  get stopped (): boolean {
    return this.stopping !== undefined
  }

  /**
   * Checks and seeds more torrents while running (see seedTorrents for how data is found
   * and checked). A torrent already seeded or being checked is skipped silently; a bad
   * input throws (a SeedcastError); data missing or corrupt is a 'warning' event. Resolves
   * with the infohashes that started seeding.
   */
  async add (inputs: SeedInput[], options: { data?: string } = {}): Promise<string[]> {
    const skipped: SkippedEpisode[] = []
    const items = await resolveSeedInputs(inputs, { ...options, skipped })
    this.reportSkipped(skipped)
    return this.addItems(items)
  }

  /**
   * Warns of episodes whose .torrent cannot be used, each once: the show watch reads the
   * catalog again at start and at every change, and would repeat the same line each time.
   */
  reportSkipped (skipped: SkippedEpisode[]): void {
    for (const { input, code, message } of skipped) {
      if (this.skippedWarned.has(message)) continue
      this.skippedWarned.add(message)
      this.report({ event: 'warning', code, input, message })
    }
  }

  /** add() for inputs resolveSeedInputs has already read. */
  async addItems (items: SeedItem[]): Promise<string[]> {
    const fresh = items.filter(item => {
      const { infoHash } = item.meta
      if (this.torrents.has(infoHash) || this.checking.has(infoHash)) return false
      this.checking.add(infoHash)
      return true
    })
    const started: string[] = []
    await forEachLimit(fresh, this.concurrency, async item => {
      try {
        if (await this.startOne(item)) started.push(item.meta.infoHash)
      } finally {
        this.checking.delete(item.meta.infoHash)
        this.cancelled.delete(item.meta.infoHash)
      }
    })
    return started
  }

  /**
   * Stops seeding one torrent: the trackers get a "stopped" announce, its peers are
   * disconnected and a peer asking for it afterwards is refused at the handshake. Its
   * files stay, and its fast-resume state too unless `forget` (its files are gone for
   * good). A torrent still being checked by add() is dropped when its check ends.
   * Resolves false when it was not seeded at all.
   */
  async remove (infoHash: string, reason = 'removed', { quiet = false, forget = false } = {}): Promise<boolean> {
    if (forget) await forgetResumeState(this.stateDir, infoHash).catch(() => {})
    if (this.checking.has(infoHash)) this.cancelled.add(infoHash)
    const seeded = this.torrents.get(infoHash)
    if (!seeded) return this.checking.has(infoHash)
    this.retire(seeded)
    // Quiet when a warning has just said why (no second line for the same stop).
    if (!quiet) this.report({ event: 'removed', infoHash, name: seeded.name, reason })
    if (this.stopped) return true
    // The "stopped" announce may never be answered: a dead tracker must not hold us up.
    await new Promise<void>(resolve => {
      const timer = setTimeout(resolve, 5_000)
      timer.unref()
      this.client.remove(seeded.torrent, { destroyStore: false }, () => { clearTimeout(timer); resolve() }).catch(() => { clearTimeout(timer); resolve() })
    })
    return true
  }

  /**
   * Seeds a torrent already seeded with the trackers its .torrent names now (`item` read
   * again, e.g. after `show edit --trackers` rewrote it; the infohash is the same). When
   * they differ, the torrent is removed (a "stopped" announce to the old trackers) and
   * added again: its files are trusted from the fast-resume state saved when it was
   * checked, so nothing is hashed unless they changed since, and the new trackers get a
   * "started" announce. Its peers are disconnected and find it again through the trackers.
   * Resolves true when the trackers changed.
   */
  async updateTrackers (item: SeedItem): Promise<boolean> {
    const seeded = this.torrents.get(item.meta.infoHash)
    if (!seeded || this.stopped) return false
    const trackers = trackersOf(item.meta)
    if (trackers.length === seeded.trackers.length && trackers.every((url, index) => url === seeded.trackers[index])) return false
    await this.remove(item.meta.infoHash, 'trackers changed')
    await this.addItems([item])
    return true
  }

  /** Runs `close` when the seeder stops (watchers of what it seeds). */
  onStop (close: () => void): void {
    if (this.stopped) close()
    else this.closers.push(close)
  }

  /** Live figures per torrent (its WebRTC peers, in the child, included). */
  torrentStatus (): TorrentStatus[] {
    return [...this.torrents.values()].map(seeded => this.statusOf(seeded))
  }

  /**
   * Bytes uploaded since the seeder started, by transport: every torrent, those no longer
   * seeded included, and the WebRTC child's (of every child that ran).
   */
  uploadedByTransport (torrents = this.torrentStatus()): ByTransport {
    const total = { ...this.retired }
    for (const status of torrents) addByTransport(total, status.uploadedByTransport)
    return total
  }

  /** Stops seeding `seeded` here and in the WebRTC child, keeping its bytes in the totals. */
  private retire (seeded: SeededTorrent): void {
    const { uploadedByTransport } = this.statusOf(seeded)
    addByTransport(this.retired, uploadedByTransport)
    this.torrents.delete(seeded.infoHash)
    this.webrtc?.remove(seeded.infoHash)
  }

  private statusOf ({ torrent, infoHash, name, uploadedByTransport }: SeededTorrent): TorrentStatus {
    const webrtc = this.webrtc?.figuresOf(infoHash)
    const uploaded = torrent.uploaded + (webrtc?.uploaded ?? 0)
    const peers = peersByTransport(torrent.wires)
    peers.webrtc += webrtc?.peers.length ?? 0
    return {
      infoHash,
      name,
      length: torrent.length,
      peers: torrent.wires.length + (webrtc?.peers.length ?? 0),
      uploadSpeed: Math.round(torrent.uploadSpeed) + (webrtc?.uploadSpeed ?? 0),
      uploaded,
      ratio: torrent.length ? uploaded / torrent.length : 0,
      uploadedByTransport: { ...uploadedByTransport, webrtc: uploadedByTransport.webrtc + (webrtc?.uploaded ?? 0) },
      peersByTransport: peers
    }
  }

  /** Connected peers of one torrent, by transport. */
  peerList (infoHash: string): PeerStatus[] {
    const seeded = this.torrents.get(infoHash)
    if (!seeded) return []
    return [...seeded.torrent.wires.map((wire: Wire) => ({
      transport: transportOf(wire.type),
      ...(wire.remoteAddress ? { address: addressOf(wire) } : {}),
      ...(wire.peerId ? { peerId: wire.peerId } : {}),
      uploaded: wire.uploaded,
      downloaded: wire.downloaded,
      uploadSpeed: Math.round(wire.uploadSpeed())
    })), ...this.webrtc?.figuresOf(infoHash)?.peers ?? []]
  }

  /** The status file's content; `torrents` when the caller has just computed them. */
  status (torrents = this.torrentStatus()): SeederStatus {
    return {
      version: 1,
      pid: process.pid,
      startedAt: this.startedAt.toISOString(),
      updatedAt: new Date().toISOString(),
      port: this.port,
      peerId: this.client.peerId,
      ...(this.webrtc ? { webrtc: { ...(this.webrtc.pid ? { pid: this.webrtc.pid } : {}), restarts: this.webrtc.restarts } } : {}),
      torrents: torrents.map(status => ({ ...status, peerList: this.peerList(status.infoHash) }))
    }
  }

  /** Starts the periodic 'stats' event and status file. */
  startTicking (intervalMs: number): void {
    if (intervalMs <= 0 || this.timer || this.stopped) return
    const tick = () => {
      const torrents = this.torrentStatus()
      const uploadedByTransport = this.uploadedByTransport(torrents)
      this.report({
        event: 'stats',
        uploadSpeed: torrents.reduce((sum, t) => sum + t.uploadSpeed, 0),
        uploaded: sumByTransport(uploadedByTransport),
        uploadedByTransport,
        peers: torrents.reduce((sum, t) => sum + t.peers, 0),
        hashedPieces: this.hashedPieces,
        torrents
      })
      writeStatus(this.stateDir, this.status(torrents)).catch(() => {})
    }
    this.timer = setInterval(tick, intervalMs)
    this.timer.unref()
    writeStatus(this.stateDir, this.status()).catch(() => {})
  }

  /** Stops seeding: announces "stopped", closes every connection, removes the status file. */
  stop (reason = 'stopped'): Promise<void> {
    this.stopping ??= (async () => {
      clearInterval(this.timer)
      for (const close of this.closers.splice(0)) close()
      hostilePeers.removeListener('banned', this.onHostilePeer)
      // The WebRTC child first: it sends its last figures before it leaves, so the total
      // below holds every byte it uploaded.
      await this.webrtc?.stop()
      const uploadedByTransport = this.uploadedByTransport()
      await closeClient(this.client)
      await removeStatus(this.stateDir, process.pid).catch(() => {})
      // The child's counts folded in: its WebRTC pieces, refused messages and bans are the seed box's.
      const fastPaths = addFastPathCounts(snapshotFastPathCounts(), this.webrtc?.fastPathCounts())!
      this.report({ event: 'stopped', uploaded: sumByTransport(uploadedByTransport), uploadedByTransport, reason, fastPaths })
    })()
    return this.stopping
  }

  /**
   * Finds, checks and adds one torrent (true when it is seeding). The first folder holding
   * every file is its data folder; unchanged files (same size and mtime as at the last
   * verification) are trusted, changed ones have their pieces hashed.
   */
  private async startOne (item: SeedItem): Promise<boolean> {
    const { meta } = item
    const warn = (code: ErrorCode, message: string) => { this.report({ event: 'warning', code, infoHash: meta.infoHash, name: meta.name, input: item.input, message }); return false }

    // The first folder holding every data file of the torrent (at its safe path, where
    // `get` writes it) is its data folder. Pad files and symlinks hold nothing on disk.
    const files = dataFiles(meta)
    const at = pathBelow
    let dataPath: string | undefined
    let snapshot: FileSnapshot[] = []
    for (const folder of item.dataFolders) {
      const found = await snapshotFiles(meta, folder)
      if (found.every(file => file !== undefined)) { dataPath = folder; snapshot = found as FileSnapshot[]; break }
    }
    if (!dataPath) {
      const first = files[0]?.file.safePath ?? meta.safeName
      return warn('ENODATA', `${meta.name}: data not found (looked for ${item.dataFolders.map(folder => at(folder, first)).join(', ')}); not seeding it`)
    }
    const root = dataPath
    const wrongSize = snapshot.findIndex((file, position) => file.size !== files[position]!.file.length)
    if (wrongSize >= 0) {
      const { file } = files[wrongSize]!
      return warn('ECORRUPT', `${meta.name}: ${at(root, file.safePath)} is ${snapshot[wrongSize]!.size} bytes, the torrent says ${file.length}; not seeding it`)
    }

    const state = await loadResumeState(this.stateDir, meta.infoHash)
    const toHash = piecesOfFiles(changedFiles(state, snapshot).map(position => files[position]!.file), meta.pieceLength)
    let bad: number[]
    try {
      bad = toHash.length ? (await verifyData(meta, file => at(root, file.safePath), { pieces: toHash })).badPieces : []
    } catch (err) {
      return warn('EIO', `${meta.name}: cannot read its data: ${(err as Error).message}; not seeding it`)
    }
    const hashed = toHash.length
    this.hashedPieces += hashed
    if (bad.length) {
      return warn('ECORRUPT', `${meta.name}: ${bad.length} of ${meta.pieceCount} pieces do not match the torrent (first: piece ${bad[0]}); the data in ${dataPath} is corrupt or another version; not seeding it`)
    }
    if (hashed > 0 || !state) await saveResumeState(this.stateDir, meta, snapshot)
    // Stopped, or removed by the caller while its data was being checked.
    if (this.stopped || this.cancelled.has(meta.infoHash)) return false

    let torrent: Torrent | undefined
    // Data changed behind the seeder's back after it was verified (cut, deleted, a disk
    // error): its blocks cannot be sent and peers would wait for them without a word, so
    // the torrent is no longer seeded and the warning says which file. Once: the store
    // reports every failed read until the removal closes it.
    const onDataLost = (err: Error) => {
      const current = this.torrents.get(meta.infoHash)
      if (!torrent || current?.torrent !== torrent) return
      warn('ECORRUPT', `${meta.name}: ${err.message}; stopped seeding it (check the file, then seed it again)`)
      void this.remove(meta.infoHash, 'its data changed', { quiet: true })
    }
    try {
      torrent = await addVerified(this.client, meta, dataPath, { ...this.torrentOptions, storeOpts: { ...this.torrentOptions.storeOpts, onDataLost } })
    } catch (err) {
      return warn('ETORRENT', `${meta.name}: ${(err as Error).message}; not seeding it`)
    }
    if (this.stopped || this.cancelled.has(meta.infoHash)) {
      if (!this.stopped) this.client.remove(torrent, { destroyStore: false }).catch(() => {})
      return false
    }
    const uploadedByTransport = emptyByTransport()
    this.torrents.set(meta.infoHash, { infoHash: meta.infoHash, name: meta.name, dataPath, torrent, files: snapshot, resumed: hashed === 0, uploadedByTransport, trackers: trackersOf(meta) })
    torrent.on('warning', () => {}) // tracker hiccups are normal; not worth a line each
    torrent.on('error', (err: Error) => {
      const current = this.torrents.get(meta.infoHash)
      if (current?.torrent === torrent) this.retire(current)
      warn('ETORRENT', `${meta.name}: ${err.message}; stopped seeding it`)
    })
    torrent.on('wire', (wire: Wire) => {
      const conn = connOfWire(wire)
      if (isTcpSocket(conn) && featureOn('socket write batching')) batchSocketWrites(conn, UPLOAD_BATCH_BYTES)
      if (featureOn('WebRTC stall check')) dropStalledWebRtcPeer(wire, conn)
      countUploadsByTransport(wire, uploadedByTransport)
      wire.on('upload', (bytes: number) => { this.uploadedHere += bytes })
      const peer = { infoHash: meta.infoHash, name: meta.name, transport: transportOf(wire.type), ...(wire.remoteAddress ? { address: addressOf(wire) } : {}) }
      this.report({ event: 'peer', action: 'connected', ...peer })
      wire.once('close', () => this.report({ event: 'peer', action: 'disconnected', ...peer }))
    })
    // Its WebRTC peers are the child's: same files, same check, its ws:// trackers only.
    const wsTrackers = webRtcTrackers(meta.announce)
    if (wsTrackers.length) this.webrtc?.add({ infoHash: meta.infoHash, name: meta.name, infoBytes: meta.infoBytes, trackers: wsTrackers, dataPath })
    this.report({ event: 'seeding', infoHash: meta.infoHash, name: meta.name, length: meta.length, pieces: meta.pieceCount, dataPath, resumed: hashed === 0, hashedPieces: hashed })
    return true
  }
}

/** A torrent's tracker URLs in announce order, once each (as webtorrent-input.ts hands them to WebTorrent). */
function trackersOf (meta: Metainfo): string[] {
  return [...new Set(meta.announce.flat())]
}

/**
 * Opens the peer port and returns a Seeder with nothing to seed yet: add() gives it
 * torrents. Throws a SeedcastError when the port cannot be opened.
 */
export async function startSeeder (options: SeedOptions = {}): Promise<Seeder> {
  const stateDir = options.stateDir ?? defaultStateDir()
  await mkdir(join(stateDir, 'resume'), { recursive: true })
  await mkdir(join(stateDir, 'status'), { recursive: true })
  await removeDeadStatuses(stateDir)
  await removeResumeLeftovers(stateDir)
  // This process makes no WebRTC connection (so never loads the native module, and a ws://
  // tracker is never announced to from here): a child process does (see Seeder.webrtc).
  const client = await openPeerPort({ ...options, webrtc: false })
  const seeder = new Seeder(client, stateDir, options.onEvent, { ...seedTorrentOptions(), ...options.torrentOptions }, options.concurrency ?? 16)
  client.on('error', (err: Error) => seeder.report({ event: 'warning', code: 'ECLIENT', message: err.message }))
  if (webRtcWanted(options)) {
    // One upload limit for both processes: this one holds it and lends the child a share
    // by measured demand (upload-share.ts).
    const limit = options.uploadLimit ?? NO_RATE_LIMIT
    if (limit > 0) {
      let sliced = true
      seeder.uploadShare = new UploadShare(limit, () => seeder.uploadedHere, rate => { sliced &&= setUploadThrottle(client, rate, shareSlice(limit)) }, rate => seeder.webrtc?.setUploadLimit(rate), () => uploadThrottleSaturated(client))
      if (!sliced) seeder.report({ event: 'warning', code: 'ECLIENT', message: 'the upload throttle\'s slices cannot be bounded (speed-limiter changed): a peer may be dropped when --upload-limit is split again between TCP/uTP and WebRTC' })
    }
    seeder.webrtc = new WebRtcSeeding({
      ...(seeder.uploadShare ? { uploadSliceBytes: shareSlice(limit) } : {}),
      ...(options.host ? { host: options.host } : {}),
      ...(options.rtcConfig ? { rtcConfig: options.rtcConfig } : {}),
      ...(options.maxConns ? { maxConns: options.maxConns } : {}),
      statsIntervalMs: options.statsIntervalMs || 1000
    }, event => seeder.report(event), seeder.uploadShare)
  }
  hostilePeers.on('banned', seeder.onHostilePeer)
  return seeder
}

/**
 * Seeds every torrent named by `inputs` (.torrent files or show folders) from ONE
 * client. Each torrent's data is found (see resolveSeedInputs), checked, then added:
 * unchanged files (same size and mtime as at the last verification) are not hashed
 * again; changed files have their pieces hashed; missing or corrupt data is reported as
 * a 'warning' event and that torrent is skipped while the others seed.
 * Show folders are watched unless `watchShows` is false: an episode published while
 * seeding is added, a removed (or re-drafted) one dropped, the others left alone.
 * Throws a SeedcastError for bad inputs, or when nothing at all can be seeded.
 */
export async function seedTorrents (inputs: SeedInput[], options: SeedOptions = {}): Promise<Seeder> {
  if (inputs.length === 0) throw new SeedcastError('nothing to seed', { code: 'EUSAGE', hint: 'give .torrent files or show folders' })
  const skipped: SkippedEpisode[] = []
  const items = await resolveSeedInputs(inputs, { data: options.data, skipped })
  const seeder = await startSeeder(options)
  seeder.reportSkipped(skipped)

  const seen = new Set<string>()
  const unique = items.filter(item => {
    if (seen.has(item.meta.infoHash)) {
      seeder.report({ event: 'warning', code: 'EDUPLICATE', infoHash: item.meta.infoHash, name: item.meta.name, input: item.input, message: `${item.torrentPath}: same torrent listed twice, seeded once` })
      return false
    }
    seen.add(item.meta.infoHash)
    return true
  })
  seeder.report({ event: 'started', torrents: unique.length, port: seeder.port, peerId: seeder.client.peerId, stateDir: seeder.stateDir, peers: peerSettings(seeder, options) })

  const shows = options.watchShows === false ? [] : await showFolders(inputs)
  const watching = shows.length > 0
  // Watching starts before the first check, so a publish during a long start-up is seen.
  if (watching) {
    // Loaded only when there is a show to watch (it reads catalogs through show/load, zod).
    const { watchShows } = await import('./show-watch.js')
    watchShows(seeder, shows, items, { data: options.data })
  }
  if (unique.some(item => webRtcTrackers(item.meta.announce).length > 0)) seeder.webrtc?.prepare()
  await seeder.addItems(unique)
  // A watched show with nothing published yet waits for its first episode; torrents that
  // were there and all failed their check are an error either way.
  if (seeder.torrents.size === 0 && (unique.length > 0 || !watching)) {
    await seeder.stop('nothing to seed')
    throw new SeedcastError(`none of the ${unique.length} torrent(s) can be seeded (data missing or corrupt)`, { code: 'ENODATA', hint: 'check the warnings above, or point `data` at the media folder' })
  }
  seeder.startTicking(options.statsIntervalMs ?? 1000)
  return seeder
}

/** Bytes a TCP peer's socket may buffer in one batch of blocks (see socket-batching.ts). */
const UPLOAD_BATCH_BYTES = 256 * 1024

/** WebRTC seeding is on unless turned off, trackers are off, or no WebRTC runtime is installed. */
function webRtcWanted (options: SeedOptions): boolean {
  return (options.webrtc ?? true) && (options.trackers ?? true) && WebTorrent.WEBRTC_SUPPORT
}

/**
 * What the client really runs with, read back from WebTorrent (not echoed from the
 * options). With a WebRTC child the upload limit is the one both processes share, of
 * which this process's throttle holds a part.
 */
export function peerSettings (seeder: Seeder, options: SeedOptions): PeerSettings {
  const { client } = seeder
  const flags = client as unknown as { lsd?: unknown, utp?: unknown }
  return {
    host: peerPortAddress(client) ?? '',
    uploadLimit: seeder.uploadShare?.limit ?? uploadThrottle(client),
    maxConns: client.maxConns,
    lsd: Boolean(flags.lsd),
    utp: Boolean(flags.utp),
    dht: Boolean(client.dht),
    webrtc: options.webrtc ?? true
  }
}

async function forEachLimit<T> (items: T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await run(items[next++]!)
  })
  await Promise.all(workers)
}
