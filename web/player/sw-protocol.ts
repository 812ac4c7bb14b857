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

/** Page → worker: this page has a player; relay its media requests. */
export interface PlayerHello {
  type: typeof PLAYER_HELLO
  /** Sent by a page the active worker does not control yet: claim it (clients.claim()). */
  claim?: boolean
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
}

export type RangeReply =
  | { pass: true }
  /** `head`: the body's first bytes, when held at once (sent with the reply); `body`: the rest. */
  | { pass: false, status: number, headers: Record<string, string>, head?: Uint8Array, body: ReadableStream<Uint8Array> | null }
