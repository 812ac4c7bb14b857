/**
 * Whether this browser can stream from peers: a service worker to answer the element, WebRTC
 * to reach peers, WebCrypto SHA-1 to check pieces, and streams that can be handed to the
 * worker. The player keeps pieces in memory, so OPFS is not needed. Without all of these
 * (old iOS Safari, in-app WebViews, plain http: origins) the plain element plays from the server.
 */
export function missingFeature (): string | undefined {
  if (!window.isSecureContext) return 'a secure (https) page'
  if (!('serviceWorker' in navigator)) return 'service workers'
  if (typeof RTCPeerConnection !== 'function') return 'WebRTC'
  if (!crypto?.subtle) return 'WebCrypto'
  if (!transferableStreams()) return 'transferable streams'
  return undefined
}

function transferableStreams (): boolean {
  try {
    const stream = new ReadableStream()
    const channel = new MessageChannel()
    channel.port1.postMessage(stream, [stream as unknown as Transferable])
    channel.port1.close()
    return true
  } catch {
    return false
  }
}
