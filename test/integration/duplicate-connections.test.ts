// seedcast and a libtorrent peer dialling each other over uTP at the same moment: each
// side then holds two connections to the other, and each closes one. If they close
// different ones the pair ends with none; WebTorrent's own bookkeeping (peers keyed by
// "ip:port", which both uTP connections share) also destroyed the kept one along with the
// duplicate. libtorrent (default settings, one connection per IP) keeps the connection
// opened by the side with the lower listen port, so the rounds alternate seedcast's port
// below and above libtorrent's (ephemeral, 32768-60999). Each round asserts that exactly
// one connection is left on both sides, the same one, and that libtorrent gets the bytes.
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { closeClient, createClient } from '../../src/swarm/client.js'
import { fastPathCounts } from '../../src/swarm/fast-path-counts.js'
import { createTorrent } from '../../src/torrent/create.js'
import { within } from '../helpers/json-process.js'
import { startLibtorrentDialler, type LibtorrentPeerStatus } from '../helpers/libtorrent.js'
import { freePort } from '../helpers/ports.js'
import { tempDir } from '../helpers/tmp.js'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

const SIZE = 256 * 1024
/** libtorrent takes at most this much a second, so each round's connection lasts seconds. */
const LIMIT = 32 * 1024
const ROUNDS = 6

/** Polls libtorrent's status until `test` holds, for at most `ms`. */
async function statusUntil (status: () => Promise<LibtorrentPeerStatus>, what: string, test: (s: LibtorrentPeerStatus) => boolean, ms: number): Promise<LibtorrentPeerStatus> {
  for (const deadline = Date.now() + ms; ;) {
    const now = await status()
    if (test(now)) return now
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms (libtorrent: ${JSON.stringify(now)})`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

/** The first port from `from` (counting by `step`) that TCP can listen on at 127.0.0.1 now (uTP takes the same number). */
async function portFrom (from: number, step: number): Promise<number> {
  for (let port = from, tries = 0; tries < 50; port += step, tries++) {
    const free = await new Promise<boolean>(resolve => {
      const server = createServer()
      server.once('error', () => resolve(false))
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
    })
    if (free) return port
  }
  throw new Error(`no free port from ${from}`)
}

describe('simultaneous uTP dials between seedcast and libtorrent', () => {
  it(`leave the same one connection on each side, round after round (${ROUNDS} rounds)`, async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const media = join(tmp.path, 'media')
    await mkdir(media)
    const data = randomBytes(SIZE)
    await writeFile(join(media, 'episode.bin'), data)
    const { torrent: torrentFile } = await createTorrent(join(media, 'episode.bin'), { announce: [], pieceLength: 16384 })
    const torrentPath = join(tmp.path, 'episode.torrent')
    await writeFile(torrentPath, torrentFile)

    let races = 0
    for (let round = 1; round <= ROUNDS; round++) {
      // Odd rounds: seedcast listens below libtorrent's port (freePort's, 22000 and up: libtorrent
      // keeps seedcast's connection); even rounds: above it (seedcast keeps libtorrent's).
      const seedPort = round % 2 === 1 ? await portFrom(20_000 + round * 7, 1) : await portFrom(65_000 - round * 7, -1)
      const client: any = createClient({ dht: false, lsd: false, trackers: false, webrtc: false, pex: false, torrentPort: seedPort })
      cleanups.push(() => closeClient(client))
      const torrent: any = client.add(torrentFile, { path: media, announce: [] })
      if (!torrent.done) await within(once(torrent, 'done'), 20_000, 'seedcast verifying its copy')
      if (!client.listening) await within(once(client, 'listening'), 10_000, 'seedcast listening')
      expect((client.address() as { port: number }).port).toBe(seedPort)

      const saveDir = join(tmp.path, `libtorrent-${round}`)
      await mkdir(saveDir)
      const duplicatesBefore = fastPathCounts.duplicateConnections
      const libtorrent = await startLibtorrentDialler([{ torrentPath, savePath: saveDir }], { transport: 'utp', downloadLimit: LIMIT })
      cleanups.push(libtorrent.stop)
      // Evidence that the race ran: both connections were opened (uTP level) this round.
      let incoming: any
      let dialled: any
      let outgoing = false
      // libtorrent dials first; seedcast dials back the moment libtorrent's connection arrives
      // (its SYN), before libtorrent's handshake can: both connections get made, every round.
      // (Dialling after libtorrent.dial() answered raced that handshake: under load it was
      // sometimes registered first, WebTorrent refused the dial as a duplicate address, and
      // the round waited on the kept connection as if it were the dropped one.)
      const dialledBack = new Promise<void>(resolve => {
        client._connPool.utpServer.on('connection', (conn: { remotePort?: number }) => {
          if (conn.remotePort !== libtorrent.port || incoming) return
          incoming = conn
          // After utp-native's accept callback has returned, before the next packet is read.
          setImmediate(() => {
            torrent.addPeer(`127.0.0.1:${libtorrent.port}`)
            dialled = torrent._peers.get(`127.0.0.1:${libtorrent.port}`)
            if (dialled?.type === 'utpOutgoing') dialled.once('connect', () => { outgoing = true })
            resolve()
          })
        })
      })
      await libtorrent.dial('127.0.0.1', seedPort)
      await within(dialledBack, 10_000, `round ${round}: libtorrent's connection reaching seedcast`)
      expect(dialled?.type, `round ${round}: seedcast's dial back`).toBe('utpOutgoing')

      // A quarter downloaded: both dials were answered long ago (loopback), the race is settled.
      const settled = await statusUntil(() => libtorrent.status(), `round ${round}: libtorrent downloading`, s => s.downloaded >= SIZE / 4, 60_000)
      const ours = (torrent.wires as any[]).filter(wire => !wire.destroyed && wire.remoteAddress === '127.0.0.1' && wire.remotePort === libtorrent.port)
      const story = `round ${round} (seedcast port ${seedPort}, libtorrent ${libtorrent.port}): libtorrent ${JSON.stringify(settled)}, seedcast ${JSON.stringify(ours.map(wire => wire.type))}`
      expect(ours.length, story).toBe(1)
      expect(settled.peers.filter(peer => !peer.connecting).length, story).toBe(1)
      // The same connection on both ends: the one seedcast opened is the one libtorrent received.
      expect(settled.peers[0]!.outgoing, story).toBe(ours[0].type === 'utpIncoming')

      // The other connection ends on seedcast's side too, and ending it leaves the kept one
      // alone (WebTorrent's removePeer by "ip:port" destroyed both: libtorrent's close of the
      // loser, a FIN libutp cannot read, used to surface only at the handshake timeout, 25 s).
      const loser = ours[0].type === 'utpIncoming' ? dialled : incoming?.[Symbol.for('seedcast.peerOfWire')]
      if (loser) {
        for (const deadline = Date.now() + 40_000; !loser.destroyed;) {
          if (Date.now() > deadline) throw new Error(`${story}: the dropped connection still open on seedcast's side after 40 s`)
          await new Promise(resolve => setTimeout(resolve, 50))
        }
        expect(ours[0].destroyed, `${story}: the kept connection was destroyed with the dropped one`).toBe(false)
      }

      await statusUntil(() => libtorrent.status(), `round ${round}: libtorrent complete`, s => s.seeding, 60_000)
      expect(Buffer.compare(await readFile(join(saveDir, 'episode.bin')), data)).toBe(0)
      if (incoming !== undefined && outgoing) races++
      console.log(`${story}; both dials connected: ${Boolean(incoming) && outgoing}; closed as duplicates by libtorrent ${settled.closed.filter(reason => /duplicate/i.test(reason)).length}, by seedcast ${fastPathCounts.duplicateConnections - duplicatesBefore}`)
      await libtorrent.stop()
      await closeClient(client)
    }
    // The race really ran: in every round both dials connected.
    expect(races).toBe(ROUNDS)
  }, 400_000)
  // A libtorrent peer reachable at two addresses (it listens on 127.0.0.1 and 127.0.0.2,
  // one port) dials seedcast from 127.0.0.2; seedcast, told of it at 127.0.0.1, dials it
  // there. Keyed by address these are two peers. libtorrent sees both from 127.0.0.1 and,
  // its listen port being the higher, keeps seedcast's and closes its own with a FIN libutp
  // cannot read: `peers` counted this leecher twice while that connection stayed open here,
  // or (seedcast's duplicate rule then keeping the lower peer id's, libtorrent's) ended with none.
  it('count a peer reached at two addresses once (3 rounds)', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const media = join(tmp.path, 'media')
    await mkdir(media)
    const data = randomBytes(SIZE)
    await writeFile(join(media, 'episode.bin'), data)
    const { torrent: torrentFile } = await createTorrent(join(media, 'episode.bin'), { announce: [], pieceLength: 16384 })
    const torrentPath = join(tmp.path, 'episode.torrent')
    await writeFile(torrentPath, torrentFile)
    // Below libtorrent's ports (freePort's, 22000 and up), so libtorrent keeps seedcast's connection.
    const seedPort = await portFrom(21_000, 1)
    const client: any = createClient({ dht: false, lsd: false, trackers: false, webrtc: false, pex: false, torrentPort: seedPort })
    cleanups.push(() => closeClient(client))
    const torrent: any = client.add(torrentFile, { path: media, announce: [] })
    if (!torrent.done) await within(once(torrent, 'done'), 20_000, 'seedcast verifying its copy')
    if (!client.listening) await within(once(client, 'listening'), 10_000, 'seedcast listening')

    for (let round = 1; round <= 3; round++) {
      const saveDir = join(tmp.path, `libtorrent-${round}`)
      await mkdir(saveDir)
      const port = await freePort()
      const libtorrent = await startLibtorrentDialler([{ torrentPath, savePath: saveDir }], { transport: 'utp', downloadLimit: LIMIT, listen: `127.0.0.1:${port},127.0.0.2:${port}` })
      cleanups.push(libtorrent.stop)
      expect(libtorrent.port).toBe(port)
      expect(port).toBeGreaterThan(seedPort)
      const fromLibtorrent = (wire: any) => !wire.destroyed && wire.remotePort === port && ['127.0.0.1', '127.0.0.2'].includes(wire.remoteAddress)
      const opened: string[] = []
      torrent.on('wire', (wire: any) => { if (fromLibtorrent(wire)) opened.push(`${wire.type} ${wire.remoteAddress}`) })
      await libtorrent.dial('127.0.0.1', seedPort)
      for (const deadline = Date.now() + 30_000; !(torrent.wires as any[]).some(wire => fromLibtorrent(wire) && wire.remoteAddress === '127.0.0.2');) {
        if (Date.now() > deadline) throw new Error(`round ${round}: libtorrent's connection from 127.0.0.2 not handshaken within 30 s`)
        await new Promise(resolve => setTimeout(resolve, 20))
      }
      expect((torrent.wires as any[]).filter(fromLibtorrent).map(wire => wire.remoteAddress)).toEqual(['127.0.0.2'])
      torrent.addPeer(`127.0.0.1:${port}`)
      // What became of seedcast's dial, below the BitTorrent handshake: told in the story of a failure.
      const dial: string[] = []
      const dialled: any = torrent._peers.get(`127.0.0.1:${port}`)
      const since = Date.now()
      if (dialled?.type !== 'utpOutgoing') dial.push(`not dialled (${dialled?.type ?? 'no peer'})`)
      dialled?.conn?.once('connect', () => {
        dial.push(`uTP connected +${Date.now() - since} ms`)
        // WebTorrent's own 'connect' listener ran first and made the wire.
        dialled.wire?.once('handshake', () => dial.push(`handshake +${Date.now() - since} ms`))
      })
      dialled?.conn?.once('close', () => dial.push(`uTP closed +${Date.now() - since} ms`))
      dialled?.conn?.once('error', (error: Error) => dial.push(`uTP error ${error.message}`))
      // libtorrent answers the second connection's handshake when it gets to it: 2 to 480 ms
      // here, seconds at load 7. So the round goes on once seedcast holds both wires; judged
      // at "a quarter downloaded" alone, a late answer looked like a dial that never happened
      // (libtorrent then listed only its own connection and had closed none).
      for (const deadline = Date.now() + 30_000; opened.length < 2;) {
        if (Date.now() > deadline) throw new Error(`round ${round}: seedcast's dial to 127.0.0.1:${port} not handshaken within 30 s: opened ${JSON.stringify(opened)}, seedcast's dial ${JSON.stringify(dial)}, libtorrent ${JSON.stringify(await libtorrent.status())}`)
        await new Promise(resolve => setTimeout(resolve, 20))
      }

      const settled = await statusUntil(() => libtorrent.status(), `round ${round}: libtorrent downloading`, s => s.downloaded >= SIZE / 4, 60_000)
      const ours = (torrent.wires as any[]).filter(fromLibtorrent)
      const story = `round ${round}: libtorrent ${JSON.stringify(settled)}, seedcast ${JSON.stringify(ours.map(wire => `${wire.type} ${wire.remoteAddress}`))}, opened ${JSON.stringify(opened)}, seedcast's dial ${JSON.stringify(dial)}`
      expect(opened, story).toEqual(['utpIncoming 127.0.0.2', 'utpOutgoing 127.0.0.1'])
      expect(ours.length, story).toBe(1)
      expect(settled.peers.filter(peer => !peer.connecting).length, story).toBe(1)
      expect(settled.peers[0]!.outgoing, story).toBe(ours[0].type === 'utpIncoming')
      await statusUntil(() => libtorrent.status(), `round ${round}: libtorrent complete`, s => s.seeding, 60_000)
      expect(Buffer.compare(await readFile(join(saveDir, 'episode.bin')), data)).toBe(0)
      console.log(story)
      await libtorrent.stop()
    }
  }, 300_000)
})
