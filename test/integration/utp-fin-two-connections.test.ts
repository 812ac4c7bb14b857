// A libtorrent peer leeching two of seedcast's torrents over uTP: both connections come
// from its one UDP port, so utp-native holds two connections to the same sender. When
// libtorrent drops one torrent it closes that connection with a FIN libutp cannot read
// (libtorrent's close-reason extension); seedcast must end that connection, and only that
// one: the FIN names an address and port, not which of the two. Before, with two
// connections from the sender, seedcast left both open (the torrent dropped stayed
// connected until a keep-alive timed out, a minute or more).
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
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
/** Per torrent: 16 s for the whole file, so both connections are busy while the test looks. */
const LIMIT = 16 * 1024

async function until<T> (what: string, ms: number, probe: () => Promise<T> | T, test: (value: T) => boolean): Promise<T> {
  for (const deadline = Date.now() + ms; ;) {
    const value = await probe()
    if (test(value)) return value
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms (last: ${JSON.stringify(value)})`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

describe('a FIN libutp cannot read, with two uTP connections from its sender', () => {
  it('ends the connection libtorrent closed and keeps the other one transferring', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const media = join(tmp.path, 'media')
    await mkdir(media)
    const episodes = ['a.bin', 'b.bin'].map(name => ({ name, data: randomBytes(SIZE) }))
    // On a port free for TCP and UDP: given port 0, WebTorrent opens TCP on the port the kernel
    // gives, then uTP on that number, which another process's UDP socket may hold.
    const client: any = createClient({ dht: false, lsd: false, trackers: false, webrtc: false, pex: false, torrentPort: await freePort() })
    cleanups.push(() => closeClient(client))
    const torrents: any[] = []
    const files: Array<{ torrentPath: string, savePath: string }> = []
    for (const { name, data } of episodes) {
      await writeFile(join(media, name), data)
      const { torrent } = await createTorrent(join(media, name), { announce: [], pieceLength: 16384 })
      const torrentPath = join(tmp.path, `${name}.torrent`)
      await writeFile(torrentPath, torrent)
      const savePath = join(tmp.path, `libtorrent-${name}`)
      await mkdir(savePath)
      files.push({ torrentPath, savePath })
      const added = client.add(torrent, { path: media, announce: [] })
      if (!added.done) await within(once(added, 'done'), 20_000, `seedcast verifying ${name}`)
      torrents.push(added)
    }
    if (!client.listening) await within(once(client, 'listening'), 10_000, 'seedcast listening')
    const seedPort = (client.address() as { port: number }).port

    const libtorrent = await startLibtorrentDialler(files, { transport: 'utp', downloadLimit: LIMIT })
    cleanups.push(libtorrent.stop)
    await libtorrent.dial('127.0.0.1', seedPort)
    const wireOf = (torrent: any) => (torrent.wires as any[]).find(wire => !wire.destroyed && wire.remotePort === libtorrent.port && wire.type.startsWith('utp'))
    const [wireA, wireB] = await until('a uTP wire from libtorrent in each torrent', 30_000, () => torrents.map(wireOf), wires => wires.every(Boolean))
    // Both connections arrive on seedcast's one uTP socket from libtorrent's one UDP port.
    const sameSender = client._connPool.utpServer.connections.filter((conn: any) => conn.remoteAddress === '127.0.0.1' && conn.remotePort === libtorrent.port)
    expect(sameSender.length).toBe(2)
    await until('libtorrent downloading both', 30_000, () => Promise.all([0, 1].map(index => libtorrent.status(index))), (all: LibtorrentPeerStatus[]) => all.every(status => status.downloaded > 0))

    const finsBefore = fastPathCounts.unreadUtpFins
    await libtorrent.remove(0)
    await until('seedcast ending the connection of the torrent libtorrent dropped', 30_000, () => wireA.destroyed as boolean, destroyed => destroyed)
    expect(wireB.destroyed, 'the other torrent\'s connection was ended too').toBe(false)
    expect(fastPathCounts.unreadUtpFins).toBe(finsBefore + 1)
    // The kept connection goes on: libtorrent completes the other torrent from it.
    await until('libtorrent completing the torrent it kept', 60_000, () => libtorrent.status(1), (status: LibtorrentPeerStatus) => status.seeding)
    expect(Buffer.compare(await readFile(join(files[1]!.savePath, 'b.bin')), episodes[1]!.data)).toBe(0)
    expect(wireB.destroyed).toBe(false)
  }, 180_000)
})
