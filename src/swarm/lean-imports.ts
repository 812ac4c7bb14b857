import module from 'node:module'

/**
 * Packages webtorrent (and the tracker client under it) import when they load, which a
 * `get` or `seed` process never runs: NAT port mapping (off unless a library caller asks
 * for it; neither command has a flag for it), IP blocklists (neither takes one), creating
 * torrents (both only add torrents already made), and node-fetch, which
 * cross-fetch-ponyfill loads beside Node's own fetch and whose module body also loads
 * Node's fetch at once. Also the WebSocket tracker's socket (simple-websocket, with ws,
 * bufferutil and streamx): neither process announces to ws:// trackers itself (get makes
 * no WebRTC connection, and the seeder leaves WebRTC and its trackers to a child process,
 * src/swarm/webrtc/, which does not leave these out), and the SOCKS client under the UDP
 * tracker (socks, ip-address), used only with a SOCKS proxy, which seedcast never gives,
 * and the tracker server (see trackerClientOnly).
 * Left out, a `get` of 1 GiB peaked about 8 MiB lower (median of four runs 130 -> 122 MiB;
 * the import alone 92 -> 87 MiB) and started with 30 ms less CPU; an idle seeder held 2 MiB
 * less (old space 16.9 -> 15.9 MiB). Each stand-in throws a clear error if it is ever
 * called, so a webtorrent update that starts using one fails loudly, not quietly.
 * cross-fetch-ponyfill becomes Node's fetch, looked up when a request is made; every
 * importer in the tree takes only its default export.
 */
const STAND_INS: Record<string, string> = {
  '@silentbot1/nat-api': `export default class NatAPI { constructor () { ${refuse('@silentbot1/nat-api', 'NAT traversal is off for get and seed')} } }`,
  'load-ip-set': `export default function loadIPSet () { ${refuse('load-ip-set', 'get and seed take no blocklist')} }`,
  'create-torrent': `export default function createTorrent () { ${refuse('create-torrent', 'get and seed create no torrent')} }\nexport function parseInput () { ${refuse('create-torrent', 'get and seed create no torrent')} }`,
  'cross-fetch-ponyfill': 'export default function fetch (...args) { return globalThis.fetch(...args) }',
  '@thaunknown/simple-websocket': `export default class Socket { constructor () { ${refuse('@thaunknown/simple-websocket', 'get and seed announce to no ws:// tracker from this process')} } }`,
  socks: `export default { createConnection () { ${refuse('socks', 'seedcast gives the tracker client no SOCKS proxy')} }, createUDPFrame () { ${refuse('socks', 'seedcast gives the tracker client no SOCKS proxy')} } }`
}

/**
 * The DHT library, for a process told to use no DHT (`--no-dht`): webtorrent and
 * torrent-discovery import it at load but construct it only when the DHT is on. Left out,
 * an idle seeder held about 1.7 MiB less (bittorrent-dht, k-rpc, k-bucket and the rest).
 */
const DHT_STAND_IN = `export class Client { constructor () { ${refuse('bittorrent-dht', 'the DHT is off in this process')} } }\nexport default { Client }`

/**
 * simple-peer (and the WebRTC runtime it loads), for a process that makes no WebRTC
 * connection (get; seed --no-webrtc). Its WEBRTC_SUPPORT is false, which webtorrent and
 * the seeder read as "no WebRTC here": a seeder with WebRTC on must load the real one.
 */
const PEER_STAND_IN = `export default class Peer { constructor () { ${refuse('@thaunknown/simple-peer', 'WebRTC is off in this process')} } }\nPeer.WEBRTC_SUPPORT = false`

/**
 * Left out of a process that only downloads (`get`), each named by the package it spares:
 * - utp-native: get never uses uTP (download/webtorrent.ts says why), yet webtorrent's
 *   lib/utp.cjs requires it at load, with its native addon and the five packages that
 *   find the addon (require-addon, bare-module-resolve...). An empty module there is
 *   webtorrent's own "no uTP here" (UTP_SUPPORT false), so nothing can dial or listen on uTP;
 * - webtorrent/lib/server.js: the HTTP server of client.createServer, which get never makes.
 *   Its ESM import of node:http alone loaded undici (an ES namespace of node:http reads its
 *   lazy WebSocket getters): about 70 ms of CPU and 13 MiB;
 * - fs-chunk-store: every torrent of get is given seedcast's own store (download/store.ts),
 *   so webtorrent's default store (random-access-file, fs-native-extensions and its native
 *   addon) is never made;
 * - bittorrent-lsd: get turns local peer discovery off, and torrent-discovery makes no LSD then.
 * `from`: only where that module imports the specifier (a relative one names a file of it).
 */
const DOWNLOAD_ONLY_STAND_INS: { name: string, specifier: string, from?: string, source: string }[] = [
  { name: 'utp-native', specifier: './utp.cjs', from: '/node_modules/webtorrent/lib/', source: 'export default {}' },
  { name: 'webtorrent/lib/server.js', specifier: './lib/server.js', from: '/node_modules/webtorrent/index.js', source: `export class NodeServer { constructor () { ${refuse('webtorrent\'s HTTP server', 'get serves no torrent over HTTP')} } }\nexport class BrowserServer { constructor () { ${refuse('webtorrent\'s HTTP server', 'get serves no torrent over HTTP')} } }` },
  { name: 'fs-chunk-store', specifier: 'fs-chunk-store', source: `export default class FSChunkStore { constructor () { ${refuse('fs-chunk-store', 'get gives every torrent its own store')} } }` },
  { name: 'bittorrent-lsd', specifier: 'bittorrent-lsd', source: `export default class LSD { constructor () { ${refuse('bittorrent-lsd', 'local peer discovery is off in this process')} } }` }
]

function refuse (name: string, why: string): string {
  return `throw new Error(${JSON.stringify(`${name} was left out of this process (${why}; src/swarm/lean-imports.ts)`)})`
}

/**
 * torrent-discovery takes the tracker client from bittorrent-tracker's index, which also
 * loads the tracker server (the HTTP, UDP and WebSocket server, with ws): for that one
 * importer the index is the client module alone, and Server a stand-in.
 */
export function trackerClientOnly (clientUrl: string): string {
  return `import Client from ${JSON.stringify(clientUrl)}\nexport default Client\nexport { Client }\nexport class Server { constructor () { ${refuse('the bittorrent-tracker server', 'torrent-discovery needs only the client')} } }`
}

/**
 * Packages replaced by seedcast's own version of the same function (not stand-ins: these
 * run): `throughput`, the speed meter of every wire, torrent and client (speed-meter.ts).
 */
const REPLACEMENTS: Record<string, string> = {
  throughput: new URL('./speed-meter.js', import.meta.url).href
}

/** What a replacement or stand-in takes the place of: `specifier`, where `from` (when given) is part of the importer's URL. */
interface Scoped { specifier: string, from?: string }

/** Whether `entry` takes the place of `specifier` imported by `importer` (a URL or path). */
export function replaces (entry: Scoped, specifier: string, importer: string | undefined): boolean {
  return entry.specifier === specifier && (entry.from === undefined || importer?.includes(entry.from) === true)
}

/** A replacement of `specifier` where `from` is part of the importer's URL: the module at `url` in its place. */
export interface Replacement extends Scoped { url: string }

/**
 * The replacements for a process with these options: REPLACEMENTS, and in a download-only
 * one, the fetch of bittorrent-tracker's HTTP announces (tracker-fetch.ts: Node's fetch,
 * undici, is loaded by its first call, and an announce is all a `get` from peers fetches).
 * Scoped ones first: they win over a process-wide one of the same specifier.
 */
export function replacementsFor (options: LeanImportOptions = {}): Replacement[] {
  return [
    ...(options.downloadOnly === true ? [{ specifier: 'cross-fetch-ponyfill', from: '/node_modules/bittorrent-tracker/lib/client/http-tracker.js', url: new URL('./tracker-fetch.js', import.meta.url).href }] : []),
    ...Object.entries(REPLACEMENTS).map(([specifier, url]) => ({ specifier, url }))
  ]
}

type ResolveHook = (specifier: string, context: { parentURL?: string }, next: (specifier: string, context: object) => unknown) => unknown
type RegisterHooks = (hooks: { resolve: ResolveHook }) => unknown

let applied: Record<string, StandIn> | undefined

export interface LeanImportOptions {
  /** false: the process will never run a DHT, so the DHT library is left out too. Default true. */
  dht?: boolean
  /** false: the process will never make a WebRTC connection, so simple-peer is left out too. Default true. */
  webrtc?: boolean
  /**
   * true: the process only downloads, as `get` does (no uTP, no LSD, no HTTP server of
   * webtorrent's, its own chunk store), so DOWNLOAD_ONLY_STAND_INS are left out too. Default false.
   */
  downloadOnly?: boolean
}

/** A stand-in: the module `source` in place of `specifier`, where `from` (when given) is part of the importer's URL. */
export interface StandIn extends Scoped { source: string }

/**
 * The stand-ins (by the package each spares) for a process with these options, but the
 * tracker client's (trackerClientOnly), which depends on where bittorrent-tracker is: what
 * leaveOutUnusedModules makes Node resolve, and what the download bundle of `get` is built
 * with (scripts/download.vite.config.js).
 */
export function standInsFor (options: LeanImportOptions = {}): Record<string, StandIn> {
  const standIns: Record<string, StandIn> = {}
  for (const [specifier, source] of Object.entries(STAND_INS)) standIns[specifier] = { specifier, source }
  if (options.dht === false) standIns['bittorrent-dht'] = { specifier: 'bittorrent-dht', source: DHT_STAND_IN }
  if (options.webrtc === false) standIns['@thaunknown/simple-peer/lite.js'] = { specifier: '@thaunknown/simple-peer/lite.js', source: PEER_STAND_IN }
  if (options.downloadOnly === true) for (const { name, ...standIn } of DOWNLOAD_ONLY_STAND_INS) standIns[name] = standIn
  return standIns
}

/**
 * Makes the packages above resolve to their stand-ins (and REPLACEMENTS to seedcast's own) in this process, for a process that
 * only downloads or seeds over TCP and uTP (the `get` and `seed` commands; the seeder's
 * WebRTC child loads everything). Call it before
 * webtorrent is first imported: a package already loaded stays loaded, and only the
 * first call decides. False where Node has no module.registerHooks (before 22.15):
 * everything then loads as usual.
 */
export function leaveOutUnusedModules (options: LeanImportOptions = {}): boolean {
  if (applied) return true
  const registerHooks = (module as unknown as { registerHooks?: RegisterHooks }).registerHooks
  if (typeof registerHooks !== 'function') return false
  const standIns = standInsFor(options)
  const replacements = replacementsFor(options)
  const bySpecifier = new Map<string, StandIn[]>()
  for (const standIn of Object.values(standIns)) bySpecifier.set(standIn.specifier, [...bySpecifier.get(standIn.specifier) ?? [], standIn])
  registerHooks.call(module, {
    resolve (specifier, context, next) {
      if (specifier === 'bittorrent-tracker' && context.parentURL?.includes('/node_modules/torrent-discovery/')) {
        const client = next('bittorrent-tracker/client', context) as { url: string }
        return { url: `data:text/javascript,${encodeURIComponent(trackerClientOnly(client.url))}`, format: 'module', shortCircuit: true }
      }
      const replacement = replacements.find(entry => replaces(entry, specifier, context.parentURL))
      if (replacement !== undefined) return { url: replacement.url, format: 'module', shortCircuit: true }
      const standIn = bySpecifier.get(specifier)?.find(entry => replaces(entry, specifier, context.parentURL))
      if (standIn === undefined) return next(specifier, context)
      return { url: `data:text/javascript,${encodeURIComponent(standIn.source)}`, format: 'module', shortCircuit: true }
    }
  })
  applied = standIns
  return true
}

/** The packages leaveOutUnusedModules replaces in this process (for tests); before it is called, the ones it always replaces. */
export function leftOutModules (): string[] {
  return Object.keys(applied ?? STAND_INS)
}

/** Whether this process left `name` out (a key of leftOutModules): then it must not be required either. */
export function isLeftOut (name: string): boolean {
  return applied !== undefined && Object.hasOwn(applied, name)
}
