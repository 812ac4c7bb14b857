import { createRequire } from 'node:module'
import type { Torrent, Wire } from 'webtorrent'
import { parseInfoDictionary } from '../../torrent/metainfo.js'
import { closeClient, createClient, type SwarmClient } from '../client.js'
import { addVerified } from '../seed/add-verified.js'
import { addressOf } from '../seed/events.js'
import { seedTorrentOptions } from '../seed/tuning.js'
import { snapshotFastPathCounts } from '../fast-path-counts.js'
import { connOfWire } from '../peer-links.js'
import { hostilePeers, type HostilePeer } from '../peer-message-limits.js'
import { setUploadThrottle, uploadThrottleSaturated } from '../upload-throttle.js'
import { featureOn } from '../webtorrent-internals.js'
import type { ChildSettings, ChildTorrent, ChildTorrentStats, FromChild, ToChild } from './child-messages.js'
import { dropStalledWebRtcPeer } from './liveness.js'

/*
 * The seeder's WebRTC child: a process of its own that seeds over WebRTC only, started
 * and restarted by webrtc-seeding.ts. Why a process: the native WebRTC module
 * (@roamhq/wrtc) crashes with SIGSEGV in RTCDataChannel::Send when a remote peer closes
 * during an upload (another libwebrtc thread nulls the channel under it; no JavaScript
 * check can close that race). In here such a crash costs the WebRTC peers only; the seed
 * box (HTTP, tracker, TCP and uTP peers) runs on in the parent, which restarts this child.
 *
 * The child opens no peer port (no TCP, uTP, DHT, LSD or PEX) and announces only to the
 * ws:// and wss:// trackers the parent passes: the parent announces to the others. It
 * reads the files the parent checked, never hashing them (fast resume by the parent).
 * It runs while its IPC channel is open: a parent gone (even killed) ends it.
 */

const send = (message: FromChild): void => {
  if (process.connected) process.send!(message)
}

/** Leaves at once, skipping Node's environment teardown that crashes with native WebRTC objects alive (see native-teardown.ts). */
function exit (code: number): never {
  process.exit(code)
}

if (!process.send) {
  process.stderr.write('seedcast: this module runs as the seeder\'s WebRTC child process (started by the seeder)\n')
  exit(2)
}

// Ctrl-C in a terminal signals the whole process group: the parent decides when this
// child stops (it sends 'stop'), so a Ctrl-C must not kill it first.
process.on('SIGINT', () => {})
// SIGTERM from a service manager stopping everything: stop as asked by the parent.
process.on('SIGTERM', () => { void stop() })
process.on('disconnect', () => exit(0))
process.on('uncaughtException', err => fatal(err))
process.on('unhandledRejection', err => fatal(err))

function fatal (err: unknown): void {
  const message = err instanceof Error ? err.message : String(err)
  if (!process.connected) exit(1)
  process.send!({ type: 'fatal', message } satisfies FromChild, () => exit(1))
  setTimeout(() => exit(1), 1_000).unref()
}

const settings = JSON.parse(process.argv[2] ?? '{}') as ChildSettings

// The native module is loaded here, up front: a platform without it is told to the parent
// once, instead of failing at the first peer.
try {
  const polyfill = createRequire(import.meta.url).resolve('webrtc-polyfill')
  createRequire(polyfill)('@roamhq/wrtc')
} catch (err) {
  if (process.connected) process.send!({ type: 'unavailable', message: (err as Error).message } satisfies FromChild, () => exit(0))
  setTimeout(() => exit(0), 1_000).unref()
  await new Promise(() => {})
}

interface Seeded { torrent: Torrent, uploaded: number }

const client: SwarmClient = createClient({
  peerPort: false,
  dht: false,
  lsd: false,
  utp: false,
  pex: false,
  natTraversal: false,
  webrtc: true,
  trackers: true,
  ...(settings.host ? { host: settings.host } : {}),
  ...(settings.rtcConfig ? { rtcConfig: settings.rtcConfig } : {}),
  ...(settings.maxConns ? { maxConns: settings.maxConns } : {}),
  ...(settings.uploadLimit !== undefined ? { uploadLimit: settings.uploadLimit } : {})
})
client.on('error', (err: Error) => send({ type: 'warning', code: 'ECLIENT', message: `WebRTC: ${err.message}` }))
// Its first share, in slices that fit every later one (see setUploadThrottle).
if (settings.uploadLimit !== undefined && settings.uploadSliceBytes) setUploadThrottle(client, settings.uploadLimit, settings.uploadSliceBytes)
hostilePeers.on('banned', (peer: HostilePeer) => send({ type: 'warning', code: 'EPEERBANNED', address: peer.address, message: `peer ${peer.address} ${peer.reason}; dropped` }))

const options = seedTorrentOptions()
const seeded = new Map<string, Seeded>()
/** Torrents being added, and those removed meanwhile. */
const adding = new Set<string>()
const dropped = new Set<string>()
let nextPeer = 1
/** Every byte uploaded (for the parent's split of the upload limit, upload-share.ts). */
let uploadedTotal = 0
let stopping: Promise<void> | undefined

async function add (item: ChildTorrent): Promise<void> {
  if (seeded.has(item.infoHash) || adding.has(item.infoHash)) return
  adding.add(item.infoHash)
  dropped.delete(item.infoHash)
  try {
    const meta = { ...parseInfoDictionary(item.infoBytes), announce: [item.trackers], webSeeds: [] }
    const torrent = await addVerified(client, meta, item.dataPath, options)
    if (dropped.has(item.infoHash) || stopping) {
      if (!stopping) client.remove(torrent, { destroyStore: false }).catch(() => {})
      return
    }
    const entry: Seeded = { torrent, uploaded: 0 }
    seeded.set(item.infoHash, entry)
    torrent.on('warning', () => {})
    torrent.on('error', (err: Error) => {
      seeded.delete(item.infoHash)
      send({ type: 'failed', infoHash: item.infoHash, message: err.message })
    })
    torrent.on('wire', (wire: Wire) => onWire(item.infoHash, entry, wire))
  } catch (err) {
    send({ type: 'failed', infoHash: item.infoHash, message: (err as Error).message })
  } finally {
    adding.delete(item.infoHash)
  }
}

function onWire (infoHash: string, entry: Seeded, wire: Wire): void {
  if (featureOn('WebRTC stall check')) dropStalledWebRtcPeer(wire, connOfWire(wire))
  wire.on('upload', (bytes: number) => { entry.uploaded += bytes; uploadedTotal += bytes })
  const peer = nextPeer++
  const address = addressOf(wire)
  send({ type: 'peer', action: 'connected', infoHash, peer, ...(address ? { address } : {}) })
  wire.once('close', () => send({ type: 'peer', action: 'disconnected', infoHash, peer, ...(address ? { address } : {}) }))
}

function remove (infoHash: string): void {
  if (adding.has(infoHash)) dropped.add(infoHash)
  const entry = seeded.get(infoHash)
  if (!entry) return
  seeded.delete(infoHash)
  client.remove(entry.torrent, { destroyStore: false }).catch(() => {})
}

function stats (): ChildTorrentStats[] {
  return [...seeded].map(([infoHash, { torrent, uploaded }]) => ({
    infoHash,
    uploaded,
    uploadSpeed: Math.round(torrent.uploadSpeed),
    peers: torrent.wires.map((wire: Wire) => {
      const address = addressOf(wire)
      return {
        transport: 'webrtc' as const,
        ...(address ? { address } : {}),
        ...(wire.peerId ? { peerId: wire.peerId } : {}),
        uploaded: wire.uploaded,
        downloaded: wire.downloaded,
        uploadSpeed: Math.round(wire.uploadSpeed())
      }
    })
  }))
}

/** "stopped" announces to the ws trackers and every peer closed, then exit. */
function stop (): Promise<void> {
  stopping ??= (async () => {
    clearInterval(ticker)
    clearInterval(usageTicker)
    // The last figures first (the seeder's "stopped" event counts these bytes): a stop
    // within a second of the last upload would otherwise lose them.
    await new Promise<void>(resolve => {
      if (!process.connected) return resolve()
      process.send!({ type: 'stats', torrents: stats(), fastPaths: snapshotFastPathCounts() } satisfies FromChild, () => resolve())
    })
    await closeClient(client)
    exit(0)
  })()
  return stopping
}

const ticker = setInterval(() => send({ type: 'stats', torrents: stats(), fastPaths: snapshotFastPathCounts() }), settings.statsIntervalMs)
const usageTicker = settings.uploadLimit !== undefined && settings.usageIntervalMs ? setInterval(() => send({ type: 'usage', uploaded: uploadedTotal, saturated: uploadThrottleSaturated(client) }), settings.usageIntervalMs) : undefined

process.on('message', (message: ToChild) => {
  if (message.type === 'add') void add(message.torrent)
  else if (message.type === 'remove') remove(message.infoHash)
  else if (message.type === 'upload-limit') setUploadThrottle(client, message.rate, settings.uploadSliceBytes ?? message.rate)
  else if (message.type === 'stop') void stop()
})
send({ type: 'ready' })
