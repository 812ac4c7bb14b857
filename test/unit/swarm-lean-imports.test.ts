import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))

// In a process of its own (the stand-ins are process-wide), on the built code: the stand-ins
// are in place, webtorrent loads and makes a download client with them, the real packages
// were never loaded, and fetch through the stand-in still reaches an HTTP server (tracker
// announces and web seeds go that way).
const script = `
import { createServer } from 'node:http'
import { registerHooks } from 'node:module'
const { leaveOutUnusedModules, leftOutModules } = await import('./dist/src/swarm/lean-imports.js')
const applied = leaveOutUnusedModules({ dht: false, webrtc: false })
// Registered last, so it runs first: every module the process resolves from here on.
const resolved = []
registerHooks({ resolve (specifier, context, next) { const found = next(specifier, context); resolved.push(found.url); return found } })
const { openDownloadClient, closeDownloadClient } = await import('./dist/src/swarm/download/webtorrent.js')
const client = await openDownloadClient({ dht: false })
const refusals = []
for (const name of ['@silentbot1/nat-api', 'load-ip-set', 'create-torrent', 'bittorrent-dht', '@thaunknown/simple-websocket', '@thaunknown/simple-peer/lite.js', 'socks']) {
  const module = await import(name)
  const stand = name === 'bittorrent-dht' ? module.Client : name === 'socks' ? module.default.createConnection : module.default
  try { ['@silentbot1/nat-api', 'bittorrent-dht', '@thaunknown/simple-websocket', '@thaunknown/simple-peer/lite.js'].includes(name) ? new stand() : stand() } catch (error) { refusals.push(error.message) }
}
const WebTorrent = (await import('webtorrent')).default
const server = createServer((request, response) => response.end('d8:intervali60ee')).listen(0, '127.0.0.1')
await new Promise(resolve => server.once('listening', resolve))
const fetch = (await import('cross-fetch-ponyfill')).default
const body = await (await fetch('http://127.0.0.1:' + server.address().port + '/announce')).text()
server.close()
await closeDownloadClient(client)
const loaded = resolved.filter(url => /node_modules\\/(node-fetch|@silentbot1\\/nat-api|load-ip-set|create-torrent|cross-fetch-ponyfill|bittorrent-dht|k-rpc|ws|@thaunknown\\/simple-websocket|@thaunknown\\/simple-peer|socks|ip-address)\\//.test(url))
const webtorrentLoaded = resolved.some(url => url.includes('node_modules/webtorrent/'))
const meters = { ours: resolved.some(url => url.endsWith('/dist/src/swarm/speed-meter.js')), package: resolved.some(url => url.includes('node_modules/throughput/')), rate: typeof (await import('throughput')).default()(16384) }
console.log(JSON.stringify({ applied, leftOutModules: leftOutModules(), refusals, body, loaded, webtorrentLoaded, meters, webrtcSupport: WebTorrent.WEBRTC_SUPPORT }))
`

describe('modules get and seed leave out', () => {
  it('replaces what webtorrent imports and get or seed never runs (the DHT and WebRTC too when off), and webtorrent still makes a client', () => {
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 })
    expect(result.status, result.stderr).toBe(0)
    const found = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { applied: boolean, leftOutModules: string[], refusals: string[], body: string, loaded: string[], webtorrentLoaded: boolean, meters: { ours: boolean, package: boolean, rate: string }, webrtcSupport: boolean }
    expect(found.applied).toBe(true)
    expect(found.leftOutModules).toEqual(['@silentbot1/nat-api', 'load-ip-set', 'create-torrent', 'cross-fetch-ponyfill', '@thaunknown/simple-websocket', 'socks', 'bittorrent-dht', '@thaunknown/simple-peer/lite.js'])
    expect(found.refusals).toHaveLength(7)
    // webtorrent reads the stand-in's WEBRTC_SUPPORT: no WebRTC in this process.
    expect(found.webrtcSupport).toBe(false)
    for (const message of found.refusals) expect(message).toMatch(/was left out of this process/)
    expect(found.body).toBe('d8:intervali60ee')
    // webtorrent and the tracker client were resolved and loaded; none of the left-out packages was.
    expect(found.webtorrentLoaded).toBe(true)
    expect(found.loaded).toEqual([])
    // The speed meters of webtorrent and bittorrent-protocol are seedcast's (speed-meter.ts), never the throughput package.
    expect(found.meters).toEqual({ ours: true, package: false, rate: 'number' })
  })
})

// A download-only process (get): uTP, LSD, webtorrent's HTTP server and its default chunk
// store are left out too, webtorrent still makes a download client, and an HTTP tracker
// announce goes through seedcast's tracker fetch: Node's fetch (undici) is never loaded.
const downloadOnlyScript = `
import { registerHooks } from 'node:module'
const { leaveOutUnusedModules, leftOutModules, isLeftOut } = await import('./dist/src/swarm/lean-imports.js')
leaveOutUnusedModules({ dht: false, webrtc: false, downloadOnly: true })
const resolved = []
registerHooks({ resolve (specifier, context, next) { const found = next(specifier, context); resolved.push(found.url); return found } })
const { openDownloadClient, closeDownloadClient } = await import('./dist/src/swarm/download/webtorrent.js')
const client = await openDownloadClient({ dht: false })
await new Promise(resolve => client.listening ? resolve() : client.once('listening', resolve))
const WebTorrent = (await import('webtorrent')).default
const refusals = []
for (const [name, make] of [['fs-chunk-store', m => new m.default()], ['bittorrent-lsd', m => new m.default()]]) {
  try { make(await import(name)) } catch (error) { refusals.push(error.message) }
}
try { client.createServer() } catch (error) { refusals.push(error.message) }
await closeDownloadClient(client)
// An HTTP announce through the tracker client, redirected once as fetch would follow, answered with a peer.
// Required: an ES import of node:http would load undici itself (src/swarm/outgoing-host.ts says why).
const { createServer } = (await import('node:module')).createRequire(process.cwd() + '/')('node:http')
const server = createServer((request, response) => {
  if (request.url.startsWith('/announce')) { response.writeHead(302, { location: request.url.replace('/announce', '/tracker') }); response.end(); return }
  response.end(Buffer.concat([Buffer.from('d8:intervali60e5:peers6:'), Buffer.from([127, 0, 0, 1, 0x1a, 0xe1]), Buffer.from('e')]))
}).listen(0, '127.0.0.1')
await new Promise(resolve => server.once('listening', resolve))
const Tracker = (await import('bittorrent-tracker/client')).default
const tracker = new Tracker({ infoHash: '1'.repeat(40), peerId: '2'.repeat(40), announce: ['http://127.0.0.1:' + server.address().port + '/announce'], port: 6881 })
const peer = await new Promise((resolve, reject) => { tracker.once('peer', resolve); tracker.once('warning', reject); tracker.once('error', reject); tracker.start() })
tracker.destroy()
server.close()
const loaded = resolved.filter(url => /node_modules\\/(utp-native|require-addon|fs-native-extensions|random-access-file|fs-chunk-store|bittorrent-lsd|escape-html|range-parser)\\//.test(url))
console.log(JSON.stringify({ peer, trackerFetch: resolved.some(url => url.endsWith('/dist/src/swarm/tracker-fetch.js')), leftOutModules: leftOutModules(), utpLeftOut: isLeftOut('utp-native'), utpSupport: WebTorrent.UTP_SUPPORT, clientUtp: client.utp, refusals, loaded, undici: process.moduleLoadList.filter(name => name.includes('undici')) }))
`

describe('modules a download-only process leaves out', () => {
  it('replaces uTP, LSD, webtorrent\'s HTTP server and chunk store as well, and announces to HTTP trackers without loading undici', () => {
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', downloadOnlyScript], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 })
    expect(result.status, result.stderr).toBe(0)
    const found = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { peer: string, trackerFetch: boolean, leftOutModules: string[], utpLeftOut: boolean, utpSupport: boolean, clientUtp: boolean, refusals: string[], loaded: string[], undici: string[] }
    expect(found.leftOutModules).toEqual(['@silentbot1/nat-api', 'load-ip-set', 'create-torrent', 'cross-fetch-ponyfill', '@thaunknown/simple-websocket', 'socks', 'bittorrent-dht', '@thaunknown/simple-peer/lite.js', 'utp-native', 'webtorrent/lib/server.js', 'fs-chunk-store', 'bittorrent-lsd'])
    expect(found.utpLeftOut).toBe(true)
    // webtorrent's own reading of the empty lib/utp.cjs stand-in: no uTP in this process.
    expect(found.utpSupport).toBe(false)
    expect(found.clientUtp).toBe(false)
    expect(found.refusals).toHaveLength(3)
    for (const message of found.refusals) expect(message).toMatch(/was left out of this process/)
    expect(found.loaded).toEqual([])
    // The announce went through seedcast's tracker fetch, not Node's (undici).
    expect(found.peer).toBe('127.0.0.1:6881')
    expect(found.trackerFetch).toBe(true)
    expect(found.undici).toEqual([])
  })
})
