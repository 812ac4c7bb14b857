import { formatBytes } from './format.js'

/** The counters the player's stats line shows (a part of EngineStats). */
export interface StatsLineView {
  peers: number
  fromPeers: number
  fromHttp: number
  sharing: boolean
  /** Peers this tab uploads to or that want pieces (see listeners.ts). */
  listeners: number
  /** Bytes a second to those listeners. */
  uploadSpeed: number
  rejected: number
  rejectedFromPeers: number
}

/**
 * The counters as one line. An upload speed is shown only beside the listeners it goes to:
 * with none, the line says the tab is ready to share, never "0 listeners · upload 200 B/s".
 */
export function statsText (s: StatsLineView): string {
  const parts = [
    `${s.peers} ${s.peers === 1 ? 'peer' : 'peers'}`,
    `${formatBytes(s.fromPeers)} from peers, ${formatBytes(s.fromHttp)} from the server`
  ]
  if (!s.sharing) parts.push('not sharing')
  else if (s.listeners === 0) parts.push('sharing, no listener right now')
  else parts.push(`sharing with ${s.listeners} ${s.listeners === 1 ? 'listener' : 'listeners'} at ${formatBytes(Math.round(s.uploadSpeed))}/s`)
  if (s.rejected) parts.push(`${s.rejected} bad ${s.rejected === 1 ? 'piece' : 'pieces'} from the server discarded`)
  if (s.rejectedFromPeers) parts.push(`${s.rejectedFromPeers} bad ${s.rejectedFromPeers === 1 ? 'piece' : 'pieces'} from peers discarded`)
  return parts.join(' · ')
}
