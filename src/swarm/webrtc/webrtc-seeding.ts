import { fork, type ChildProcess } from 'node:child_process'
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { PeerStatus, SeedEvent } from '../seed/events.js'
import { addFastPathCounts as addCounts, type FastPathCounts } from '../fast-path-counts.js'
import { UPLOAD_SHARE_INTERVAL_MS, type UploadShare } from '../upload-share.js'
import type { ChildSettings, ChildTorrent, ChildTorrentStats, FromChild, ToChild } from './child-messages.js'

/*
 * The seeder's WebRTC side, run in a child process (webrtc-child.ts says why) and kept
 * running: started with the first torrent that has a ws:// or wss:// tracker, given every
 * such torrent (and told when one goes), restarted when it dies, stopped with the seeder.
 * Its figures (peers, bytes up, fast-path counts) reach the seeder's stats, status file
 * and events as if the seeder had those peers itself. With an upload limit, the child
 * uploads within its share of it (upload-share.ts), set and moved by the seeder.
 */

/** The compiled child sits next to this module; run from source (vitest) the build's copy is used, as the child must run as plain JavaScript. */
function childEntry (): string {
  const here = fileURLToPath(import.meta.url)
  const url = extname(here) === '.ts' ? new URL('../../../dist/src/swarm/webrtc/webrtc-child.js', import.meta.url) : new URL('./webrtc-child.js', import.meta.url)
  return fileURLToPath(url)
}

/** Restart delays: 1 s, doubled after each crash, at most 30 s; back to 1 s after a minute up. */
export const RESTART_FIRST_MS = 1_000
export const RESTART_MAX_MS = 30_000
export const RESTART_RESET_AFTER_MS = 60_000
/** How long a stopping child may take to announce "stopped" and close its peers. */
const STOP_GRACE_MS = 5_000

/** What the seeder shows of a torrent's WebRTC side. */
export interface WebRtcFigures { uploaded: number, uploadSpeed: number, peers: PeerStatus[] }

interface Figures {
  /** Bytes uploaded by earlier (dead) children. */
  before: number
  current?: ChildTorrentStats
}

export class WebRtcSeeding {
  private child?: ChildProcess
  /** What the child must seed: sent again to each new child. */
  private readonly torrents = new Map<string, ChildTorrent>()
  private readonly figures = new Map<string, Figures>()
  /** Connected peers of the current child, to report them gone if it dies. */
  private readonly peers = new Map<string, { infoHash: string, address?: string }>()
  private delayMs = RESTART_FIRST_MS
  private startedAt = 0
  private restartTimer?: NodeJS.Timeout
  private stopping?: Promise<void>
  private unavailable = false
  /** What the child said last before exiting on an error of its own ('fatal'). */
  private lastError?: string
  /** Fast-path counts of dead children, and the running one's last. */
  private fastPathsBefore?: FastPathCounts
  private fastPathsCurrent?: FastPathCounts
  /** Times the child was started again after dying. */
  restarts = 0

  /** `share`: the seed box's upload limit, split between the seeder and the child. */
  constructor (private readonly settings: ChildSettings, private readonly report: (event: SeedEvent) => void, private readonly share?: UploadShare) {}

  /** The running child's process id. */
  get pid (): number | undefined {
    return this.child?.pid
  }

  /**
   * Starts the child before any torrent is handed over, when the caller knows one will be
   * (a torrent with a ws:// tracker is being checked): loading WebTorrent and the native
   * module takes the child a second or more, which then overlaps the data check.
   */
  prepare (): void {
    if (this.stopping || this.unavailable || this.child || this.restartTimer) return
    this.start()
  }

  /** Seeds `torrent` over WebRTC too (starting the child if needed). */
  add (torrent: ChildTorrent): void {
    if (this.stopping || this.unavailable) return
    this.torrents.set(torrent.infoHash, torrent)
    if (!this.figures.has(torrent.infoHash)) this.figures.set(torrent.infoHash, { before: 0 })
    if (this.child) this.send({ type: 'add', torrent })
    else if (!this.restartTimer) this.start()
  }

  remove (infoHash: string): void {
    if (!this.torrents.delete(infoHash)) return
    this.figures.delete(infoHash)
    this.send({ type: 'remove', infoHash })
  }

  /** The torrent's WebRTC figures (bytes of dead children included). */
  figuresOf (infoHash: string): WebRtcFigures | undefined {
    const figures = this.figures.get(infoHash)
    if (!figures) return undefined
    return { uploaded: figures.before + (figures.current?.uploaded ?? 0), uploadSpeed: figures.current?.uploadSpeed ?? 0, peers: figures.current?.peers ?? [] }
  }

  /** What the child's patched fast paths and guards did, over every child so far (fast-path-counts.ts). */
  fastPathCounts (): FastPathCounts | undefined {
    return addCounts(this.fastPathsBefore, this.fastPathsCurrent)
  }

  /** The child's share of the upload limit, bytes per second (upload-share.ts calls it). */
  setUploadLimit (rate: number): void {
    this.send({ type: 'upload-limit', rate })
  }

  /** Stops the child (its "stopped" announces and peer closes), waiting for it at most a few seconds. */
  stop (): Promise<void> {
    this.stopping ??= (async () => {
      clearTimeout(this.restartTimer)
      const child = this.child
      if (!child || child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
      this.send({ type: 'stop' })
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS)
      await exited
      clearTimeout(timer)
    })()
    return this.stopping
  }

  private start (): void {
    this.restartTimer = undefined
    if (this.stopping) return
    const uploadLimit = this.share?.childStarted()
    const settings: ChildSettings = uploadLimit === undefined ? this.settings : { ...this.settings, uploadLimit, usageIntervalMs: UPLOAD_SHARE_INTERVAL_MS }
    const child = fork(childEntry(), [JSON.stringify(settings)], {
      // Output is not shown: what the child has to say comes as messages (a native crash says nothing).
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      serialization: 'advanced',
      execArgv: []
    })
    this.child = child
    this.startedAt = Date.now()
    child.on('message', (message: FromChild) => this.onMessage(message))
    child.on('error', () => {}) // 'exit' follows and says it all
    child.once('exit', (code, signal) => this.onExit(child, code, signal))
    for (const torrent of this.torrents.values()) this.send({ type: 'add', torrent })
  }

  private send (message: ToChild): void {
    const child = this.child
    if (child?.connected) child.send(message, () => {})
  }

  private onMessage (message: FromChild): void {
    if (message.type === 'stats') {
      for (const stats of message.torrents) {
        const figures = this.figures.get(stats.infoHash)
        if (figures) figures.current = stats
      }
      this.fastPathsCurrent = message.fastPaths
    } else if (message.type === 'usage') {
      this.share?.childUsage(message.uploaded, message.saturated)
    } else if (message.type === 'peer') {
      const key = String(message.peer)
      const torrent = this.torrents.get(message.infoHash)
      if (message.action === 'connected') this.peers.set(key, { infoHash: message.infoHash, ...(message.address ? { address: message.address } : {}) })
      else if (!this.peers.delete(key)) return
      if (torrent) this.report({ event: 'peer', action: message.action, infoHash: message.infoHash, name: torrent.name, transport: 'webrtc', ...(message.address ? { address: message.address } : {}) })
    } else if (message.type === 'failed') {
      const torrent = this.torrents.get(message.infoHash)
      this.report({ event: 'warning', code: 'ETORRENT', infoHash: message.infoHash, ...(torrent ? { name: torrent.name } : {}), message: `${torrent?.name ?? message.infoHash}: not seeded over WebRTC: ${message.message}` })
    } else if (message.type === 'warning') {
      this.report({ event: 'warning', code: message.code, message: message.message, ...(message.address ? { address: message.address } : {}) })
    } else if (message.type === 'unavailable') {
      this.unavailable = true
      this.report({ event: 'warning', code: 'EWEBRTC', message: `WebRTC seeding is off: the native WebRTC module does not load here (${message.message})` })
    } else if (message.type === 'fatal') {
      this.lastError = message.message
    }
  }

  private onExit (child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return
    this.child = undefined
    // Its peers are gone with it; its bytes stay counted.
    for (const [key, peer] of this.peers) {
      this.peers.delete(key)
      const torrent = this.torrents.get(peer.infoHash)
      if (torrent) this.report({ event: 'peer', action: 'disconnected', infoHash: peer.infoHash, name: torrent.name, transport: 'webrtc', ...(peer.address ? { address: peer.address } : {}) })
    }
    for (const figures of this.figures.values()) {
      figures.before += figures.current?.uploaded ?? 0
      figures.current = undefined
    }
    this.fastPathsBefore = addCounts(this.fastPathsBefore, this.fastPathsCurrent)
    this.fastPathsCurrent = undefined
    this.share?.childGone()
    const error = this.lastError
    this.lastError = undefined
    if (this.stopping || this.unavailable) return
    if (Date.now() - this.startedAt >= RESTART_RESET_AFTER_MS) this.delayMs = RESTART_FIRST_MS
    const delayMs = this.delayMs
    this.delayMs = Math.min(this.delayMs * 2, RESTART_MAX_MS)
    const how = signal ?? `exit code ${code}`
    this.report({ event: 'warning', code: 'EWEBRTC', message: `WebRTC seeding stopped (${how}${error ? `: ${error}` : ''}); restarting in ${delayMs / 1000} s` })
    this.restarts++
    this.restartTimer = setTimeout(() => this.start(), delayMs)
    this.restartTimer.unref()
  }
}

/** A torrent's WebRTC trackers (ws:// and wss://), the ones the child announces to. */
export function webRtcTrackers (announce: string[][]): string[] {
  return [...new Set(announce.flat())].filter(url => /^wss?:\/\//i.test(url))
}
