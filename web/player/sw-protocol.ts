/*
 * Messages between the service worker and the page that plays (shared by both builds).
 *
 * The worker cannot hold WebRTC connections, so it only relays: for a media request of
 * the element it asks the page that made it, over a MessageChannel, and the page either
 * answers with a streamed body (verified pieces) or tells it to let the request through
 * to the network (the page does not know that URL, or the player fell back to plain).
 */

export const RANGE_REQUEST = 'seedcast:range'
export const PLAYER_HELLO = 'seedcast:hello'
export const WORKER_PIECES = 'seedcast:pieces'
export const WORKER_READ = 'seedcast:read'
export const WORKER_READ_CANCEL = 'seedcast:read-cancel'

/** Page → worker: this page has a player; relay its media requests. */
export interface PlayerHello {
  type: typeof PLAYER_HELLO
  /** Sent by a page the active worker does not control yet: claim it (clients.claim()). */
  claim?: boolean
  /** Episodes whose first bytes the worker may read itself (see FirstRead). */
  firstReads?: FirstRead[]
  /**
   * Media URLs whose players fell back to the plain element: the worker leaves their requests to
   * the browser (it does not answer them at all: a cross-origin redirect without CORS plays only
   * so). When the hello carries a port, the worker answers on it once it has taken the hello in.
   */
  direct?: string[]
}

/**
 * Page → worker (with the hello): the element's first request of `url` from byte 0 is read by
 * the worker itself from the web seed (the same URL), `hashes.length / 20` pieces from the
 * file's start, each SHA-1 checked there before the element gets it; the rest of the request
 * is asked of the page as usual. The page's thread is busiest right when the element starts
 * (its own start-up runs there): the worker's is not. At most once per page and episode (the
 * worker remembers it read it); the page offers it only while it holds none of those pieces.
 */
export interface FirstRead {
  url: string
  length: number
  pieceLength: number
  mime: string
  /** SHA-1 of the pieces the worker reads (20 bytes each, from piece 0). */
  hashes: Uint8Array
}

/**
 * Page → worker: read pieces `first`.. (`hashes.length / 20` of them) of `url` from its web seed
 * now, as the page would have (a seek's read, started when the element begins seeking), each
 * SHA-1 checked there; the element's request that starts in them (it comes a few ms later) is
 * answered from them by the worker itself, and the rest of it asked of the page as usual. Every
 * checked piece goes to the page too (WorkerPieces with this `id`), which holds them as in flight
 * until then: the page never reads them itself meanwhile. A later read of the same page and URL
 * replaces this one.
 */
export interface WorkerRead extends FirstRead {
  type: typeof WORKER_READ
  id: number
  /** The first piece read; `hashes` are the SHA-1s of the pieces from this one. */
  first: number
}

/** Page → worker: stop read `id` (a seek moved away from it); pieces checked so far stay usable. */
export interface WorkerReadCancel {
  type: typeof WORKER_READ_CANCEL
  id: number
  url: string
}

/**
 * Worker → page: pieces of a first read, checked, as they were handed to the element (the page
 * stores them, counted as HTTP bytes, and shares them). `failed`: the read ended at `first`
 * (HTTP error or a wrong piece): the page reads from there. Times in epoch ms, for the trace.
 */
export interface WorkerPieces {
  type: typeof WORKER_PIECES
  url: string
  first: number
  pieces: Uint8Array[]
  failed?: boolean
  startedAt: number
  headersAt?: number
  /** The WorkerRead these come from (none: a first read). */
  id?: number
  /**
   * Sent with no pieces: the worker handed this many pieces from `first` to the element (when,
   * epoch ms, in `startedAt`; `receivedAt`: when it got the element's request).
   */
  delivered?: number
  receivedAt?: number
}

export interface RangeRequest {
  type: typeof RANGE_REQUEST
  /** Absolute URL of the media request. */
  url: string
  /** The request's Range header, or null. */
  range: string | null
  /** When the worker got the request and when it asked (epoch ms, for the player's trace). */
  receivedAt?: number
  askedAt?: number
  /** The page answers itself (never with `read`: see RangeReply). */
  noRead?: boolean
}

export type RangeReply =
  /**
   * `read`: the range starts in pieces the worker is reading for this page (WorkerRead; its
   * message reached the worker after the request did): the worker answers from that read, and
   * asks again with `noRead` if it has none.
   */
  | { pass: true, read?: true }
  /** `head`: the body's first bytes, when held at once (sent with the reply); `body`: the rest. */
  | { pass: false, status: number, headers: Record<string, string>, head?: Uint8Array, body: ReadableStream<Uint8Array> | null }
