// The shim's exports: stand-ins for the WebRTC classes of @roamhq/wrtc (the native module loads
// on their first `new`), or undefined when it is not installed (simple-peer then reports "no WebRTC support").
export const RTCPeerConnection: typeof globalThis.RTCPeerConnection | undefined
export const RTCSessionDescription: typeof globalThis.RTCSessionDescription | undefined
export const RTCIceCandidate: typeof globalThis.RTCIceCandidate | undefined
declare const _default: {
  RTCPeerConnection: typeof RTCPeerConnection
  RTCSessionDescription: typeof RTCSessionDescription
  RTCIceCandidate: typeof RTCIceCandidate
}
export default _default
