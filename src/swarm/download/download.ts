import { SeedcastError, invalidOption } from '../../errors.js'
import type { BannedPeer } from './peer-guard.js'
import { prepareOutputDir } from './output.js'
import { DownloadRun } from './run.js'
import { makeScratch } from './scratch.js'
import { closeDownloadClient, openDownloadClient } from './webtorrent.js'
import { nowhereToFindMetadata } from './metadata-reach.js'
import { resolveSource, type ResolvedSource } from './source.js'

export interface DownloadOptions {
  /**
   * Folder the selected files are written into (created when missing). Optional with
   * `stdout`: the pieces then live in a temporary folder, removed at the end, and the
   * file exists only as the stream.
   */
  outputDir?: string
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
  | { event: 'started', source: ResolvedSource['kind'], infoHash: string, name?: string, outputDir?: string }
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
  | { event: 'done', infoHash: string, name: string, files: { path: string, length: number }[], total: number, received: number, resumedBytes: number, alreadyComplete: boolean, hashFailures: number, bannedPeers: BannedPeer[], seconds: number }
  | { event: 'seeding', uploaded: number, peers: number, speed: number }

export interface DownloadResult {
  infoHash: string
  name: string
  outputDir?: string
  files: { path: string, length: number }[]
  /** Bytes of the selected files. */
  total: number
  /**
   * Piece data received from peers and web seeds in this run, including discarded pieces;
   * not the protocol's own bytes (handshakes, bitfields, requests), nor the messages
   * WebTorrent makes up for a web seed, which counted 111 bytes "received" for a file that
   * was already complete and came from nowhere.
   */
  received: number
  /** Bytes of the selection already verified on disk when the run started. */
  resumedBytes: number
  /** Every selected byte was already on disk and verified: nothing was downloaded. */
  alreadyComplete: boolean
  hashFailures: number
  bannedPeers: BannedPeer[]
  /** From the start to the download's completion (seeding afterwards not included). */
  seconds: number
  /** How long it seeded after completing (0 without `seed`). */
  seededSeconds: number
  /** False when the reader of --stdout went away before the end. */
  complete: boolean
  uploaded: number
  /** The bencoded info dictionary (for a bare magnet: as the peers sent it), to keep a .torrent of what came. */
  infoDictionary?: Uint8Array
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
  // Before the output folder is made: a run that cannot start leaves nothing behind.
  const unreachable = nowhereToFindMetadata(source, options)
  if (unreachable) throw unreachable
  if (options.outputDir === undefined && !options.stdout) throw invalidOption('outputDir', 'is needed unless the file is streamed to `stdout`')
  if (options.outputDir !== undefined) await prepareOutputDir(options.outputDir)
  throwIfAborted(options.signal)

  // Bytes that must not land in the output folder go to a private temporary folder: all of
  // them when the file is only streamed, and the parts of unselected files that share a
  // piece with a selected one (libtorrent keeps those in a part file for the same reason).
  // Removed on every exit the process sees, and by the next download after a kill (scratch.ts).
  const scratch = await makeScratch()
  const scratchDir = scratch.path
  try {
    const client = await openDownloadClient({ dht: options.dht ?? true, port: options.port, downloadLimit: options.downloadLimit })
    try {
      return await new DownloadRun(client, source, { ...options, timeoutSeconds, dataDir: options.outputDir ?? scratchDir, scratchDir }, emit, startedAt).result
    } finally {
      await closeDownloadClient(client)
    }
  } finally {
    await scratch.release()
  }
}

function throwIfAborted (signal?: AbortSignal): void {
  if (signal?.aborted) throw new SeedcastError('interrupted', { code: 'EINTR' })
}
