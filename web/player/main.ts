import './player.css'
import { EpisodePlayer } from './episode-player.js'
import { PLAYER_HELLO, RANGE_REQUEST, type PlayerHello, type RangeReply, type RangeRequest } from './sw-protocol.js'
import { missingFeature } from './support.js'
import { trace } from './trace.js'

/*
 * Entry of the show pages' player (contract A): enhances every [data-seedcast-player]
 * element. Small on purpose: WebTorrent is a separate chunk loaded on first play.
 */

/** How long to wait for a newly installed worker to take control of the page. */
const CONTROLLER_TIMEOUT_MS = 10_000

declare global {
  interface Window {
    /** Optional RTCConfiguration (e.g. ICE servers) set by the host page before the player loads. */
    seedcastRtcConfig?: RTCConfiguration
    /** The page's players, for diagnostics. */
    seedcast?: { players: EpisodePlayer[] }
  }
}

async function start (): Promise<void> {
  const elements = [...document.querySelectorAll<HTMLMediaElement>('audio[data-seedcast-player], video[data-seedcast-player]')]
  if (!elements.length) return
  const players = elements.map(media => new EpisodePlayer(media, window.seedcastRtcConfig))
  window.seedcast = { players }

  const missing = missingFeature()
  if (missing) {
    for (const player of players) player.plainOnly(`Playing from the server: this browser lacks ${missing} for peer-to-peer.`)
    return
  }
  try {
    await takeControl(players)
  } catch (error) {
    for (const player of players) player.plainOnly(`Playing from the server: the service worker could not start (${String(error)}).`)
    return
  }
  // One or two players (an episode page): its .torrent is worth reading before play.
  for (const player of players) player.enableStreaming(players.length <= 2)
}

async function takeControl (players: EpisodePlayer[]): Promise<void> {
  const root = new URL(document.documentElement.dataset.seedcastRoot ?? './', document.baseURI)
  const container = navigator.serviceWorker
  container.addEventListener('message', (event: MessageEvent<RangeRequest>) => {
    const port = event.ports[0]
    if (event.data?.type !== RANGE_REQUEST || !port) return
    trace('worker-asks', { range: event.data.range, receivedAt: event.data.receivedAt, askedAt: event.data.askedAt })
    const player = players.find(p => p.mediaUrl === event.data.url)
    const reply: Promise<RangeReply> = player ? player.answer(event.data.range) : Promise.resolve({ pass: true })
    void reply.catch((): RangeReply => ({ pass: true })).then(answer => {
      trace('reply-sent', event.data.range)
      const transfer: Transferable[] = []
      if (!answer.pass && answer.body) transfer.push(answer.body as unknown as Transferable)
      if (!answer.pass && answer.head) transfer.push(answer.head.buffer as ArrayBuffer)
      port.postMessage(answer, transfer)
    })
  })
  container.startMessages()
  await container.register(new URL('seedcast-sw.js', root), { scope: root.pathname })
  if (!container.controller) {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('it did not take control in time')), CONTROLLER_TIMEOUT_MS)
      container.addEventListener('controllerchange', () => { clearTimeout(timer); resolve() }, { once: true })
    })
  }
  // The worker relays only for pages that said hello, and forgets them when it is restarted
  // after idling: saying it again before each play or seek keeps it told.
  const hello = (): void => container.controller?.postMessage({ type: PLAYER_HELLO } satisfies PlayerHello)
  hello()
  for (const player of players) {
    for (const event of ['play', 'seeking']) player.media.addEventListener(event, hello)
  }
}

void start()
