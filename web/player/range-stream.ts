import type { EpisodeTorrent } from './metainfo.js'
import type { PieceStore } from './piece-store.js'
import { decide, peerWaitLeft, WEB_SEED_RUN_BYTES, type PeerView, type PlaybackView } from './policy.js'
import type { RangeReply } from './sw-protocol.js'
import type { WebSeed } from './web-seed.js'
import { trace } from './trace.js'

/**
 * Without peers: long reads (pieces are usable as they arrive). With peers around, HTTP only
 * bridges a gap (a little longer when the element cannot play): peers carry the rest.
 */
function webSeedRunBytes (playback: PlaybackView, peers: PeerView | undefined): number {
  return !peers ? WEB_SEED_RUN_BYTES : playback.starving ? WEB_SEED_RUN_BYTES / 2 : WEB_SEED_RUN_BYTES / 4
}

/** Longest a reader sleeps before re-deciding when nothing announces a change. */
const RECHECK_MS = 200
/** Held pieces are handed over together up to this size: each chunk crosses to the worker and on. */
const MAX_CHUNK_BYTES = 256 * 1024

export interface StreamDeps {
  torrent: EpisodeTorrent
  store: PieceStore
  webSeed: WebSeed
  mime: string
  playback: () => PlaybackView
  /** The swarm once WebTorrent is up (undefined while it loads; see policy.ts). */
  peers: () => PeerView | undefined
  /** Asks the swarm to fetch these pieces first. */
  prioritize: (first: number, last: number) => void
  /** Each piece handed to the element (for the counters and the tests). */
  delivered: (index: number) => void
  /** Counts the element's seeks; a stream remembers the count it was opened at. */
  seeks: () => number
  /**
   * Whether a stream opened before seek number `seeks` has been left behind by it: its
   * pieces are then read from the web seed no more (see Engine).
   */
  leftBehind: (openedAt: number, index: number) => boolean
}

/** Answers one media request of the element (its Range header) with verified pieces. */
export function answerRange (deps: StreamDeps, rangeHeader: string | null): RangeReply {
  const { length } = deps.torrent
  const headers: Record<string, string> = { 'Content-Type': deps.mime, 'Accept-Ranges': 'bytes', 'Cache-Control': 'no-store' }
  const match = /^bytes=(\d*)-(\d*)$/.exec(rangeHeader?.trim() ?? '')
  let start = 0
  let end = length - 1
  if (match) {
    if (match[1] === '') {
      start = Math.max(0, length - Number(match[2]))
    } else {
      start = Number(match[1])
      if (match[2] !== '') end = Math.min(end, Number(match[2]))
    }
  }
  if (match && (start >= length || start > end)) {
    return { pass: false, status: 416, headers: { ...headers, 'Content-Range': `bytes */${length}` }, body: null }
  }
  headers['Content-Length'] = String(end - start + 1)
  if (match) headers['Content-Range'] = `bytes ${start}-${end}/${length}`
  // Held bytes at the start go with the reply itself: the worker answers with them at once,
  // without a round trip to this page for its first read of the body (a seek whose piece came
  // before the element's request, or a replay).
  const head = heldChunk(deps, start, end)
  const rest = start + (head?.length ?? 0)
  trace('answer', { range: rangeHeader, head: head?.length ?? 0 })
  return { pass: false, status: match ? 206 : 200, headers, head, body: rest > end ? null : pieceStream(deps, rest, end) }
}

/** The held bytes from `position` on (up to `end` and MAX_CHUNK_BYTES) as one chunk, counted as delivered; undefined when its piece is missing. */
function heldChunk (deps: StreamDeps, position: number, end: number): Uint8Array | undefined {
  const { pieceLength } = deps.torrent
  const parts: Uint8Array[] = []
  let size = 0
  for (let i = Math.floor(position / pieceLength); position + size <= end && size < MAX_CHUNK_BYTES; i++) {
    const piece = deps.store.get(i)
    if (!piece) break
    const from = Math.max(0, position - i * pieceLength)
    const to = Math.min(piece.length, end - i * pieceLength + 1)
    parts.push(piece.subarray(from, to))
    size += to - from
    deps.delivered(i)
  }
  if (!parts.length) return undefined
  const chunk = new Uint8Array(size)
  let offset = 0
  for (const part of parts) { chunk.set(part, offset); offset += part.length }
  return chunk
}

function pieceStream (deps: StreamDeps, start: number, end: number): ReadableStream<Uint8Array> {
  const abort = new AbortController()
  const openedAt = deps.seeks()
  let position = start
  return new ReadableStream<Uint8Array>({
    async pull (controller) {
      if (position > end) { controller.close(); return }
      const { pieceLength } = deps.torrent
      const index = Math.floor(position / pieceLength)
      if (!await readPiece(deps, index, openedAt, abort.signal)) return
      // This piece and the held ones after it, as one chunk.
      const chunk = heldChunk(deps, position, end)
      if (!chunk) return // cannot happen (held pieces are never dropped); the pending read would pull again
      if (position === start) trace('first-chunk', { start, size: chunk.length })
      else trace('chunk', { start: position, size: chunk.length })
      controller.enqueue(chunk)
      position += chunk.length
      if (position > end) controller.close()
    },
    cancel () { abort.abort() }
  }, { highWaterMark: 0 })
}

/** Waits for piece `index`, starting web-seed reads when the policy says so; undefined once aborted. */
async function readPiece (deps: StreamDeps, index: number, openedAt: number, signal: AbortSignal): Promise<Uint8Array | undefined> {
  const { store, webSeed, torrent } = deps
  const since = performance.now()
  let prioritized = false
  while (!signal.aborted) {
    const held = store.get(index)
    if (held) return held
    const peers = deps.peers()
    const playback = deps.playback()
    const waited = performance.now() - since
    const decision = decide(index, torrent.pieceLength, playback, peers, waited)
    if (decision === 'wait-peers' && !prioritized) {
      prioritized = true
      deps.prioritize(index, Math.min(torrent.pieceCount - 1, index + 3))
    }
    if (decision === 'web-seed' && webSeed.canFetch(index) && !deps.leftBehind(openedAt, index)) startWebSeedRun(torrent, webSeed, index, playback, peers)
    // Waiting on peers: look again at the deadline (a peer that sends nothing wakes no one).
    await store.nextChange(decision === 'wait-peers' ? Math.min(RECHECK_MS, peerWaitLeft(playback, waited) + 1) : RECHECK_MS, signal)
  }
  return undefined
}

/** Starts a web-seed read at piece `index` (call when `decide` says 'web-seed' and it can fetch). */
export function startWebSeedRun (torrent: EpisodeTorrent, webSeed: WebSeed, index: number, playback: PlaybackView, peers: PeerView | undefined): void {
  webSeed.fetchRun(index, webSeedRunLast(torrent, index, playback, peers))
}

/** The last piece a web-seed read from piece `index` may ask for now. */
export function webSeedRunLast (torrent: EpisodeTorrent, index: number, playback: PlaybackView, peers: PeerView | undefined): number {
  const runPieces = Math.max(1, Math.floor(webSeedRunBytes(playback, peers) / torrent.pieceLength))
  return Math.min(torrent.pieceCount - 1, index + runPieces - 1)
}
