// The tracker `seedcast serve` runs at <base>announce: HTTP announce/scrape for BitTorrent
// clients and WebSocket for browsers, answering only for the served episodes, and a demo
// show whose trackers are `self` is fetched by aria2c from its magnet alone, with the web
// seed out of reach: metadata and every byte come from the seeder it found there.
import { createHash, randomBytes } from 'node:crypto'
import { createSocket, Socket as UdpSocket } from 'node:dgram'
import { readFile } from 'node:fs/promises'
import { createServer as createTcpServer } from 'node:net'
import { join } from 'node:path'
import bencode from 'bencode'
import { afterEach, describe, expect, it } from 'vitest'
import { serveShows, type RunningServer } from '../../src/server/serve.js'
import { buildDemoShow } from '../../src/show/demo.js'
import { editEpisode } from '../../src/show/episodes.js'
import { initShow } from '../../src/show/init.js'
import { publish } from '../../src/show/publish.js'
import { seedTorrents } from '../../src/swarm/seed/seeder.js'
import { parseMagnet } from '../../src/torrent/magnet.js'
import { aria2Download } from '../helpers/aria2.js'
import { repoRoot } from '../helpers/cli.js'
import { freePort } from '../helpers/ports.js'
import { escapeBytes, failureOf, httpAnnounce } from '../helpers/tracker.js'
import { tempDir } from '../helpers/tmp.js'
import { fixture } from './serve-helpers.js'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

/** One WebSocket announce as WebTorrent sends it; resolves with the tracker's first answer. */
function wsAnnounce (url: string, infoHash: string): Promise<Record<string, any>> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url)
    const timer = setTimeout(() => { socket.close(); reject(new Error(`${url}: no answer in 10 s`)) }, 10_000)
    socket.onerror = () => { clearTimeout(timer); reject(new Error(`${url}: WebSocket error`)) }
    socket.onopen = () => socket.send(JSON.stringify({
      action: 'announce', info_hash: Buffer.from(infoHash, 'hex').toString('latin1'), peer_id: randomBytes(20).toString('latin1'),
      numwant: 5, uploaded: 0, downloaded: 0, left: 100, event: 'started', offers: []
    }))
    socket.onmessage = message => { clearTimeout(timer); socket.close(); resolve(JSON.parse(String(message.data)) as Record<string, any>) }
  })
}

/** A WebSocket to the tracker, open, keeping every message it receives. */
async function wsPeer (url: string): Promise<{ socket: WebSocket, messages: Array<Record<string, any>>, next: (test: (message: Record<string, any>) => boolean) => Promise<Record<string, any>> }> {
  const socket = new WebSocket(url)
  cleanups.push(() => socket.close())
  const messages: Array<Record<string, any>> = []
  const waiters: Array<() => void> = []
  socket.onmessage = message => { messages.push(JSON.parse(String(message.data)) as Record<string, any>); for (const wake of waiters.splice(0)) wake() }
  await new Promise<void>((resolve, reject) => { socket.onopen = () => resolve(); socket.onerror = () => reject(new Error(`${url}: WebSocket error`)) })
  const next = (test: (message: Record<string, any>) => boolean) => new Promise<Record<string, any>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${url}: no such message in 10 s (got ${JSON.stringify(messages)})`)), 10_000)
    const check = (): void => {
      const found = messages.find(test)
      if (found) { clearTimeout(timer); resolve(found) } else waiters.push(check)
    }
    check()
  })
  return { socket, messages, next }
}

/** A show with the `self` tracker whose base URL names port 8080 (the server under test listens elsewhere: port 0). */
async function trackedShowNamingAnotherPort (): Promise<string> {
  const tmp = await tempDir()
  cleanups.push(tmp.cleanup)
  const dir = join(tmp.path, 'show')
  await initShow(dir, {
    title: 'Tracked', description: 'd', author: 'A', ownerName: 'A', ownerEmail: 'a@example.org',
    language: 'en', category: 'Technology', baseUrl: 'http://127.0.0.1:8080/show/', trackers: ['self']
  })
  return dir
}

async function serve (dir: string, port: number, udpTracker = false): Promise<RunningServer> {
  const running = await serveShows({ shows: [dir], port, host: '127.0.0.1', udpTracker })
  cleanups.push(() => running.close())
  return running
}

/** A BEP 15 connect to 127.0.0.1:`port`: whether it is answered with its transaction id within 10 s. */
async function udpConnectAnswered (port: number): Promise<boolean> {
  const udp = createSocket('udp4')
  try {
    const reply = new Promise<Buffer | undefined>(resolve => {
      const timer = setTimeout(() => resolve(undefined), 10_000)
      udp.once('message', message => { clearTimeout(timer); resolve(message) })
    })
    udp.send(Buffer.from('0000041727101980' + '00000000' + 'cafebabe', 'hex'), port, '127.0.0.1')
    return (await reply)?.subarray(0, 8).toString('hex') === '00000000cafebabe'
  } finally {
    udp.close()
  }
}

/**
 * Until the returned restore, UDP binds in this process (`bind(port, ...)`) for which
 * `redirect` returns a port go to that port instead: what another process holding a port
 * looks like, on cue.
 */
function redirectUdpBinds (redirect: (port: number) => number | undefined): () => void {
  const bind = UdpSocket.prototype.bind
  UdpSocket.prototype.bind = function (this: UdpSocket, ...args: unknown[]) {
    const to = typeof args[0] === 'number' ? redirect(args[0]) : undefined
    return (bind as (...args: unknown[]) => UdpSocket).apply(this, to === undefined ? args : [to, ...args.slice(1)])
  } as typeof bind
  return () => { UdpSocket.prototype.bind = bind }
}

async function boundUdp (): Promise<UdpSocket> {
  const socket = createSocket('udp4')
  await new Promise<void>(resolve => socket.bind(0, '127.0.0.1', () => resolve()))
  return socket
}

describe('the tracker of seedcast serve', () => {
  it('answers announces and scrapes for the served episodes only, kept current while serving', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const port = await freePort()
    const dir = join(tmp.path, 'show')
    const baseUrl = `http://127.0.0.1:${port}/show/`
    await initShow(dir, {
      title: 'Tracked', description: 'd', author: 'A', ownerName: 'A', ownerEmail: 'a@example.org',
      language: 'en', category: 'Technology', baseUrl, trackers: ['self']
    })
    const first = await publish(dir, fixture('episode.mp3'), { date: '2026-11-01T09:00:00Z' })
    // `self` became the announce URLs of the tracker at the base URL, in the .torrent and the magnet.
    const torrent = bencode.decode(await readFile(join(dir, 'public', first.episode.torrentPath))) as Record<string, any>
    const announceList = (torrent['announce-list'] as Uint8Array[][]).map(tier => Buffer.from(tier[0]!).toString())
    expect(announceList).toEqual([`${baseUrl}announce`, `ws://127.0.0.1:${port}/show/announce`])
    expect(parseMagnet(first.magnet).trackers).toEqual(announceList)
    expect(await readFile(join(dir, 'public', 'p2p.xml'), 'utf8')).toContain(`tr=${encodeURIComponent(`ws://127.0.0.1:${port}/show/announce`)}`)

    const running = await serve(dir, port, true)
    expect(running.tracker).toEqual({ http: `${baseUrl}announce`, ws: `ws://127.0.0.1:${port}/show/announce`, udp: `udp://127.0.0.1:${port}/announce` })

    const known = await httpAnnounce(`${baseUrl}announce`, first.episode.infoHash, 6881)
    expect(failureOf(known)).toBeUndefined()
    expect(known.interval).toBeGreaterThan(0)
    // A second peer is told about the first.
    const second = await httpAnnounce(`${baseUrl}announce`, first.episode.infoHash, 6882)
    expect(Buffer.from(second.peers).toString('hex')).toContain('7f0000011ae1') // 127.0.0.1:6881, compact

    // Scrape: the known swarm's counts; the unknown infohash has no swarm.
    const scrapeQuery = `info_hash=${escapeBytes(Buffer.from(first.episode.infoHash, 'hex'))}`
    const scrapeBytes = Buffer.from(await (await fetch(`${baseUrl}scrape?${scrapeQuery}`)).arrayBuffer())
    // Keyed by the infohash's 20 raw bytes (BEP 48), as clients look it up; the answer was
    // a 32-byte UTF-8 re-encoding of them, under which no client found its torrent.
    const key = Buffer.concat([Buffer.from('20:'), Buffer.from(first.episode.infoHash, 'hex')])
    expect(scrapeBytes.subarray(0, 'd5:filesd'.length + key.length)).toEqual(Buffer.concat([Buffer.from('d5:filesd'), key]))
    const scrape = bencode.decode(scrapeBytes) as Record<string, any>
    const files = scrape.files as Record<string, { complete: number, incomplete: number }>
    expect(Object.values(files)).toEqual([{ complete: 0, incomplete: 2, downloaded: 0 }])
    // No info_hash: every served episode; an unknown or malformed one: left out.
    expect(Buffer.from(await (await fetch(`${baseUrl}scrape`)).arrayBuffer())).toEqual(scrapeBytes)
    const unknownQuery = `info_hash=${escapeBytes(randomBytes(20))}&info_hash=short`
    expect(Buffer.from(await (await fetch(`${baseUrl}scrape?${unknownQuery}`)).arrayBuffer()).toString('latin1')).toBe('d5:filesde5:flagsd20:min_request_intervali600eee')

    const unknown = randomBytes(20).toString('hex')
    expect(failureOf(await httpAnnounce(`${baseUrl}announce`, unknown))).toMatch(/only tracks the episodes of the shows served here/)
    expect((await wsAnnounce(running.tracker.ws, unknown))['failure reason']).toMatch(/only tracks/)
    const wsKnown = await wsAnnounce(running.tracker.ws, first.episode.infoHash)
    expect(wsKnown['failure reason']).toBeUndefined()
    expect(wsKnown.complete + wsKnown.incomplete).toBeGreaterThanOrEqual(2)

    // Published while serving: tracked at once; turned into a draft: refused again.
    const later = await publish(dir, fixture('episode-2.mp3'), { date: '2026-11-02T09:00:00Z' })
    expect(failureOf(await httpAnnounce(`${baseUrl}announce`, later.episode.infoHash))).toBeUndefined()
    await editEpisode(dir, later.episode.slug, { draft: true })
    expect(failureOf(await httpAnnounce(`${baseUrl}announce`, later.episode.infoHash))).toMatch(/only tracks/)

    // UDP (--udp-tracker): a BEP 15 connect is answered with the same transaction id.
    const udp = createSocket('udp4')
    cleanups.push(() => { udp.close() })
    const connect = Buffer.concat([Buffer.from('0000041727101980', 'hex'), Buffer.from('00000000', 'hex'), Buffer.from('cafebabe', 'hex')])
    const reply = new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no UDP answer in 10 s')), 10_000)
      udp.once('message', message => { clearTimeout(timer); resolve(message) })
    })
    udp.send(connect, port, '127.0.0.1')
    const answer = await reply
    expect(answer.subarray(0, 8).toString('hex')).toBe('00000000cafebabe')

    // Only the announce path upgrades to a WebSocket.
    await expect(wsAnnounce(`ws://127.0.0.1:${port}/show/rss.xml`, first.episode.infoHash)).rejects.toThrow(/WebSocket error/)
  })

  it('--udp-tracker on port 0: HTTP and UDP on one number, never UDP on a number the kernel picked for TCP (another socket may hold it)', async () => {
    const dir = await trackedShowNamingAnotherPort()
    // Every UDP number asked for by number is held, as another process's uTP, DHT or tracker
    // client socket may hold the one the kernel gave serve's TCP (serve then failed: ELISTEN).
    const held = await boundUdp()
    cleanups.push(() => { held.close() })
    const restore = redirectUdpBinds(port => port === 0 ? undefined : held.address().port)
    let running: RunningServer
    try {
      running = await serve(dir, 0, true)
    } finally {
      restore()
    }
    expect(running.tracker.udp).toBe(`udp://127.0.0.1:${running.port}/announce`)
    expect(await udpConnectAnswered(running.port)).toBe(true)
  })

  it('--udp-tracker on port 0: a UDP number whose TCP port is taken is passed over for another', async () => {
    const dir = await trackedShowNamingAnotherPort()
    const blocker = createTcpServer()
    await new Promise<void>(resolve => blocker.listen(0, '127.0.0.1', () => resolve()))
    cleanups.push(() => { blocker.close() })
    const taken = (blocker.address() as { port: number }).port
    // The first UDP port the kernel hands serve is one whose TCP port another server holds.
    let first = true
    const restore = redirectUdpBinds(port => port === 0 && first ? (first = false, taken) : undefined)
    let running: RunningServer
    try {
      running = await serve(dir, 0, true)
    } finally {
      restore()
    }
    expect(first).toBe(false)
    expect(running.port).not.toBe(taken)
    expect(running.tracker.udp).toBe(`udp://127.0.0.1:${running.port}/announce`)
    expect(await udpConnectAnswered(running.port)).toBe(true)
  })

  it('puts two peers announcing a new torrent at the same moment in one swarm, so the first is told of the second and gets its offer', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const port = await freePort()
    const dir = join(tmp.path, 'show')
    await initShow(dir, {
      title: 'Tracked', description: 'd', author: 'A', ownerName: 'A', ownerEmail: 'a@example.org',
      language: 'en', category: 'Technology', baseUrl: `http://127.0.0.1:${port}/show/`, trackers: ['self']
    })
    const { episode } = await publish(dir, fixture('episode.mp3'), { date: '2026-11-01T09:00:00Z' })
    const running = await serve(dir, port)
    const peers = await Promise.all([wsPeer(running.tracker.ws), wsPeer(running.tracker.ws)])
    const ids = peers.map(() => randomBytes(20))
    // Sent in the same tick, so both reach the tracker while it checks the infohash (a stat
    // of the catalog): bittorrent-tracker alone then made two swarms, the second replacing
    // the first, and each peer was alone in its own.
    peers.forEach(({ socket }, i) => socket.send(JSON.stringify({
      action: 'announce', info_hash: Buffer.from(episode.infoHash, 'hex').toString('latin1'), peer_id: ids[i]!.toString('latin1'),
      numwant: 1, uploaded: 0, downloaded: 0, left: 100, event: 'started',
      offers: [{ offer: { type: 'offer', sdp: `offer of peer ${i}` }, offer_id: randomBytes(20).toString('latin1') }]
    })))
    const answers = await Promise.all(peers.map(({ next }) => next(message => message.action === 'announce' && message.interval !== undefined)))
    for (const answer of answers) expect(answer['failure reason']).toBeUndefined()
    // One swarm: whichever was handled second saw the first.
    expect(answers.map(answer => answer.complete + answer.incomplete).sort()).toEqual([1, 2])
    const second = answers.findIndex(answer => answer.complete + answer.incomplete === 2)
    const relayed = await peers[1 - second]!.next(message => message.offer !== undefined)
    expect(relayed.offer.sdp).toBe(`offer of peer ${second}`)
    expect(Buffer.from(String(relayed.peer_id), 'latin1').equals(ids[second]!)).toBe(true)
  })

  it("aria2c gets the demo from its magnet alone: the seeder is found through the show's own tracker, the web seed is out of reach", async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const port = await freePort()
    const demo = await buildDemoShow({ dir: join(tmp.path, 'demo'), fixturesDir: join(repoRoot, 'fixtures'), baseUrl: `http://127.0.0.1:${port}/` })
    const episode = demo.episodes[0]!
    expect(parseMagnet(episode.magnet).trackers).toEqual([`http://127.0.0.1:${port}/announce`, `ws://127.0.0.1:${port}/announce`])

    const running = await serve(demo.dir, port)
    // The web seed (and the .torrent of xs=) out of reach: such requests are cut before any answer.
    const cut: string[] = []
    running.server.server.prependListener('request', (request: import('node:http').IncomingMessage) => {
      if (/\/(media|torrents)\//.test(request.url ?? '')) { cut.push(request.url!); request.socket.destroy() }
    })
    const seeder = await seedTorrents([demo.dir], { dht: false, lsd: false, webrtc: false, stateDir: join(tmp.path, 'state'), statsIntervalMs: 0 })
    cleanups.push(() => seeder.stop('stopped'))

    const out = join(tmp.path, 'aria2')
    const aria = await aria2Download(episode.magnet, out, 60_000)
    expect(aria.code, aria.output).toBe(0)
    const fetched = await readFile(join(out, `${episode.episode.slug}.mp3`))
    const original = await readFile(fixture('episode.mp3'))
    expect(createHash('sha256').update(fetched).digest('hex')).toBe(createHash('sha256').update(original).digest('hex'))
    expect(cut).toEqual([])
    expect(seeder.torrents.get(episode.episode.infoHash)!.torrent.uploaded).toBeGreaterThanOrEqual(original.length)
  })
})
