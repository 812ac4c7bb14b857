// Only @thaunknown/simple-peer imports this package, and only these three names.
// When @roamhq/wrtc cannot load (no prebuilt binary for this platform) the names are
// undefined, which simple-peer reads as "this runtime has no WebRTC": webtorrent then
// keeps working over TCP, uTP and web seeds instead of crashing on import.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

function loadWrtc () {
  try {
    return require('@roamhq/wrtc')
  } catch {
    return {}
  }
}

const wrtc = loadWrtc()

export const RTCPeerConnection = wrtc.RTCPeerConnection
export const RTCSessionDescription = wrtc.RTCSessionDescription
export const RTCIceCandidate = wrtc.RTCIceCandidate
export default { RTCPeerConnection, RTCSessionDescription, RTCIceCandidate }
