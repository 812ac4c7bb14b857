import type { EventEmitter } from 'node:events'
import type { Wire } from 'webtorrent'

/*
 * A WebRTC peer that vanishes without closing (killed, or a browser tab that lost its
 * network) sends nothing more: ICE moves to "disconnected" after a few seconds of missing
 * consent checks, and simple-peer only drops the peer when ICE reaches "failed". Under load
 * the native stack was seen to take more than a minute for that, or to stay "disconnected",
 * so a seed box kept dead peers (and their connection slots) around. A peer that stays
 * "disconnected" for DISCONNECTED_GRACE_MS is dropped here; one that recovers is kept.
 */
export const DISCONNECTED_GRACE_MS = 5_000

interface WebRtcConn extends EventEmitter { destroyed?: boolean, destroy: (err?: Error) => void }

/**
 * Drops `wire`'s WebRTC connection `conn` (the simple-peer object under it, found by
 * webtorrent-internals.ts) once its ICE state stays "disconnected" too long.
 */
export function dropStalledWebRtcPeer (wire: Wire, conn: unknown, graceMs = DISCONNECTED_GRACE_MS): void {
  if (wire.type !== 'webrtc' || !isWebRtcConn(conn)) return
  let timer: NodeJS.Timeout | undefined
  const clear = () => { if (timer) clearTimeout(timer); timer = undefined }
  const onIceState = (state: string) => {
    if (state !== 'disconnected') return clear()
    timer ??= setTimeout(() => {
      timer = undefined
      if (!conn.destroyed) conn.destroy(new Error(`WebRTC peer unreachable for ${graceMs / 1000} s`))
    }, graceMs)
    timer.unref()
  }
  conn.on('iceStateChange', onIceState)
  wire.once('close', () => { clear(); conn.removeListener('iceStateChange', onIceState) })
}

function isWebRtcConn (conn: unknown): conn is WebRtcConn {
  return typeof conn === 'object' && conn !== null && typeof (conn as EventEmitter).on === 'function' && typeof (conn as WebRtcConn).destroy === 'function'
}
