/// <reference lib="webworker" />
import { sha1 } from './sha1.js'
import type { FirstRead, PlayerHello, RangeReply, RangeRequest, WorkerPieces, WorkerRead, WorkerReadCancel } from '../player/sw-protocol.js'

/*
 * seedcast's service worker: answers the <audio>/<video> element's requests with bytes
 * the page's player has verified (from peers or the web seed), so the element keeps its
 * plain src and every seek is an ordinary Range request. Everything else, and every
 * media request the page does not claim, goes to the network untouched. The element's first
 * request of an episode is the exception: its first pieces are read from the web seed and
 * SHA-1 checked here, off the page's thread (FirstRead in sw-protocol.ts).
 */

declare const self: ServiceWorkerGlobalScope

// Values are written here rather than imported, so the worker stays one file with no shared
// chunk; the type ties the message name to the protocol's.
const RANGE_REQUEST: RangeRequest['type'] = 'seedcast:range'
const PLAYER_HELLO: PlayerHello['type'] = 'seedcast:hello'
const WORKER_PIECES: WorkerPieces['type'] = 'seedcast:pieces'
const WORKER_READ: WorkerRead['type'] = 'seedcast:read'
const WORKER_READ_CANCEL: WorkerReadCancel['type'] = 'seedcast:read-cancel'
/** How long the worker waits for the page's answer before it lets the request through. */
const PAGE_REPLY_TIMEOUT_MS = 3_000

/**
 * Everything but the media elements' requests goes straight to the network, without waking
 * this worker (the static routing API, Chromium 123+): the page's web-seed reads, its
 * .torrent and the site's files would otherwise each wait for this thread, which is busy
 * relaying the element, only to be let through. Browsers without it dispatch them here and
 * the fetch handler lets them through, as before.
 */
const NETWORK_UNLESS_MEDIA = [{
  condition: { not: { or: [{ requestDestination: 'audio' }, { requestDestination: 'video' }] } },
  source: 'network'
}]

self.addEventListener('install', event => {
  const routed = event as ExtendableEvent & { addRoutes?: (rules: unknown) => Promise<void> }
  if (typeof routed.addRoutes === 'function') event.waitUntil(routed.addRoutes(NETWORK_UNLESS_MEDIA).catch(() => {}))
  void self.skipWaiting()
})
self.addEventListener('activate', event => { event.waitUntil(self.clients.claim()) })

/**
 * Pages whose player said hello, by client id; any other page (or one from before a restart) is
 * left alone. The Client kept from the hello is asked directly: looking it up again with
 * clients.get for every request is a trip to the browser process (2-10 ms traced at load 10-20,
 * on the way of every seek).
 */
const playerClients = new Map<string, Client>()
/** By client id: media URLs its page plays without the worker (PlayerHello.direct). */
const directUrls = new Map<string, Set<string>>()
/** By client id: the first reads its page offers (by media URL), and the URLs it has had one for (never twice). */
const firstReadOffers = new Map<string, Map<string, FirstRead>>()
const firstReadsDone = new Map<string, Set<string>>()

/** Reads asked by id (for their cancel). */
const readsById = new Map<string, Read>()

self.addEventListener('message', event => {
  const source = event.source
  const hello = event.data as PlayerHello | WorkerRead | WorkerReadCancel | undefined
  if (!source || !('id' in source) || !('postMessage' in source)) return
  if (hello?.type === WORKER_READ) {
    const { id, first, ...offer } = hello
    const read = startRead(source, offer, first, id)
    const key = `${source.id} ${id}`
    readsById.set(key, read)
    setTimeout(() => readsById.delete(key), READ_KEPT_MS)
    return
  }
  if (hello?.type === WORKER_READ_CANCEL) {
    readsById.get(`${source.id} ${hello.id}`)?.abort.abort()
    return
  }
  if (hello?.type !== PLAYER_HELLO) return
  playerClients.set(source.id, source)
  directUrls.set(source.id, new Set(hello.direct ?? []))
  event.ports[0]?.postMessage(true)
  const done = firstReadsDone.get(source.id)
  firstReadOffers.set(source.id, new Map((hello.firstReads ?? []).filter(read => !done?.has(read.url)).map(read => [read.url, read])))
  // A page this worker does not control (loaded by a hard reload, which bypasses workers)
  // says hello to it directly and asks to be claimed, so it can stream without a reload.
  if ((event.data as PlayerHello).claim) event.waitUntil(self.clients.claim())
  for (const heard of helloWaiters.get(source.id) ?? []) heard()
  helloWaiters.delete(source.id)
})

/**
 * A worker just started knows no page: Chromium stops one idle for 30 s, and the element's
 * request then starts it again, racing the hello its page sends at play (and each seek). With
 * the request first, it went to the network unchecked (2 in 10 first plays after a stop, traced
 * with STOP_WORKER=1). So in its first moments the worker waits a little for the hello of an
 * unknown page before it lets that page's media request through.
 */
const JUST_STARTED_MS = 2_000
const HELLO_WAIT_MS = 150
const helloWaiters = new Map<string, Array<() => void>>()

function helloFrom (clientId: string): Promise<boolean> {
  return new Promise(resolve => {
    const timer = setTimeout(() => resolve(false), HELLO_WAIT_MS)
    helloWaiters.set(clientId, [...helloWaiters.get(clientId) ?? [], () => { clearTimeout(timer); resolve(true) }])
  })
}

self.addEventListener('fetch', event => {
  const request = event.request
  if (request.method !== 'GET') return
  if (request.destination !== 'audio' && request.destination !== 'video') return
  if (!event.clientId) return
  const clientId = event.clientId
  const arrived = performance.timeOrigin + performance.now()
  if (directUrls.get(clientId)?.has(request.url)) return
  if (playerClients.has(clientId)) event.respondWith(answer(clientId, request, arrived))
  else if (performance.now() < JUST_STARTED_MS) event.respondWith(helloFrom(clientId).then(heard => heard ? answer(clientId, request, arrived) : fetch(request)))
})

async function answer (clientId: string, request: Request, arrived: number): Promise<Response> {
  // A page that is gone never answers: after askPage's timeout, the network.
  const client = playerClients.get(clientId)
  const first = client && takeFirstRead(clientId, request)
  if (client && first) {
    const { offer, ranged, end } = first
    const count = Math.min(offer.hashes.length / 20, Math.ceil((end + 1) / offer.pieceLength))
    const read = startRead(client, { ...offer, hashes: offer.hashes.subarray(0, count * 20) }, 0)
    return readResponse(client, request, read, 0, end, ranged, arrived)
  }
  const own = client && readFor(clientId, request.url, request.headers.get('range'))
  if (client && own) return readResponse(client, request, own.read, own.start, own.end, true, arrived)
  let reply = client ? await askPage(client, request, arrived) : undefined
  if (client && reply?.pass && reply.read) {
    // The page's seek read came after the request: answer from it (or let the page answer).
    const late = readFor(clientId, request.url, request.headers.get('range'))
    if (late) return readResponse(client, request, late.read, late.start, late.end, true, arrived)
    reply = await askPage(client, request, arrived, request.headers.get('range'), true)
  }
  if (!reply || reply.pass) return fetch(request)
  const body = reply.head ? withHead(reply.head, reply.body) : reply.body
  return new Response(body, { status: reply.status, headers: reply.headers })
}

const now = (): number => performance.timeOrigin + performance.now()
/** Resolves in a later task: a chunk handed to an element's stream reaches it meanwhile. */
const nextTask = (): Promise<void> => new Promise(resolve => setTimeout(resolve, 0))

/**
 * A web-seed read the worker makes itself (the first read of an episode, or a seek's read the
 * page asked for: WorkerRead): its checked pieces, kept for the element's request that starts in
 * them, and passed to the page as they come.
 */
interface Read {
  url: string
  mime: string
  length: number
  pieceLength: number
  first: number
  count: number
  /** Checked pieces, from `first`. */
  pieces: Uint8Array[]
  /** No more pieces will come (all read, a wrong piece, an HTTP error, or stopped). */
  ended: boolean
  abort: AbortController
  wake: Set<() => void>
  /** The first piece (from `first`) an element's request waits for, if one does. */
  awaited?: number
}

/** By client id and media URL: the latest read of that page's episode. */
const reads = new Map<string, Map<string, Read>>()
/** A read no request used is dropped after this (its pieces are the page's anyway). */
const READ_KEPT_MS = 10_000

function startRead (client: Client, offer: FirstRead, first: number, id?: number): Read {
  const { url, pieceLength, length, hashes, mime } = offer
  const read: Read = { url, mime, length, pieceLength, first, count: hashes.length / 20, pieces: [], ended: false, abort: new AbortController(), wake: new Set() }
  const byUrl = reads.get(client.id) ?? new Map<string, Read>()
  reads.set(client.id, byUrl)
  byUrl.get(url)?.abort.abort()
  byUrl.set(url, read)
  setTimeout(() => { read.abort.abort(); if (byUrl.get(url) === read) byUrl.delete(url) }, READ_KEPT_MS)
  void runRead(client, read, hashes, id)
  return read
}

function changed (read: Read): void {
  read.awaited = undefined
  for (const wake of read.wake) wake()
  read.wake.clear()
}

/** Resolves once piece `index` (from the read's first) is in, or the read ended. */
function pieceCame (read: Read, index: number): Promise<void> {
  read.awaited = Math.min(read.awaited ?? index, index)
  return new Promise(resolve => read.wake.add(resolve))
}

async function runRead (client: Client, read: Read, hashes: Uint8Array, id: number | undefined): Promise<void> {
  const { url, pieceLength, length, first, count, abort: { signal } } = read
  const pieceSize = (index: number): number => Math.min(pieceLength, length - index * pieceLength)
  const startedAt = now()
  let headersAt: number | undefined
  let failed = false
  const send = (pieces: Uint8Array[], from: number): void => {
    const message: WorkerPieces = { type: WORKER_PIECES, url, first: first + from, pieces, failed, startedAt, headersAt, ...(id === undefined ? {} : { id }) }
    client.postMessage(message)
  }
  signal.addEventListener('abort', () => { read.ended = true; changed(read) })
  try {
    const start = first * pieceLength
    const response = await fetch(url, { headers: { Range: `bytes=${start}-${Math.min(length, (first + count) * pieceLength) - 1}` }, cache: 'no-store', signal })
    headersAt = now()
    // A server that ignores Range answers 200 with the whole file: usable from byte 0 only.
    if (!response.body || !(response.status === 206 || (response.status === 200 && start === 0))) throw new Error(`HTTP ${response.status}`)
    const reader = response.body.getReader()
    let buffer = new Uint8Array(pieceSize(first))
    let filled = 0
    while (read.pieces.length < count && !failed) {
      const { done, value } = await reader.read()
      if (done) break
      const complete: Uint8Array[] = []
      for (let offset = 0; offset < value.length && read.pieces.length + complete.length < count;) {
        const take = Math.min(buffer.length - filled, value.length - offset)
        buffer.set(value.subarray(offset, offset + take), filled)
        filled += take
        offset += take
        if (filled === buffer.length) {
          complete.push(buffer)
          filled = 0
          if (read.pieces.length + complete.length < count) buffer = new Uint8Array(pieceSize(first + read.pieces.length + complete.length))
        }
      }
      if (!complete.length) continue
      // Checked one by one on this thread (see sha1.ts); the piece an element's request waits
      // for (a seek's starts a piece or two into the read) goes to it before the rest are.
      const from = read.pieces.length
      for (const [i, piece] of complete.entries()) {
        if (!pieceMatches(hashes, from + i, piece)) { failed = true; break }
        read.pieces.push(piece)
        if (read.awaited !== undefined && read.awaited < read.pieces.length) {
          changed(read)
          await nextTask()
          if (signal.aborted) break
        }
      }
      changed(read)
      // The page gets a copy (posted without transfer), once the element had its piece.
      if (read.pieces.length > from) send(read.pieces.slice(from), from)
      if (signal.aborted) break
    }
    if (read.pieces.length < count) void reader.cancel()
    if (read.pieces.length < count && !signal.aborted) failed = true
  } catch {
    if (!signal.aborted) failed = true
  }
  read.ended = true
  changed(read)
  // Short (a wrong piece, an HTTP error, or stopped): the page reads from there if it wants.
  if (failed || read.pieces.length < count) {
    failed = true
    send([], read.pieces.length)
  }
}

interface FirstRequest { offer: FirstRead, ranged: boolean, end: number }

/** The first read the page offered for this request, if it asks for the file from byte 0 (and the offer is used up). */
function takeFirstRead (clientId: string, request: Request): FirstRequest | undefined {
  const offer = firstReadOffers.get(clientId)?.get(request.url)
  const range = request.headers.get('range')
  const match = range === null ? undefined : /^bytes=0-(\d*)$/.exec(range.trim())
  if (!offer || (range !== null && !match)) return undefined
  firstReadOffers.get(clientId)!.delete(request.url)
  const done = firstReadsDone.get(clientId) ?? new Set<string>()
  firstReadsDone.set(clientId, done.add(request.url))
  const last = offer.length - 1
  return { offer, ranged: range !== null, end: match?.[1] ? Math.min(last, Number(match[1])) : last }
}

/** The worker's read of this page that holds (or is reading) the byte the request starts at, and the request's range. */
function readFor (clientId: string, url: string, range: string | null): { read: Read, start: number, end: number } | undefined {
  const read = reads.get(clientId)?.get(url)
  const match = /^bytes=(\d+)-(\d*)$/.exec(range?.trim() ?? '')
  if (!read || !match) return undefined
  const start = Number(match[1])
  const end = match[2] ? Math.min(read.length - 1, Number(match[2])) : read.length - 1
  const index = Math.floor(start / read.pieceLength) - read.first
  if (start > end || index < 0 || index >= read.count || (read.ended && index >= read.pieces.length)) return undefined
  return { read, start, end }
}

/**
 * A request answered from the worker's read (see Read): its pieces from byte `start`, each
 * handed over once checked, then what the page answers for the rest (from the first byte the
 * read does not hold: all of it used, or a wrong piece, or an HTTP error).
 */
function readResponse (client: Client, request: Request, read: Read, start: number, end: number, ranged: boolean, arrived: number): Response {
  const headers: Record<string, string> = { 'Content-Type': read.mime, 'Accept-Ranges': 'bytes', 'Cache-Control': 'no-store', 'Content-Length': String(end - start + 1) }
  if (ranged) headers['Content-Range'] = `bytes ${start}-${end}/${read.length}`
  const abort = new AbortController()
  const parts = readParts(client, request, read, start, end, arrived, abort.signal)
  const body = new ReadableStream<Uint8Array>({
    async pull (controller) {
      const next = await parts.next()
      if (abort.signal.aborted) return
      if (next.done) controller.close()
      else controller.enqueue(next.value)
    },
    cancel (reason) { abort.abort(reason) }
  }, { highWaterMark: 0 })
  return new Response(body, { status: ranged ? 206 : 200, headers })
}

async function * readParts (client: Client, request: Request, read: Read, start: number, end: number, arrived: number, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  const { pieceLength, first } = read
  let position = start
  while (position <= end && !signal.aborted) {
    const index = Math.floor(position / pieceLength) - first
    if (index >= read.count) break
    if (index >= read.pieces.length) {
      if (read.ended) break
      await pieceCame(read, index)
      continue
    }
    const parts: Uint8Array[] = []
    for (let i = index; i < read.pieces.length; i++) parts.push(read.pieces[i]!)
    const skip = position - (first + index) * pieceLength
    const size = Math.min(end + 1 - position, parts.reduce((sum, part) => sum + part.length, 0) - skip)
    const chunk = join(parts, size + skip).subarray(skip)
    const handed: WorkerPieces = { type: WORKER_PIECES, url: read.url, first: first + index, pieces: [], startedAt: now(), receivedAt: arrived, delivered: Math.ceil((position + chunk.length) / pieceLength) - first - index }
    client.postMessage(handed)
    position += chunk.length
    yield chunk
  }
  if (signal.aborted || position > end) return
  // The rest, from the page (or, when it lets it through, the network).
  const range = `bytes=${position}-${end}`
  let reply = await askPage(client, request, arrived, range)
  if (reply?.pass && reply.read) {
    const next = readFor(client.id, read.url, range)
    if (next && next.read !== read) {
      yield * readParts(client, request, next.read, position, end, arrived, signal)
      return
    }
    reply = await askPage(client, request, arrived, range, true)
  }
  if (signal.aborted) return
  if (reply && !reply.pass && reply.head) yield reply.head
  const rest = !reply || reply.pass ? (await fetch(read.url, { headers: { Range: `bytes=${position}-${end}` }, signal })).body : reply.body
  const reader = rest?.getReader()
  if (!reader) return
  signal.addEventListener('abort', () => { void reader.cancel() })
  for (;;) {
    const { done, value } = await reader.read()
    if (done || signal.aborted) return
    yield value
  }
}

/** `parts` as one buffer of `size` bytes (the last part cut). */
function join (parts: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size)
  let at = 0
  for (const part of parts) {
    if (at >= size) break
    const piece = part.subarray(0, size - at)
    out.set(piece, at)
    at += piece.length
  }
  return out
}

/** True when `data` is piece `index` of the hashes (SHA-1, as the page checks it: web/player/verify.ts). */
function pieceMatches (hashes: Uint8Array, index: number, data: Uint8Array): boolean {
  const digest = sha1(data)
  for (let i = 0; i < 20; i++) if (digest[i] !== hashes[index * 20 + i]) return false
  return true
}

/** `head`, then whatever `rest` brings (read from the page only when the element wants more). */
function withHead (head: Uint8Array, rest: ReadableStream<Uint8Array> | null): ReadableStream<Uint8Array> {
  const reader = rest?.getReader()
  return new ReadableStream<Uint8Array>({
    start (controller) { controller.enqueue(head) },
    async pull (controller) {
      const next = reader ? await reader.read() : { done: true as const }
      if (next.done) controller.close()
      else controller.enqueue(next.value)
    },
    cancel (reason) { return reader?.cancel(reason) }
  }, { highWaterMark: 0 })
}

/** `range`: the Range asked of the page, when not the request's own. */
function askPage (client: Client, request: Request, arrived: number, range = request.headers.get('range'), noRead = false): Promise<RangeReply | undefined> {
  return new Promise(resolve => {
    const channel = new MessageChannel()
    // A page that is busy or gone must not hang the element: after the timeout, the network.
    const timer = setTimeout(() => { channel.port1.close(); resolve(undefined) }, PAGE_REPLY_TIMEOUT_MS)
    channel.port1.onmessage = (message: MessageEvent<RangeReply>) => {
      clearTimeout(timer)
      channel.port1.close()
      resolve(message.data)
    }
    const ask: RangeRequest = { type: RANGE_REQUEST, url: request.url, range, receivedAt: arrived, askedAt: performance.timeOrigin + performance.now(), ...(noRead ? { noRead } : {}) }
    client.postMessage(ask, [channel.port2])
  })
}
