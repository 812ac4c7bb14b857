import { startJsonProcess, type JsonProcess } from './json-process.js'

const clientModule = new URL('../../dist/src/swarm/client.js', import.meta.url).href

// Downloads TORRENT (a .torrent path) or MAGNET into DIR with seedcast's swarm client (built), over WebRTC only (no
// DHT, LSD, uTP or PEX; host ICE candidates), at most LIMIT bytes/s when set. Prints JSON
// lines: wire (with its type), downloading (first bytes after the metadata), done; stays in the swarm until
// SIGTERM (then closes its client and exits 0) or SIGKILL.
const leecherScript = `
import { readFileSync } from 'node:fs'
const { createClient, closeClient } = await import(${JSON.stringify(clientModule)})
const say = o => process.stdout.write(JSON.stringify(o) + '\\n')
const client = createClient({ dht: false, lsd: false, utp: false, pex: false, rtcConfig: { iceServers: [] }, downloadLimit: process.env.LIMIT ? Number(process.env.LIMIT) : -1 })
const torrent = client.add(process.env.MAGNET ?? readFileSync(process.env.TORRENT), { path: process.env.DIR })
torrent.on('wire', wire => say({ event: 'wire', type: wire.type }))
// A peer's 'download' counts every byte of its connection, the handshake's too, which can come
// before the wire reaches the torrent (seen under load: "downloading" with no "wire" line yet);
// downloading means bytes after the metadata, on a wire the torrent has.
torrent.on('download', () => { if (!globalThis.said && torrent.ready && torrent.wires.length > 0) { globalThis.said = true; say({ event: 'downloading' }) } })
torrent.on('done', () => say({ event: 'done' }))
process.on('SIGTERM', () => closeClient(client).then(() => process.exit(0)))
`

/** A WebRTC-only leecher process (see above) of a .torrent or a magnet link; `limit` in bytes per second. */
export function startWebRtcLeecher (torrent: string, dir: string, limit?: number): JsonProcess {
  const source = torrent.startsWith('magnet:') ? { MAGNET: torrent } : { TORRENT: torrent }
  return startJsonProcess(['--input-type=module', '-e', leecherScript], { ...source, DIR: dir, ...(limit === undefined ? {} : { LIMIT: String(limit) }) })
}
