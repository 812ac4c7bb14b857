// The shim's exports: the WebRTC classes of @roamhq/wrtc, or undefined when its native
// binary cannot load (simple-peer then reports "no WebRTC support").
export const RTCPeerConnection: typeof globalThis.RTCPeerConnection | undefined
export const RTCSessionDescription: typeof globalThis.RTCSessionDescription | undefined
export const RTCIceCandidate: typeof globalThis.RTCIceCandidate | undefined
declare const _default: {
  RTCPeerConnection: typeof RTCPeerConnection
  RTCSessionDescription: typeof RTCSessionDescription
  RTCIceCandidate: typeof RTCIceCandidate
}
export default _default
