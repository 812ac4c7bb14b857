import { SeedcastError, fileError } from '../../errors.js'
import { completeLayout } from '../../torrent/layout.js'
import { parseInfoDictionary, parseMetainfo, type Metainfo } from '../../torrent/metainfo.js'
import { readPeerMetadataWithSeedcast, webTorrentInput } from '../webtorrent-input.js'
import { batchSocketWrites, isTcpSocket } from '../socket-batching.js'
import { collectYoungGarbage } from '../young-garbage.js'
import { readsStraight } from '../direct-receive.js'
import { connOfWire } from '../peer-links.js'
import { hostilePeers, type HostilePeer } from '../peer-message-limits.js'
import { featureOn } from '../webtorrent-internals.js'
import type { DownloadEvent, DownloadOptions, DownloadResult } from './download.js'
import { claimedFiles, dropUnusedClaim, removeClaim, writeClaim } from './claim.js'
import { checkFilesOnDisk, filesAlreadyThere, foreignFiles, verifiedBytesOf } from './files.js'
import { checkFreeSpace } from './output.js'
import { PeerGuard } from './peer-guard.js'
import { RequestLimit } from './request-limit.js'
import { selectFiles } from './select.js'
import type { ResolvedSource } from './source.js'
import { OutputClosed, streamInOrder } from './stdout-stream.js'
import { DownloadStore, type StorePlacement } from './store.js'
import { failedPieceIndex } from '../failed-piece.js'
import type { DownloadClient, DownloadFile, DownloadTorrent, DownloadWire } from './webtorrent.js'
import { pathBelow } from '../../torrent/safe-path.js'
import { usableTrackers, webSeedCannotHelp } from './metadata-reach.js'

/**
 * Where a download is:
 * - `metadata`: waiting for the torrent's info dictionary (from peers, for a magnet link);
 * - `checking`: WebTorrent verifies what earlier runs left on disk, and the free space is checked;
 * - `downloading`: fetching the missing pieces of the selected files;
 * - `streaming`: every piece is in, the rest of the file is still being written to `stdout`;
 * - `finishing`: symlinks made and file sizes checked;
 * - `seeding`: done, uploading until `seedTimeSeconds` pass or the signal aborts;
 * - `ended`: the result is settled.
 */
export type DownloadState = 'metadata' | 'checking' | 'downloading' | 'streaming' | 'finishing' | 'seeding' | 'ended'

/** Received bytes between two collections of the socket reads they came in (young-garbage.ts). */
const COLLECT_EVERY_BYTES = 8 * 1024 * 1024

/** States in which no progress for `timeoutSeconds` means giving up. */
const WATCHED: ReadonlySet<DownloadState> = new Set(['metadata', 'checking', 'downloading'])

type Options = DownloadOptions & {
  timeoutSeconds: number
  /** Where the selected files are written: the output folder, or the scratch folder when there is none. */
  dataDir: string
  /** A private folder for bytes that must not land in `dataDir` (see DownloadStore's placement). */
  scratchDir: string
}

/** One download on a client opened for it; `result` settles once, when it ends. */
export class DownloadRun {
  readonly result: Promise<DownloadResult>
  private state: DownloadState = 'metadata'
  private readonly torrent: DownloadTorrent
  private readonly guard: PeerGuard
  private readonly requestLimit = new RequestLimit()
  /** Read by seedcast's reader: from the .torrent, or from the info dictionary peers send. */
  private metainfo?: Metainfo
  private selected: DownloadFile[] = []
  private selectedIndexes = new Set<number>()
  /** Told to the store at once, filled in when the files are chosen (before any data moves). */
  private readonly placement: StorePlacement = {}
  private resumedBytes = 0
  /** Bytes received since the young generation was last collected (see young-garbage.ts). */
  private receivedSinceCollect = 0
  private everConnected = false
  /**
   * When the download last moved: a state entered, a peer connected while the metadata is
   * awaited, or a block of piece data came in. Not any byte on a wire: a web seed answering
   * 404 re-announces the failed pieces every 10 s (have and lt_donthave messages), and a
   * silent peer sends keep-alives; counted as progress, they kept `--timeout` from ever firing.
   */
  private lastProgressAt = performance.now()
  private pieceBytesSeen = 0
  private lastPieceBytes = 0
  /** The last problem a tracker reported (DHT messages are not tracker problems). */
  private lastTrackerProblem?: string
  private spaceChecked: Promise<void> = Promise.resolve()
  private streaming?: Promise<void>
  private streamClosed = false
  /** The summary as the download completed (before any seeding). */
  private done?: ReturnType<DownloadRun['summary']>
  private seedingUntil = Infinity
  private readonly tick: NodeJS.Timeout
  /**
   * Fires when the stall timeout or the seed time may be over. Checked only on the progress
   * tick, `--timeout N` gave up between N and N + 1 s after the last progress.
   */
  private deadline?: NodeJS.Timeout
  private resolve!: (result: DownloadResult) => void
  private reject!: (error: SeedcastError) => void

  constructor (client: DownloadClient, private readonly source: ResolvedSource, private readonly options: Options, private readonly emit: (event: DownloadEvent) => void, private readonly startedAt: number) {
    this.result = new Promise((resolve, reject) => { this.resolve = resolve; this.reject = reject })
    const selecting = (options.select?.length ?? 0) > 0
    this.metainfo = typeof source.torrentId === 'string' ? undefined : parseMetainfo(source.torrentId)
    const input = this.metainfo ? { ...webTorrentInput(this.metainfo), announce: usableTrackers(this.metainfo.announce.flat()) } : withoutWebSocketTrackers(source.torrentId as string)
    const torrent = this.torrent = client.add(input, {
      // Files go to their safe paths and pad files nowhere (see DownloadStore).
      store: DownloadStore,
      storeOpts: { metainfo: this.metainfo, placement: this.placement, writes: this.requestLimit.writes },
      path: options.dataDir,
      announce: usableTrackers([...source.extraTrackers, ...(options.trackers ?? [])]),
      deselect: selecting,
      // Web seeds are often the only source of a fresh episode: more parallel ranges.
      maxWebConns: 8,
      // WebTorrent's default keeps the last 20 pieces written in memory (20 MiB and more of
      // RSS) for peers that ask for them; the page cache holds them anyway.
      storeCacheSlots: 0
    })
    if (!this.metainfo && !readPeerMetadataWithSeedcast(torrent, parseMetainfo)) {
      emit({ event: 'warning', kind: 'source', message: 'WebTorrent internals changed: metadata from peers is read by WebTorrent itself (a torrent with pad files without a path cannot be had from a magnet link)' })
    }
    this.guard = new PeerGuard(torrent,
      peer => emit({ event: 'peer-banned', ...peer }),
      piece => emit({ event: 'hash-failure', piece }))
    hostilePeers.on('banned', this.onHostilePeer)

    const fail = (error: unknown) => this.fail(error)
    torrent.on('error', fail)
    client.on('error', fail)
    torrent.on('warning', (error: Error) => this.onSwarmWarning(error))
    torrent.on('wire', (wire: DownloadWire) => {
      this.everConnected = true
      if (this.state === 'metadata') this.lastProgressAt = performance.now()
      // bittorrent-protocol's 'download' counts the payload of piece messages only.
      wire.on('download', (bytes: number) => {
        this.pieceBytesSeen += bytes
        // A socket read into the shared buffer leaves no dead read behind (direct-receive.ts).
        if (!readsStraight(wire)) this.collectAfter(bytes)
      })
      this.requestLimit.watch(wire)
      // WebTorrent asks for each block with a write(2) of its own (17 bytes): thousands a
      // second from a fast peer. Batched, the requests of one event-loop turn go out together.
      const conn = connOfWire(wire)
      if (isTcpSocket(conn) && featureOn('socket write batching')) batchSocketWrites(conn, 0)
    })
    torrent.on('metadata', () => { try { this.onMetadata() } catch (error) { this.fail(error) } })
    torrent.on('ready', () => this.onReady())
    torrent.on('done', () => this.checkDone())
    // 'verified' comes before webtorrent marks files done (in the same callback): look after it.
    torrent.on('verified', () => { if (this.state === 'downloading') queueMicrotask(() => this.checkDone()) })

    this.tick = setInterval(() => this.onTick(), options.progressIntervalMs ?? 1000)
    this.armDeadline()
    if (options.signal?.aborted) queueMicrotask(this.onAbort)
    options.signal?.addEventListener('abort', this.onAbort, { once: true })
  }

  /** Collects V8's young generation once COLLECT_EVERY_BYTES came in new socket reads (young-garbage.ts). */
  private collectAfter (bytes: number): void {
    this.receivedSinceCollect += bytes
    if (this.receivedSinceCollect < COLLECT_EVERY_BYTES) return
    this.receivedSinceCollect = 0
    collectYoungGarbage()
  }

  /** A peer that sent a message longer than its type allows was dropped and banned (webtorrent-internals.ts). */
  private readonly onHostilePeer = (peer: HostilePeer): void => {
    this.emit({ event: 'warning', kind: 'swarm', message: `peer ${peer.address} ${peer.reason}; dropped${peer.bannedForMs ? ` and banned for ${Math.round(peer.bannedForMs / 60_000)} min` : ''}` })
  }

  private onSwarmWarning (error: Error): void {
    const message = error?.message ?? String(error)
    // Hash failures are reported as their own events by the guard.
    if (failedPieceIndex(error) !== undefined) return
    if (!DHT_MESSAGE.test(message)) this.lastTrackerProblem = message
    this.emit({ event: 'warning', kind: 'swarm', message })
  }

  /** The info dictionary is known: pick the files, check the space, say what is coming. */
  private onMetadata (): void {
    const { torrent, options } = this
    for (const url of this.source.extraWebSeeds) torrent.addWebSeed(url)
    const layout = this.metainfo ??= parseInfoDictionary(torrent.infoBuffer!)
    const safePaths = layout.files.map(file => file.safePath)
    // Pad files are padding, never a file of the download.
    const indexes = selectFiles(safePaths, options.select ?? []).filter(index => !layout.files[index]!.pad)
    this.selectedIndexes = new Set(indexes)
    this.selected = indexes.map(index => torrent.files[index]!)
    if (options.stdout && this.selected.length !== 1) {
      throw new SeedcastError(`\`stdout\` streams one file, but ${this.selected.length} are selected`, { code: 'ESELECT', hint: 'choose one with `select` <index|glob>' })
    }
    if (options.select?.length) for (const file of this.selected) file.select()
    // Unselected files that share a piece with a selected one get those bytes too: they go to
    // the scratch folder, never as a partial file into the output folder.
    this.placement.keep = this.selectedIndexes
    this.placement.scratchDir = options.scratchDir
    // Files by these names already there are checked with the rest, and left alone until
    // they are known to hold some of this torrent (onReady), unless an earlier get of this
    // torrent created them (claim.ts: a kill during its first piece write leaves a file with
    // no verified piece). The claim names every file this run may then write, before any is.
    const there = filesAlreadyThere(options.dataDir, layout, this.selectedIndexes)
    if (options.outputDir !== undefined) {
      const ours = claimedFiles(options.dataDir, layout, there)
      for (const index of ours) there.delete(index)
      writeClaim(options.dataDir, layout, [...this.selectedIndexes].filter(index => !there.has(index)))
    }
    this.placement.protect = there
    // Checked now, before webtorrent spends time verifying existing data.
    this.spaceChecked = checkFreeSpace(options.dataDir, this.selected.map(file => ({ path: file.path, length: file.length })))
    this.spaceChecked.catch(error => this.fail(error))
    this.enter('checking')
    this.emit({
      event: 'metadata',
      infoHash: torrent.infoHash,
      name: torrent.name,
      length: torrent.length,
      pieceLength: torrent.pieceLength,
      pieces: torrent.pieces.length,
      files: torrent.files.flatMap((file, index) => layout.files[index]!.pad ? [] : [{ index, path: safePaths[index]!, length: file.length, selected: this.selectedIndexes.has(index) }]),
      selectedBytes: this.selectedBytes()
    })
  }

  /** WebTorrent has verified what is on disk: download the rest (and stream it). */
  private onReady (): void {
    const foreign = foreignFiles(this.torrent, this.placement.protect ?? new Set())
    if (foreign.length > 0) {
      const path = pathBelow(this.options.dataDir, this.metainfo!.files[foreign[0]!]!.safePath)
      const others = foreign.length > 1 ? ` (and ${foreign.length - 1} more file${foreign.length > 2 ? 's' : ''})` : ''
      this.fail(new SeedcastError(`${path}: already exists and holds none of this torrent's data${others}; not overwritten`, {
        code: 'EEXIST',
        hint: 'move it away, or download into another folder (`outputDir`)'
      }))
      return
    }
    this.placement.protect = undefined
    // Measured before any new piece can arrive: this is what the previous runs left.
    this.resumedBytes = this.selectedDownloaded()
    this.spaceChecked.then(() => {
      if (this.state !== 'checking') return
      this.enter('downloading')
      this.emit({ event: 'ready', haveBytes: this.resumedBytes, missingBytes: this.selectedBytes() - this.resumedBytes })
      if (this.options.stdout) {
        this.streaming = streamInOrder(this.selected[0]!.createReadStream(), this.options.stdout).catch(error => {
          if (error instanceof OutputClosed) { this.streamClosed = true; return }
          throw error
        })
        this.streaming.then(() => this.checkDone(), error => this.fail(error))
      }
      this.checkDone()
    }, error => this.fail(error))
  }

  /** Moves on once every selected piece is in and (with `stdout`) written out. */
  private checkDone (): void {
    if (this.state === 'ended') return
    // The reader of stdout went away: nothing more to do for it.
    if (this.streamClosed) { this.succeed(); return }
    if (this.state === 'downloading') {
      if (!this.selected.every(file => file.done)) return
      this.reportProgress()
      this.enter('streaming')
    }
    if (this.state !== 'streaming') return
    if (this.streaming) {
      // Comes back here once the last byte is written.
      void this.streaming.then(() => { if (this.state === 'streaming') this.finish() })
      return
    }
    this.finish()
  }

  private finish (): void {
    this.enter('finishing')
    const layout = this.metainfo!
    const outputDir = this.options.dataDir
    completeLayout(layout, outputDir, this.selectedIndexes).then(async done => {
      for (const skipped of done.skipped) this.emit({ event: 'warning', kind: 'layout', message: `symlink ${skipped.path} not made: ${skipped.why}` })
      await checkFilesOnDisk(outputDir, layout.files.filter((file, index) => this.selectedIndexes.has(index) && !file.symlink))
      if (this.options.outputDir !== undefined) removeClaim(outputDir, layout.infoHash)
    }).then(() => {
      if (this.state !== 'finishing') return
      // The download's figures are those of this moment; seeding afterwards changes none of them.
      this.done = this.summary()
      this.emit({ event: 'done', ...this.done })
      if (!this.options.seed) { this.succeed(); return }
      this.seedingUntil = this.options.seedTimeSeconds !== undefined ? performance.now() + this.options.seedTimeSeconds * 1000 : Infinity
      this.enter('seeding')
    }, error => this.fail(error))
  }

  private onTick (): void {
    const { torrent } = this
    if (this.state === 'seeding') this.emit({ event: 'seeding', uploaded: torrent.uploaded, peers: torrent.numPeers, speed: Math.round(torrent.uploadSpeed) })
    if (this.state === 'downloading') this.reportProgress()
    this.checkDeadlines()
  }

  /** Ends a seeding whose time is up, or fails a watched state that made no progress for `timeoutSeconds`. */
  private checkDeadlines (): void {
    const now = performance.now()
    if (this.state === 'seeding') {
      if (now >= this.seedingUntil) this.succeed()
      return
    }
    if (!WATCHED.has(this.state)) return
    // Piece data counts as progress when it is seen here: a timestamp per block would cost
    // a clock read on the hottest path, and this errs towards waiting a little longer.
    if (this.pieceBytesSeen !== this.lastPieceBytes) {
      this.lastPieceBytes = this.pieceBytesSeen
      this.lastProgressAt = now
    }
    if (now - this.lastProgressAt >= this.options.timeoutSeconds * 1000) this.fail(this.timeoutError())
  }

  /** (Re)schedules `deadline` for the moment the current state's limit would be reached. */
  private armDeadline (): void {
    clearTimeout(this.deadline)
    const at = this.state === 'seeding' ? this.seedingUntil : WATCHED.has(this.state) ? this.lastProgressAt + this.options.timeoutSeconds * 1000 : Infinity
    if (!Number.isFinite(at)) return
    this.deadline = setTimeout(() => {
      this.checkDeadlines()
      if (this.state !== 'ended') this.armDeadline()
    }, Math.max(0, at - performance.now()) + 1)
  }

  private timeoutError (): SeedcastError {
    const { torrent } = this
    const seconds = this.options.timeoutSeconds
    const infoHash = torrent.infoHash ?? this.source.infoHash
    if (!this.everConnected) {
      const hint = this.lastTrackerProblem
        ? `last tracker problem: ${this.lastTrackerProblem}`
        : webSeedCannotHelp(this.source) ?? `no peer was found through ${this.options.dht === false ? 'the trackers' : 'the trackers or the DHT'}; try again later, add a tracker with \`trackers\`, or raise \`timeoutSeconds\``
      return new SeedcastError(`no peers found for ${infoHash} within ${seconds} s`, { code: 'ENOPEERS', hint })
    }
    if (this.state === 'metadata') {
      return new SeedcastError(`could not get the metadata of ${infoHash} within ${seconds} s`, { code: 'ETIMEOUT', hint: 'the peers did not send it; try again later or use the .torrent file' })
    }
    const webSeeds = torrent.wires.filter(wire => wire.type === 'webSeed').length
    const peers = torrent.wires.length - webSeeds
    const from = `${peers} peer${peers === 1 ? '' : 's'}${webSeeds ? ` and ${webSeeds} web seed${webSeeds === 1 ? '' : 's'}` : ''}`
    const hint = webSeeds ? 'no web seed sent data (HTTP errors or no answer); what was verified is kept; run the same command again to resume' : 'what was verified is kept; run the same command again to resume'
    return new SeedcastError(`download stalled: no data for ${seconds} s from ${from}`, { code: 'ETIMEOUT', hint })
  }

  private readonly onAbort = (): void => {
    if (this.state === 'seeding') { this.succeed(); return }
    this.fail(new SeedcastError('interrupted', { code: 'EINTR', hint: 'what was verified is kept; run the same command again to resume' }))
  }

  private reportProgress (): void {
    const { torrent } = this
    const total = this.selectedBytes()
    const downloaded = this.selectedDownloaded()
    const speed = torrent.downloadSpeed
    const remaining = total - downloaded
    this.emit({
      event: 'progress',
      downloaded,
      total,
      received: this.pieceBytesSeen,
      speed: Math.round(speed),
      peers: torrent.numPeers,
      etaSeconds: remaining === 0 ? 0 : speed > 0 ? Math.round(remaining / speed) : null
    })
  }

  /** What the 'done' event and the result both say, as of now. */
  private summary () {
    const { torrent } = this
    const files = this.metainfo!.files
    return {
      infoHash: torrent.infoHash,
      name: torrent.name,
      files: [...this.selectedIndexes].map(index => ({ path: files[index]!.safePath, length: files[index]!.length })),
      total: this.selectedBytes(),
      received: this.pieceBytesSeen,
      resumedBytes: this.resumedBytes,
      alreadyComplete: this.resumedBytes === this.selectedBytes() && this.pieceBytesSeen === 0,
      hashFailures: this.guard.hashFailures,
      bannedPeers: this.guard.banned,
      seconds: (performance.now() - this.startedAt) / 1000
    }
  }

  private selectedBytes (): number {
    return this.selected.reduce((sum, file) => sum + file.length, 0)
  }

  private selectedDownloaded (): number {
    return this.selected.reduce((sum, file) => sum + verifiedBytesOf(this.torrent, file), 0)
  }

  private enter (state: DownloadState): void {
    if (this.state === 'ended') return
    this.state = state
    // Verifying a large existing file takes a while and is progress, not a stall.
    this.lastProgressAt = performance.now()
    this.armDeadline()
  }

  private succeed (): void {
    if (!this.end()) return
    const seededSeconds = this.done && this.options.seed ? (performance.now() - this.startedAt) / 1000 - this.done.seconds : 0
    this.resolve({ ...(this.done ?? this.summary()), outputDir: this.options.outputDir, complete: !this.streamClosed, uploaded: this.torrent.uploaded, seededSeconds, ...(this.torrent.infoBuffer ? { infoDictionary: this.torrent.infoBuffer } : {}) })
  }

  private fail (error: unknown): void {
    if (!this.end()) return
    // A claim on files none of which was made (no peer, a refusal) would be left in the
    // listener's folder for nothing.
    if (this.options.outputDir !== undefined && this.metainfo) dropUnusedClaim(this.options.dataDir, this.metainfo)
    this.reject(toSeedcastError(error, this.options.dataDir))
  }

  /** Ends the run once; false when it had already ended. */
  private end (): boolean {
    if (this.state === 'ended') return false
    this.state = 'ended'
    clearInterval(this.tick)
    clearTimeout(this.deadline)
    hostilePeers.removeListener('banned', this.onHostilePeer)
    this.options.signal?.removeEventListener('abort', this.onAbort)
    return true
  }
}

/** What the DHT says when it has nobody to ask (no bootstrap node reached): not a tracker's problem. */
const DHT_MESSAGE = /^No nodes to query/

/**
 * A download talks TCP and web seeds, not WebRTC (see openDownloadClient): a ws:// or
 * wss:// tracker (a seedcast show's own, for browsers) can give it no peer, and WebTorrent
 * would warn "Unsupported tracker protocol" for each. They are left out quietly.
 */
const WEBSOCKET_TRACKER = /^wss?:\/\//i

/** The magnet link without its ws:// and wss:// trackers (`tr=`). */
function withoutWebSocketTrackers (magnet: string): string {
  const query = magnet.slice(magnet.indexOf('?') + 1)
  const kept = query.split('&').filter(part => {
    const [key, value = ''] = part.split('=')
    if (key !== 'tr') return true
    try { return !WEBSOCKET_TRACKER.test(decodeURIComponent(value)) } catch { return true }
  })
  return `magnet:?${kept.join('&')}`
}

/** Webtorrent reports disk and parse problems as plain errors; give them a path and a hint. */
function toSeedcastError (error: unknown, outputDir: string): SeedcastError {
  if (error instanceof SeedcastError) return error
  const code = (error as NodeJS.ErrnoException)?.code
  if (code) return fileError(error, (error as NodeJS.ErrnoException).path ?? outputDir, 'write')
  const message = (error as Error)?.message ?? String(error)
  if (/Invalid torrent identifier|invalid (torrent|magnet)/i.test(message)) {
    return new SeedcastError(`not a valid torrent or magnet link: ${message}`, { code: 'ETORRENT', cause: error })
  }
  return new SeedcastError(`download failed: ${message}`, { code: 'EDOWNLOAD', cause: error })
}
