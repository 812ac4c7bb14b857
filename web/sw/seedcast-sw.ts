/// <reference lib="webworker" />
import type { PlayerHello, RangeReply, RangeRequest } from '../player/sw-protocol.js'

/*
 * seedcast's service worker: answers the <audio>/<video> element's requests with bytes
 * the page's player has verified (from peers or the web seed), so the element keeps its
 * plain src and every seek is an ordinary Range request. Everything else, and every
 * media request the page does not claim, goes to the network untouched.
 */

declare const self: ServiceWorkerGlobalScope

// Values are written here rather than imported, so the worker stays one file with no shared
// chunk; the type ties the message name to the protocol's.
const RANGE_REQUEST: RangeRequest['type'] = 'seedcast:range'
const PLAYER_HELLO: PlayerHello['type'] = 'seedcast:hello'
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

self.addEventListener('message', event => {
  const source = event.source
  if ((event.data as PlayerHello | undefined)?.type !== PLAYER_HELLO || !source || !('id' in source) || !('postMessage' in source)) return
  playerClients.set(source.id, source)
  // A page this worker does not control (loaded by a hard reload, which bypasses workers)
  // says hello to it directly and asks to be claimed, so it can stream without a reload.
  if ((event.data as PlayerHello).claim) event.waitUntil(self.clients.claim())
})

self.addEventListener('fetch', event => {
  const request = event.request
  if (request.method !== 'GET') return
  if (request.destination !== 'audio' && request.destination !== 'video') return
  if (!event.clientId || !playerClients.has(event.clientId)) return
  event.respondWith(answer(event.clientId, request, performance.timeOrigin + performance.now()))
})

async function answer (clientId: string, request: Request, arrived: number): Promise<Response> {
  // A page that is gone never answers: after askPage's timeout, the network.
  const client = playerClients.get(clientId)
  const reply = client ? await askPage(client, request, arrived) : undefined
  if (!reply || reply.pass) return fetch(request)
  const body = reply.head ? withHead(reply.head, reply.body) : reply.body
  return new Response(body, { status: reply.status, headers: reply.headers })
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

function askPage (client: Client, request: Request, arrived: number): Promise<RangeReply | undefined> {
  return new Promise(resolve => {
    const channel = new MessageChannel()
    // A page that is busy or gone must not hang the element: after the timeout, the network.
    const timer = setTimeout(() => { channel.port1.close(); resolve(undefined) }, PAGE_REPLY_TIMEOUT_MS)
    channel.port1.onmessage = (message: MessageEvent<RangeReply>) => {
      clearTimeout(timer)
      channel.port1.close()
      resolve(message.data)
    }
    const ask: RangeRequest = { type: RANGE_REQUEST, url: request.url, range: request.headers.get('range'), receivedAt: arrived, askedAt: performance.timeOrigin + performance.now() }
    client.postMessage(ask, [channel.port2])
  })
}
