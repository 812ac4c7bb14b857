import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { SeedcastError, fileError } from '../../errors.js'
import { PeerGuard, type BannedPeer } from './peer-guard.js'
import { checkFreeSpace, prepareOutputDir } from './output.js'
import { selectFiles } from './select.js'
import { DownloadStore } from './store.js'
import { completeLayout } from '../../torrent/layout.js'
import { parseInfoDictionary, parseMetainfo, type Metainfo } from '../../torrent/metainfo.js'
import { pieceRange } from '../../torrent/piece-range.js'
import { readPeerMetadataWithSeedcast, webTorrentInput } from '../webtorrent-input.js'
import { closeDownloadClient, openDownloadClient, type DownloadClient, type DownloadFile, type DownloadTorrent } from './webtorrent.js'
import { resolveSource, type ResolvedSource } from './source.js'
import { OutputClosed, streamInOrder } from './stdout-stream.js'

export interface DownloadOptions {
  /** Folder the torrent's files are written into (created when missing). */
  outputDir: string
  /** `--select` values: file indexes or globs; empty means every file. */
  select?: string[]
  /** Stream the (one) selected file in order into this writable as it arrives. */
  stdout?: NodeJS.WritableStream
  /** Keep seeding after completion until `signal` aborts or `seedTimeSeconds` pass. */
  seed?: boolean
  seedTimeSeconds?: number
  /** Seconds without any progress before giving up (also bounds the wait for metadata). */
  timeoutSeconds?: number
  /** Extra tracker URLs on top of the torrent's own. No public tracker is ever added. */
  trackers?: string[]
  dht?: boolean
  port?: number
  /** Bytes per second; undefined = unlimited. */
  downloadLimit?: number
  /** Stops the download (SIGINT): what is verified stays on disk for the next run. */
  signal?: AbortSignal
  onEvent?: (event: DownloadEvent) => void
  progressIntervalMs?: number
}

export interface DownloadFileInfo { index: number, path: string, length: number, selected: boolean }

export type DownloadEvent =
  | { event: 'started', source: ResolvedSource['kind'], infoHash: string, name?: string, outputDir: string }
  /**
   * `source`: the .torrent behind a magnet could not be used; `swarm`: a tracker or peer
   * problem (often transient); `layout`: a symlink of the torrent was not made.
   */
  | { event: 'warning', kind: 'source' | 'swarm' | 'layout', message: string }
  | { event: 'metadata', infoHash: string, name: string, length: number, pieceLength: number, pieces: number, files: DownloadFileInfo[], selectedBytes: number }
  | { event: 'ready', haveBytes: number, missingBytes: number }
  | { event: 'progress', downloaded: number, total: number, received: number, speed: number, peers: number, etaSeconds: number | null }
  | { event: 'hash-failure', piece: number }
  | { event: 'peer-banned', address: string, peerId?: string, failedPieces: number, goodPieces: number }
  | { event: 'done', infoHash: string, name: string, files: { path: string, length: number }[], total: number, received: number, resumedBytes: number, hashFailures: number, bannedPeers: BannedPeer[], seconds: number }
  | { event: 'seeding', uploaded: number, peers: number, speed: number }
  | { event: 'error', message: string, hint?: string, code: string }

export interface DownloadResult {
  infoHash: string
  name: string
  outputDir: string
  files: { path: string, length: number }[]
  /** Bytes of the selected files. */
  total: number
  /** Bytes received from peers and web seeds in this run, including discarded ones. */
  received: number
  /** Bytes of the selection already verified on disk when the run started. */
  resumedBytes: number
  hashFailures: number
  bannedPeers: BannedPeer[]
  seconds: number
  /** False when the reader of --stdout went away before the end. */
  complete: boolean
  uploaded: number
}

const DEFAULT_TIMEOUT_SECONDS = 60

/**
 * Downloads a magnet link, .torrent file or .torrent URL into `outputDir`. Existing data
 * is verified piece by piece first, so an interrupted download (even `kill -9`) resumes
 * with only the missing or half-written pieces fetched again; every piece is SHA-1
 * checked before it is written, and a failure never deletes what is already on disk.
 * Peers sending pieces that fail the check are disconnected and banned.
 */
export async function download (input: string, options: DownloadOptions): Promise<DownloadResult> {
  const emit = options.onEvent ?? (() => {})
  const timeoutSeconds = options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS
  const startedAt = performance.now()
  const source = await resolveSource(input, { fetchTimeoutMs: Math.min(timeoutSeconds, 30) * 1000 })
  emit({ event: 'started', source: source.kind, infoHash: source.infoHash, name: source.name, outputDir: options.outputDir })
  for (const message of source.warnings) emit({ event: 'warning', kind: 'source', message })
  await prepareOutputDir(options.outputDir)
  throwIfAborted(options.signal)

  const client = await openDownloadClient({ dht: options.dht ?? true, port: options.port, downloadLimit: options.downloadLimit })
  try {
    return await runDownload(client, source, options, emit, timeoutSeconds, startedAt)
  } finally {
    await closeDownloadClient(client)
  }
}

function runDownload (client: DownloadClient, source: ResolvedSource, options: DownloadOptions, emit: (event: DownloadEvent) => void, timeoutSeconds: number, startedAt: number): Promise<DownloadResult> {
  return new Promise<DownloadResult>((resolve, reject) => {
    const selecting = (options.select?.length ?? 0) > 0
    // Read by seedcast's reader, so files go to their safe paths and pad files nowhere
    // (DownloadStore); a magnet's info dictionary is read the same way once peers send it.
    let metainfo: Metainfo | undefined = typeof source.torrentId === 'string' ? undefined : parseMetainfo(source.torrentId)
    const torrent = client.add(metainfo ? webTorrentInput(metainfo) : source.torrentId, {
      store: DownloadStore,
      storeOpts: { metainfo },
      path: options.outputDir,
      announce: [...source.extraTrackers, ...(options.trackers ?? [])],
      deselect: selecting,
      // Web seeds are often the only source of a fresh episode: more parallel ranges.
      maxWebConns: 8
    })
    if (!metainfo && !readPeerMetadataWithSeedcast(torrent, parseMetainfo)) {
      emit({ event: 'warning', kind: 'source', message: 'WebTorrent internals changed: metadata from peers is read by WebTorrent itself (a torrent with pad files without a path cannot be had from a magnet link)' })
    }
    let selected: DownloadFile[] = []
    let selectedIndexes = new Set<number>()
    let resumedBytes = 0
    let finished = false
    let everConnected = false
    let lastReceived = 0
    let lastProgressAt = performance.now()
    let streaming: Promise<void> | undefined
    let streamClosed = false
    let seedingUntil: number | undefined
    let downloadDone = false
    let spaceChecked: Promise<void> = Promise.resolve()

    const guard = new PeerGuard(torrent,
      peer => emit({ event: 'peer-banned', ...peer }),
      piece => emit({ event: 'hash-failure', piece }))

    const fail = (error: unknown) => {
      if (finished) return
      finished = true
      cleanup()
      reject(toSeedcastError(error, options.outputDir))
    }
    const succeed = () => {
      if (finished) return
      finished = true
      cleanup()
      resolve({ ...summary(), outputDir: options.outputDir, complete: !streamClosed, uploaded: torrent.uploaded })
    }
    /** What the 'done' event and the result both say, as of now. */
    const summary = () => ({
      infoHash: torrent.infoHash,
      name: torrent.name,
      files: [...selectedIndexes].map(index => ({ path: metainfo!.files[index]!.safePath, length: metainfo!.files[index]!.length })),
      total: selectedBytes(),
      received: torrent.received,
      resumedBytes,
      hashFailures: guard.hashFailures,
      bannedPeers: guard.banned,
      seconds: (performance.now() - startedAt) / 1000
    })

    const selectedBytes = () => selected.reduce((sum, file) => sum + file.length, 0)
    const selectedDownloaded = () => selected.reduce((sum, file) => sum + verifiedBytesOf(torrent, file), 0)

    torrent.on('error', fail)
    client.on('error', fail)
    let lastSwarmWarning: string | undefined
    torrent.on('warning', (error: Error) => {
      const message = error?.message ?? String(error)
      // Hash failures are reported as their own events by the guard.
      if (/failed verification/.test(message)) return
      lastSwarmWarning = message
      emit({ event: 'warning', kind: 'swarm', message })
    })
    torrent.on('wire', () => { everConnected = true })

    torrent.on('metadata', () => {
      try {
        for (const url of source.extraWebSeeds) torrent.addWebSeed(url)
        metainfo ??= parseInfoDictionary(torrent.infoBuffer!)
        const layout = metainfo
        const safePaths = layout.files.map(file => file.safePath)
        // Pad files are padding, never a file of the download.
        const indexes = selectFiles(safePaths, options.select ?? []).filter(index => !layout.files[index]!.pad)
        selectedIndexes = new Set(indexes)
        selected = indexes.map(index => torrent.files[index]!)
        if (options.stdout && selected.length !== 1) {
          throw new SeedcastError(`\`stdout\` streams one file, but ${selected.length} are selected`, { code: 'ESELECT', hint: 'choose one with `select` <index|glob>' })
        }
        if (selecting) for (const file of selected) file.select()
        // Checked now, before webtorrent spends time verifying existing data.
        spaceChecked = checkFreeSpace(options.outputDir, selected.map(file => ({ path: file.path, length: file.length })))
        spaceChecked.catch(fail)
        emit({
          event: 'metadata',
          infoHash: torrent.infoHash,
          name: torrent.name,
          length: torrent.length,
          pieceLength: torrent.pieceLength,
          pieces: torrent.pieces.length,
          files: torrent.files.flatMap((file, index) => layout.files[index]!.pad ? [] : [{ index, path: safePaths[index]!, length: file.length, selected: indexes.includes(index) }]),
          selectedBytes: selectedBytes()
        })
        // Verifying a large existing file takes a while and is progress, not a stall.
        lastProgressAt = performance.now()
      } catch (error) {
        fail(error)
      }
    })

    torrent.on('ready', () => {
      // Measured before any new piece can arrive: this is what the previous runs left.
      resumedBytes = selectedDownloaded()
      spaceChecked.then(() => {
        if (finished) return
        lastReceived = torrent.received
        lastProgressAt = performance.now()
        emit({ event: 'ready', haveBytes: resumedBytes, missingBytes: selectedBytes() - resumedBytes })
        if (options.stdout) {
          streaming = streamInOrder(selected[0]!.createReadStream(), options.stdout).catch(error => {
            if (error instanceof OutputClosed) { streamClosed = true; return }
            throw error
          })
          streaming.then(checkDone, fail)
        }
        checkDone()
      }, fail)
    })
    torrent.on('done', () => checkDone())
    // 'verified' comes before webtorrent marks files done (in the same callback): look after it.
    torrent.on('verified', () => { if (!downloadDone) queueMicrotask(checkDone) })

    function checkDone (): void {
      if (finished || !torrent.ready) return
      if (streamClosed) { succeed(); return }
      if (!downloadDone) {
        if (!selected.every(file => file.done)) return
        downloadDone = true
        report()
      }
      if (streaming && !streamClosed) {
        // Resolves checkDone again once the last byte is written.
        void streaming.then(() => { if (!finished) finishOrSeed() })
        return
      }
      finishOrSeed()
    }

    let finalizing = false
    function finishOrSeed (): void {
      if (finished || finalizing) return
      finalizing = true
      const layout = metainfo!
      completeLayout(layout, options.outputDir, selectedIndexes).then(async done => {
        for (const skipped of done.skipped) emit({ event: 'warning', kind: 'layout', message: `symlink ${skipped.path} not made: ${skipped.why}` })
        await checkFilesOnDisk(options.outputDir, layout.files.filter((file, index) => selectedIndexes.has(index) && !file.symlink))
      }).then(() => {
        if (finished) return
        emit({ event: 'done', ...summary() })
        if (!options.seed) { succeed(); return }
        seedingUntil = options.seedTimeSeconds !== undefined ? performance.now() + options.seedTimeSeconds * 1000 : Infinity
      }, fail)
    }

    function report (): void {
      const total = selectedBytes()
      const downloaded = selectedDownloaded()
      const speed = torrent.downloadSpeed
      const remaining = total - downloaded
      emit({
        event: 'progress',
        downloaded,
        total,
        received: torrent.received,
        speed: Math.round(speed),
        peers: torrent.numPeers,
        etaSeconds: remaining === 0 ? 0 : speed > 0 ? Math.round(remaining / speed) : null
      })
    }

    const tick = setInterval(() => {
      if (finished) return
      const now = performance.now()
      if (seedingUntil !== undefined) {
        emit({ event: 'seeding', uploaded: torrent.uploaded, peers: torrent.numPeers, speed: Math.round(torrent.uploadSpeed) })
        if (now >= seedingUntil) succeed()
        return
      }
      if (torrent.received !== lastReceived) {
        lastReceived = torrent.received
        lastProgressAt = now
      }
      if (torrent.ready && !downloadDone) report()
      if (now - lastProgressAt > timeoutSeconds * 1000 && !downloadDone) {
        const infoHash = torrent.infoHash ?? source.infoHash
        if (!everConnected) {
          const hint = lastSwarmWarning
            ? `last tracker problem: ${lastSwarmWarning}`
            : 'check the trackers, add one with `trackers`, or raise `timeoutSeconds`'
          fail(new SeedcastError(`no peers found for ${infoHash} within ${timeoutSeconds} s`, { code: 'ENOPEERS', hint }))
        } else if (!torrent.ready) {
          fail(new SeedcastError(`could not get the metadata of ${infoHash} within ${timeoutSeconds} s`, { code: 'ETIMEOUT', hint: 'the peers did not send it; try again later or use the .torrent file' }))
        } else {
          fail(new SeedcastError(`download stalled: no data for ${timeoutSeconds} s from ${torrent.numPeers} peer${torrent.numPeers === 1 ? '' : 's'}`, { code: 'ETIMEOUT', hint: 'what was verified is kept; run the same command again to resume' }))
        }
      }
    }, options.progressIntervalMs ?? 1000)

    const onAbort = () => {
      if (seedingUntil !== undefined) { succeed(); return }
      fail(new SeedcastError('interrupted', { code: 'EINTR', hint: 'what was verified is kept; run the same command again to resume' }))
    }
    if (options.signal?.aborted) queueMicrotask(onAbort)
    options.signal?.addEventListener('abort', onAbort, { once: true })

    function cleanup (): void {
      clearInterval(tick)
      options.signal?.removeEventListener('abort', onAbort)
    }
  })
}

/**
 * Bytes of `file` covered by verified pieces. Webtorrent's own `file.downloaded` drops
 * the whole last piece of a file that ends exactly on a piece boundary, which would
 * make a resumed download look one piece short.
 */
function verifiedBytesOf (torrent: DownloadTorrent, file: DownloadFile): number {
  const pieceLength = torrent.pieceLength
  const fileEnd = file.offset + file.length
  const range = pieceRange(file.offset, fileEnd, pieceLength)
  if (!torrent.bitfield || !range) return 0
  let bytes = 0
  for (let index = range.first; index <= range.last; index++) {
    if (!torrent.bitfield.get(index)) continue
    const start = Math.max(index * pieceLength, file.offset)
    const end = Math.min((index + 1) * pieceLength, fileEnd, torrent.length)
    bytes += end - start
  }
  return bytes
}

/**
 * The last check before "done": every piece was SHA-1 verified before it was written, so
 * what is left to catch is the file itself changing under us (truncated, replaced or
 * deleted by another program while we downloaded).
 */
async function checkFilesOnDisk (outputDir: string, files: Array<{ safePath: string, length: number }>): Promise<void> {
  for (const file of files) {
    const path = join(outputDir, ...file.safePath.split('/'))
    const info = await stat(path).catch(error => { throw fileError(error, path, 'read') })
    if (info.size !== file.length) {
      throw new SeedcastError(`${path}: ${info.size} bytes on disk, expected ${file.length}: it changed during the download`, { code: 'ECHANGED', hint: 'run the same command again to re-verify and repair it' })
    }
  }
}

function throwIfAborted (signal?: AbortSignal): void {
  if (signal?.aborted) throw new SeedcastError('interrupted', { code: 'EINTR' })
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
