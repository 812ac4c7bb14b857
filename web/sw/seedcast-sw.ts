/// <reference lib="webworker" />
import type { FirstRead, PlayerHello, RangeReply, RangeRequest, WorkerPieces } from '../player/sw-protocol.js'

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
/** By client id: the first reads its page offers (by media URL), and the URLs it has had one for (never twice). */
const firstReadOffers = new Map<string, Map<string, FirstRead>>()
const firstReadsDone = new Map<string, Set<string>>()

self.addEventListener('message', event => {
  const source = event.source
  const hello = event.data as PlayerHello | undefined
  if (hello?.type !== PLAYER_HELLO || !source || !('id' in source) || !('postMessage' in source)) return
  playerClients.set(source.id, source)
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
  if (playerClients.has(clientId)) event.respondWith(answer(clientId, request, arrived))
  else if (performance.now() < JUST_STARTED_MS) event.respondWith(helloFrom(clientId).then(heard => heard ? answer(clientId, request, arrived) : fetch(request)))
})

async function answer (clientId: string, request: Request, arrived: number): Promise<Response> {
  // A page that is gone never answers: after askPage's timeout, the network.
  const client = playerClients.get(clientId)
  const first = client && takeFirstRead(clientId, request)
  if (client && first) return firstReadResponse(client, request, first, arrived)
  const reply = client ? await askPage(client, request, arrived) : undefined
  if (!reply || reply.pass) return fetch(request)
  const body = reply.head ? withHead(reply.head, reply.body) : reply.body
  return new Response(body, { status: reply.status, headers: reply.headers })
}

const now = (): number => performance.timeOrigin + performance.now()

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

/**
 * The element's first request, answered with the pieces the worker reads from the web seed
 * (see FirstRead), each checked against its SHA-1 before it is handed over, then with what
 * the page answers for the rest (from the first piece the worker did not hand over: all of
 * them read, or a wrong one, or an HTTP error). Pieces handed over go to the page too.
 */
function firstReadResponse (client: Client, request: Request, first: FirstRequest, arrived: number): Response {
  const { offer, ranged, end } = first
  const headers: Record<string, string> = { 'Content-Type': offer.mime, 'Accept-Ranges': 'bytes', 'Cache-Control': 'no-store', 'Content-Length': String(end + 1) }
  if (ranged) headers['Content-Range'] = `bytes 0-${end}/${offer.length}`
  const abort = new AbortController()
  const parts = firstReadParts(client, request, first, arrived, abort.signal)
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

async function * firstReadParts (client: Client, request: Request, first: FirstRequest, arrived: number, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  const { offer, end } = first
  const { url, pieceLength, length } = offer
  const count = Math.min(offer.hashes.length / 20, Math.ceil((end + 1) / pieceLength))
  const pieceSize = (index: number): number => Math.min(pieceLength, length - index * pieceLength)
  const startedAt = now()
  let headersAt: number | undefined
  let next = 0
  let failed = false
  const send = (pieces: Uint8Array[], from: number): void => {
    const message: WorkerPieces = { type: WORKER_PIECES, url, first: from, pieces, failed, startedAt, headersAt }
    client.postMessage(message, pieces.map(piece => piece.buffer as ArrayBuffer))
  }
  try {
    const response = await fetch(url, { headers: { Range: `bytes=0-${Math.min(length, count * pieceLength) - 1}` }, cache: 'no-store', signal })
    headersAt = now()
    // A server that ignores Range answers 200 with the whole file: as usable, from byte 0.
    if (!response.body || (response.status !== 206 && response.status !== 200)) throw new Error(`HTTP ${response.status}`)
    const reader = response.body.getReader()
    let buffer = new Uint8Array(pieceSize(0))
    let filled = 0
    while (next < count && !failed) {
      const { done, value } = await reader.read()
      if (done) break
      const complete: Uint8Array[] = []
      for (let offset = 0; offset < value.length && next + complete.length < count;) {
        const take = Math.min(buffer.length - filled, value.length - offset)
        buffer.set(value.subarray(offset, offset + take), filled)
        filled += take
        offset += take
        if (filled === buffer.length) {
          complete.push(buffer)
          filled = 0
          if (next + complete.length < count) buffer = new Uint8Array(pieceSize(next + complete.length))
        }
      }
      if (!complete.length) continue
      const checks = await Promise.all(complete.map((piece, i) => pieceMatches(offer.hashes, next + i, piece)))
      const good = checks.indexOf(false) < 0 ? complete.length : checks.indexOf(false)
      failed = good < complete.length
      if (signal.aborted) break
      if (good) {
        // The element gets one copy, the page the pieces themselves.
        const chunk = join(complete.slice(0, good), Math.min(good * pieceLength, end + 1 - next * pieceLength))
        send(complete.slice(0, good), next)
        next += good
        yield chunk
      }
    }
    if (next < count) void reader.cancel()
    if (next < count && !signal.aborted) failed = true
  } catch {
    failed = true
  }
  if (signal.aborted) return
  if (failed) send([], next)
  const from = next * pieceLength
  if (from > end) return
  // The rest, from the page (or, when it lets it through, the network).
  const reply = await askPage(client, request, arrived, `bytes=${from}-${end}`)
  if (signal.aborted) return
  if (reply && !reply.pass && reply.head) yield reply.head
  const rest = !reply || reply.pass ? (await fetch(url, { headers: { Range: `bytes=${from}-${end}` }, signal })).body : reply.body
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

/** True when `data` is piece `index` of the hashes (SHA-1, WebCrypto), as the page checks it (web/player/verify.ts). */
async function pieceMatches (hashes: Uint8Array, index: number, data: Uint8Array): Promise<boolean> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-1', data as Uint8Array<ArrayBuffer>))
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
function askPage (client: Client, request: Request, arrived: number, range = request.headers.get('range')): Promise<RangeReply | undefined> {
  return new Promise(resolve => {
    const channel = new MessageChannel()
    // A page that is busy or gone must not hang the element: after the timeout, the network.
    const timer = setTimeout(() => { channel.port1.close(); resolve(undefined) }, PAGE_REPLY_TIMEOUT_MS)
    channel.port1.onmessage = (message: MessageEvent<RangeReply>) => {
      clearTimeout(timer)
      channel.port1.close()
      resolve(message.data)
    }
    const ask: RangeRequest = { type: RANGE_REQUEST, url: request.url, range, receivedAt: arrived, askedAt: performance.timeOrigin + performance.now() }
    client.postMessage(ask, [channel.port2])
  })
}
