// Ambient types for the parts of the WebTorrent 3 stack seedcast uses. Neither
// webtorrent 3 nor bittorrent-tracker ships type definitions, and @types/webtorrent
// describes the 1.x API. Only what src/ and the tests touch is declared; private
// members that seedcast patches or reads on purpose are marked as such.

declare module 'webtorrent' {
  import { EventEmitter } from 'node:events'

  export interface WebTorrentOptions {
    peerId?: string
    nodeId?: string
    maxConns?: number
    torrentPort?: number
    dhtPort?: number
    /** false, or options for bittorrent-tracker's Client (rtcConfig, wrtc, announce...). */
    tracker?: false | { rtcConfig?: unknown, wrtc?: unknown, announce?: string[], [key: string]: unknown }
    dht?: boolean | Record<string, unknown>
    lsd?: boolean
    utPex?: boolean
    utp?: boolean
    natUpnp?: boolean | 'permanent'
    natPmp?: boolean
    webSeeds?: boolean
    seedOutgoingConnections?: boolean
    downloadLimit?: number
    uploadLimit?: number
    blocklist?: string | string[] | Array<{ start: string, end: string }>
    secure?: number
  }

  export interface TorrentOptions {
    announce?: string[]
    path?: string
    skipVerify?: boolean
    /** Pieces already verified (a bitfield buffer); only these are re-checked... see seeder. */
    bitfield?: Uint8Array
    store?: unknown
    storeCacheSlots?: number
    storeOpts?: Record<string, unknown>
    strategy?: 'sequential' | 'rarest'
    uploads?: number | false
    private?: boolean
    deselect?: boolean
    paused?: boolean
    alwaysChokeSeeders?: boolean
    destroyStoreOnDestroy?: boolean
    maxWebConns?: number
    noPeersIntervalTime?: number
    [key: string]: unknown
  }

  export interface TorrentFile {
    name: string
    path: string
    length: number
    offset: number
    downloaded: number
    progress: number
  }

  export interface Wire extends EventEmitter {
    peerId: string
    type: 'webrtc' | 'tcpIncoming' | 'tcpOutgoing' | 'utpIncoming' | 'utpOutgoing' | 'webSeed'
    remoteAddress?: string
    remotePort?: number
    uploaded: number
    downloaded: number
    uploadSpeed: () => number
    downloadSpeed: () => number
    peerChoking: boolean
    amChoking: boolean
    destroy: () => void
  }

  export interface SwarmPeer {
    id: string
    type: string
    conn: unknown
    destroyed: boolean
    destroy: (err?: Error) => void
  }

  export interface Torrent extends EventEmitter {
    infoHash: string
    name: string
    magnetURI: string
    length: number
    pieceLength: number
    lastPieceLength: number
    path: string
    files: TorrentFile[]
    pieces: Array<unknown | null>
    announce: string[]
    urlList: string[]
    bitfield: { buffer: Uint8Array, get: (index: number) => boolean, set: (index: number, value?: boolean) => void }
    wires: Wire[]
    numPeers: number
    uploaded: number
    downloaded: number
    received: number
    uploadSpeed: number
    downloadSpeed: number
    progress: number
    ratio: number
    ready: boolean
    done: boolean
    paused: boolean
    destroyed: boolean
    client: WebTorrent
    /** Private: connected and pending peers keyed by peer id (WebRTC) or address. */
    _peers: Map<string, SwarmPeer>
    destroy: (opts?: { destroyStore?: boolean } | ((err?: Error) => void), cb?: (err?: Error) => void) => void
    addPeer: (peer: string) => boolean
    pause: () => void
    resume: () => void
  }

  export default class WebTorrent extends EventEmitter {
    constructor (opts?: WebTorrentOptions)
    static WEBRTC_SUPPORT: boolean
    static UTP_SUPPORT: boolean
    peerId: string
    torrents: Torrent[]
    destroyed: boolean
    ready: boolean
    listening: boolean
    torrentPort: number
    dhtPort: number
    maxConns: number
    downloadSpeed: number
    uploadSpeed: number
    progress: number
    ratio: number
    dht: false | EventEmitter
    tracker: false | Record<string, unknown>
    add: (torrentId: string | Uint8Array | object, opts?: TorrentOptions, onTorrent?: (torrent: Torrent) => void) => Torrent
    seed: (input: unknown, opts?: TorrentOptions & Record<string, unknown>, onSeed?: (torrent: Torrent) => void) => Torrent
    get: (torrentId: string | Uint8Array | object) => Promise<Torrent | null>
    remove: (torrentId: string | Torrent, opts?: { destroyStore?: boolean }, cb?: (err?: Error) => void) => Promise<void>
    destroy: (cb?: (err?: Error) => void) => void
    address: () => { address: string, family: string, port: number } | null
    throttleUpload: (rate: number) => boolean | undefined
    throttleDownload: (rate: number) => boolean | undefined
  }
}

declare module 'webtorrent/lib/torrent.js' {
  import type { Torrent as TorrentInstance } from 'webtorrent'
  const Torrent: { prototype: TorrentInstance & { _addPeer: (peer: unknown, type: string, source?: unknown) => unknown, removePeer: (peer: unknown) => void } }
  export default Torrent
}

declare module 'bittorrent-tracker' {
  import { EventEmitter } from 'node:events'
  import type { Server as HttpServer } from 'node:http'

  export interface ServerOptions {
    interval?: number
    http?: boolean | object
    udp?: boolean | object
    ws?: boolean | object
    stats?: boolean
    trustProxy?: boolean
    filter?: (infoHash: string, params: unknown, cb: (err?: Error | null) => void) => void
  }

  /** The part of a ws WebSocket that seedcast touches. */
  export interface TrackerWebSocket extends EventEmitter {
    terminate: () => void
  }

  export class Server extends EventEmitter {
    constructor (opts?: ServerOptions)
    http: HttpServer | null
    ws: {
      address: () => unknown
      /** ws's WebSocketServer#handleUpgrade (the server is made with { noServer: true }). */
      handleUpgrade: (req: import('node:http').IncomingMessage, socket: import('node:stream').Duplex, head: Buffer, done: (socket: TrackerWebSocket) => void) => void
      emit: (event: 'connection', socket: TrackerWebSocket, req: import('node:http').IncomingMessage) => boolean
    } | null
    udp4: import('node:dgram').Socket | null
    udp6: import('node:dgram').Socket | null
    torrents: Record<string, unknown>
    onHttpRequest: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, opts?: { action?: 'announce' | 'scrape', trustProxy?: boolean }) => void
    onUdpRequest: (msg: Buffer, rinfo: import('node:dgram').RemoteInfo) => void
    listen: (port: number, hostname?: string, onListening?: () => void) => void
    close: (cb?: () => void) => void
  }

  export default class Client extends EventEmitter {
    constructor (opts: Record<string, unknown>)
  }
}

declare module 'bittorrent-tracker/client' {
  /** The tracker client (announces one torrent to its trackers); seedcast only reads the trackers it makes. */
  export default class Client {
    constructor (opts: { infoHash: string, peerId: string, announce: string[], port: number, [key: string]: unknown })
  }
}

declare module 'bittorrent-tracker/websocket-tracker' {
  interface SignalPeer {
    id?: string
    initiator: boolean
    destroyed: boolean
    [key: string]: unknown
  }
  const WebSocketTracker: {
    prototype: {
      peers: Record<string, SignalPeer> | null
      _onAnnounceResponse: (data: Record<string, unknown>) => void
      _createPeer: (opts?: Record<string, unknown>) => SignalPeer
    }
  }
  export default WebSocketTracker
}

declare module 'bittorrent-protocol' {
  import { EventEmitter } from 'node:events'
  export default class Wire extends EventEmitter {
    constructor (type?: string, peEnabled?: number)
    /** Private: frames and queues one message. */
    _message (id: number, numbers: number[], data: Uint8Array | null): void
    /** Private: pushes a chunk to the outgoing stream (through the encryptor when there is one). */
    _push (data: Uint8Array): boolean
    _encryptor: unknown
    type: string
  }
}

declare module 'webtorrent/lib/peer.js' {
  /** Private: webtorrent's Peer (one connection to one remote peer); checked by src/swarm/webtorrent-internals.ts. */
  const Peer: { new (id: string, type: string, secure?: number): object, prototype: object }
  export default Peer
}

declare module 'webtorrent/lib/webconn.js' {
  /** Private: webtorrent's web seed connection (a Wire that answers requests by HTTP); checked by src/swarm/webtorrent-internals.ts. */
  const WebConn: { new (url: string, torrent: object): object, prototype: object }
  export default WebConn
}

declare module 'webtorrent/lib/conn-pool.js' {
  /** Private: webtorrent's listening sockets; checked by src/swarm/webtorrent-internals.ts. */
  const ConnPool: { prototype: object }
  export default ConnPool
}

declare module 'torrent-piece' {
  /** A piece being downloaded (its blocks); webtorrent-internals.ts patches its prototype. */
  export default class Piece {
    constructor (length: number)
    length: number
  }
}

declare module 'throughput' {
  /** A speed meter over the last `seconds` (default 5): add bytes, get bytes per second (src/swarm/speed-meter.ts replaces it in get and seed). */
  export default function throughput (seconds?: number): (bytes?: number) => number
}
