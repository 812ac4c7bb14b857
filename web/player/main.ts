import './player.css'
import { EpisodePlayer } from './episode-player.js'
import { oneAtATime } from './one-at-a-time.js'
import { PLAYER_HELLO, RANGE_REQUEST, WORKER_PIECES, type PlayerHello, type RangeReply, type RangeRequest, type WorkerPieces } from './sw-protocol.js'
import { missingFeature } from './support.js'
import { trace } from './trace.js'

/*
 * Entry of the show pages' player (contract A): enhances every [data-seedcast-player]
 * element. Small on purpose: WebTorrent is a separate chunk loaded on first play.
 */

/**
 * The last resort when a worker neither takes control nor fails (an install that hangs): every
 * failure the browser reports (register refused or doing nothing, the worker turned redundant)
 * ends the wait at once, so this only bounds the unexpected.
 */
const CONTROLLER_TIMEOUT_MS = 10_000
/** Bound on the worker's answer to a hello that asks for one (a worker that died answers nothing). */
const HELLO_ACK_TIMEOUT_MS = 2_000

declare global {
  interface Window {
    /** Optional RTCConfiguration (e.g. ICE servers) set by the host page before the player loads. */
    seedcastRtcConfig?: RTCConfiguration
    /** Optional bound in bytes of each player's in-memory piece store (engine.ts DEFAULT_MAX_STORE_BYTES). */
    seedcastMaxStoreBytes?: number
    /** The page's players, for diagnostics. */
    seedcast?: { players: EpisodePlayer[] }
  }
}

async function start (): Promise<void> {
  const elements = [...document.querySelectorAll<HTMLMediaElement>('audio[data-seedcast-player], video[data-seedcast-player]')]
  if (!elements.length) return
  // Several episodes (the show page): each panel shows once its episode plays.
  const players = elements.map(media => new EpisodePlayer(media, window.seedcastRtcConfig, elements.length > 1))
  window.seedcast = { players }
  oneAtATime(elements)

  const missing = missingFeature()
  if (missing) {
    for (const player of players) player.plainOnly(`Playing from the server: this browser lacks ${missing} for peer-to-peer.`)
    return
  }
  try {
    await takeControl(players)
  } catch (error) {
    for (const player of players) player.plainOnly(`Playing from the server: the service worker could not start (${error instanceof Error ? error.message : String(error)}).`)
    return
  }
  // One or two players (an episode page): its .torrent is worth reading before play.
  for (const player of players) player.enableStreaming(players.length <= 2)
}

async function takeControl (players: EpisodePlayer[]): Promise<void> {
  const root = new URL(document.documentElement.dataset.seedcastRoot ?? './', document.baseURI)
  const container = navigator.serviceWorker
  const relay = (event: MessageEvent<RangeRequest>): void => {
    const port = event.ports[0]
    if (event.data?.type !== RANGE_REQUEST || !port) return
    trace('worker-asks', { range: event.data.range, receivedAt: event.data.receivedAt, askedAt: event.data.askedAt })
    const player = players.find(p => p.mediaUrl === event.data.url)
    const reply: Promise<RangeReply> = player ? player.answer(event.data.range, event.data.receivedAt, event.data.noRead) : Promise.resolve({ pass: true })
    void reply.catch((): RangeReply => ({ pass: true })).then(answer => {
      trace('reply-sent', event.data.range)
      const transfer: Transferable[] = []
      if (!answer.pass && answer.body) transfer.push(answer.body as unknown as Transferable)
      if (!answer.pass && answer.head) transfer.push(answer.head.buffer as ArrayBuffer)
      port.postMessage(answer, transfer)
    })
  }
  container.addEventListener('message', (event: MessageEvent<RangeRequest | WorkerPieces>) => {
    const pieces = event.data
    if (pieces?.type === WORKER_PIECES) {
      players.find(p => p.mediaUrl === pieces.url)?.takeWorkerPieces(pieces)
      return
    }
    relay(event as MessageEvent<RangeRequest>)
  })
  container.startMessages()
  const registration: unknown = await container.register(new URL('seedcast-sw.js', root), { scope: root.pathname })
  if (!container.controller) await controlled(container, registration)
  // The worker relays only for pages that said hello, and forgets them when it is restarted
  // after idling: saying it again before each play or seek keeps it told. Each hello offers
  // the worker the first reads it may do (see FirstRead), so the one after a .torrent is read too.
  const hello = (port?: MessagePort): void => {
    const firstReads = players.flatMap(player => player.firstRead() ?? [])
    const direct = players.filter(player => player.state === 'fallback').map(player => player.mediaUrl)
    const message: PlayerHello = { type: PLAYER_HELLO, ...(firstReads.length ? { firstReads } : {}), ...(direct.length ? { direct } : {}) }
    container.controller?.postMessage(message, port ? [port] : [])
  }
  hello()
  for (const player of players) {
    player.onTorrentRead = () => hello()
    // Resolves once the worker has taken in the hello (or at once without a worker).
    player.tellWorker = () => new Promise(resolve => {
      if (!container.controller) { resolve(); return }
      const channel = new MessageChannel()
      const timer = setTimeout(resolve, HELLO_ACK_TIMEOUT_MS)
      channel.port1.onmessage = () => { clearTimeout(timer); channel.port1.close(); resolve() }
      hello(channel.port2)
    })
    player.toWorker = message => {
      const worker = container.controller
      worker?.postMessage(message)
      return worker !== null
    }
    for (const event of ['play', 'seeking']) player.media.addEventListener(event, () => hello())
  }
}

/**
 * Resolves when the worker controls the page; rejects as soon as it cannot: no registration
 * (a browser or an extension that blocks workers may answer register() with nothing), or its
 * worker turned redundant (its script failed, or its install). A worker already active that
 * did not claim this page (a hard reload bypasses the worker) is asked to claim it.
 */
function controlled (container: ServiceWorkerContainer, registration: unknown): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (!(registration instanceof ServiceWorkerRegistration)) {
      reject(new Error('the browser did not register it'))
      return
    }
    const worker = registration.installing ?? registration.waiting ?? registration.active
    if (!worker) {
      reject(new Error('its worker failed to install'))
      return
    }
    const end = (error?: Error): void => {
      clearTimeout(timer)
      worker.removeEventListener('statechange', onState)
      if (error) reject(error)
      else resolve()
    }
    const onState = (): void => { if (worker.state === 'redundant') end(new Error('its worker failed to install')) }
    const timer = setTimeout(() => end(new Error('it did not take control in time')), CONTROLLER_TIMEOUT_MS)
    container.addEventListener('controllerchange', () => end(), { once: true })
    worker.addEventListener('statechange', onState)
    onState()
    if (worker === registration.active && worker.state === 'activated') worker.postMessage({ type: PLAYER_HELLO, claim: true } satisfies PlayerHello)
  })
}

void start()
