// The browser bundle shipped in the webtorrent package; only what the player touches is typed.
declare module 'webtorrent/dist/webtorrent.min.js' {
  const WebTorrent: new (options?: Record<string, unknown>) => BrowserClient
  export default WebTorrent
}

interface BrowserWire {
  peerPieces: { get: (index: number) => boolean }
  peerInterested: boolean
  uploadSpeed: () => number
  isSeeder: boolean
  have: (index: number) => void
  once: (event: string, listener: (...args: any[]) => void) => void
}

interface BrowserTorrent {
  ready: boolean
  destroyed: boolean
  wires: BrowserWire[]
  numPeers: number
  uploaded: number
  downloaded: number
  uploadSpeed: number
  bitfield: { get: (index: number) => boolean }
  pieces: unknown[]
  discovery?: { tracker?: { _trackers?: object[], update: () => void } }
  critical: (start: number, end: number) => void
  select: (start: number, end: number) => void
  deselect: (start: number, end: number) => void
  on: (event: string, listener: (...args: any[]) => void) => void
  once: (event: string, listener: (...args: any[]) => void) => void
  _markVerified: (index: number) => void
  _checkDone: () => void
  _update: () => void
}

interface BrowserClient {
  add: (torrent: Uint8Array, options: Record<string, unknown>) => BrowserTorrent
  destroy: (callback?: (err?: Error) => void) => void
  on: (event: string, listener: (...args: any[]) => void) => void
}
