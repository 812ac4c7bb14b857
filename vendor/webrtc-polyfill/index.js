// Only @thaunknown/simple-peer imports this package, and only these three names.
// When @roamhq/wrtc is not installed for this platform the names are undefined, which
// simple-peer reads as "this runtime has no WebRTC": webtorrent then keeps working over
// TCP, uTP and web seeds instead of crashing on import.
//
// The native module is loaded on the first `new` of one of these classes, not on import:
// importing webtorrent must not map libwebrtc (about 20 MiB of RSS and its threads) into
// a process that never makes a WebRTC connection. seedcast's seeder runs its WebRTC peers
// in a child process (src/swarm/webrtc/) and must never load it itself.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

/** True when @roamhq/wrtc and its prebuilt binary for this platform are installed (nothing is loaded). */
function installed () {
  try {
    const main = require.resolve('@roamhq/wrtc')
    createRequire(main).resolve(`@roamhq/wrtc-${process.platform}-${process.arch}`)
    return true
  } catch {
    return false
  }
}

let wrtc
function native () {
  wrtc ??= require('@roamhq/wrtc')
  return wrtc
}

/** A stand-in constructor: `new` on it loads the native module and returns its instance. */
function lazyClass (name) {
  const Lazy = function (...args) { return new (native()[name])(...args) }
  Object.defineProperty(Lazy, 'name', { value: name })
  return Lazy
}

const present = installed()

export const RTCPeerConnection = present ? lazyClass('RTCPeerConnection') : undefined
export const RTCSessionDescription = present ? lazyClass('RTCSessionDescription') : undefined
export const RTCIceCandidate = present ? lazyClass('RTCIceCandidate') : undefined
export default { RTCPeerConnection, RTCSessionDescription, RTCIceCandidate }
