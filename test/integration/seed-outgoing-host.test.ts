// `seed --host A` keeps the peer side on A both ways: besides listening there, what the
// seeder opens itself leaves from A (outgoing-host.ts). The seeder runs with --host
// 127.0.0.2 while everything else is on 127.0.0.1, so the source address each server sees
// tells which interface was used: the UDP tracker's announces and a TCP connection the
// seeder dials to a peer it learnt from the HTTP tracker. (HTTP tracker requests are not
// bound: see outgoing-host.ts; the seeder's HTTP announce must still get through.) uTP is
// off so that the dial is TCP (outgoing uTP goes through the listening socket, on the host).
import { randomBytes } from 'node:crypto'
import { createServer, type Socket } from 'node:net'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Server } from 'bittorrent-tracker'
import { afterEach, describe, expect, it } from 'vitest'
import { createTorrent } from '../../src/torrent/create.js'
import { binPath } from '../helpers/cli.ts'
import { startJsonProcess, waitForLines, within } from '../helpers/json-process.ts'
import { tempDir } from '../helpers/tmp.ts'
import { httpAnnounce, startTracker } from '../helpers/tracker.ts'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

/** A UDP-only bittorrent-tracker on 127.0.0.1; `starts` collects the address of every 'started' announce. */
async function startUdpTracker (): Promise<{ url: string, starts: string[] }> {
  const server = new Server({ http: false, ws: false, udp: true, stats: false, interval: 60_000 })
  server.on('warning', () => {})
  server.on('error', () => {})
  // udp4 on 127.0.0.1; udp6 (which bittorrent-tracker always makes) on ::1.
  await new Promise<void>(resolve => server.listen(0, { udp: '127.0.0.1', udp6: '::1' } as unknown as string, () => resolve()))
  cleanups.push(() => new Promise<void>(resolve => server.close(() => resolve())))
  const starts: string[] = []
  server.on('start', (addr: string) => starts.push(addr))
  return { url: `udp://127.0.0.1:${(server.udp4!.address() as { port: number }).port}`, starts }
}

describe('seed --host: outgoing connections leave from the host', () => {
  it('announces over HTTP and UDP and dials peers from 127.0.0.2, never 127.0.0.1', async () => {
    const tmp = await tempDir()
    cleanups.push(tmp.cleanup)
    const http = await startTracker({ ws: false, interval: 60_000 })
    cleanups.push(http.close)
    const httpStarts: string[] = []
    http.server.on('start', (addr: string) => httpStarts.push(addr))
    const udp = await startUdpTracker()

    const data = join(tmp.path, 'episode.bin')
    await writeFile(data, randomBytes(256 * 1024))
    const { torrent, infoHash } = await createTorrent(data, { announce: [[http.httpUrl], [udp.url]] })
    const torrentPath = join(tmp.path, 'episode.torrent')
    await writeFile(torrentPath, torrent)

    // A "leecher" the tracker will hand to the seeder: a TCP listener that records who dials it.
    const dialled: Socket[] = []
    const peer = createServer(socket => { dialled.push(socket); socket.on('error', () => {}) })
    await new Promise<void>(resolve => peer.listen(0, '127.0.0.1', () => resolve()))
    cleanups.push(() => { for (const socket of dialled) socket.destroy(); return new Promise<void>(resolve => peer.close(() => resolve())) })
    const answer = await httpAnnounce(http.httpUrl, infoHash, (peer.address() as { port: number }).port)
    expect(answer['failure reason']).toBeUndefined()

    const seeder = startJsonProcess([binPath, 'seed', torrentPath, '--host', '127.0.0.2', '--no-dht', '--no-lsd', '--no-webrtc', '--no-utp', '--state', join(tmp.path, 'state'), '--json'])
    cleanups.push(seeder.kill)
    await waitForLines('the seeder announced to both trackers and dialled the peer', 30_000,
      () => httpStarts.length === 2 && udp.starts.length > 0 && dialled.length > 0, [seeder])
      .catch((error: Error) => { throw new Error(`${error.message}; HTTP announces from ${httpStarts.join(', ')}; UDP from ${udp.starts.join(', ') || 'nowhere'}; ${dialled.length} dialled; ${seeder.stderr()}`) })

    const port = seeder.lines.find(line => line.event === 'started')!.port as number
    // The stand-in peer's own announce, then the seeder's.
    expect(httpStarts[0]).toBe(`127.0.0.1:${(peer.address() as { port: number }).port}`)
    expect(httpStarts[1]).toBe(`127.0.0.2:${port}`)
    expect(udp.starts).toEqual([`127.0.0.2:${port}`])
    expect(dialled.map(socket => socket.remoteAddress)).toEqual(dialled.map(() => '127.0.0.2'))

    seeder.child.kill('SIGTERM')
    expect((await within(seeder.exited, 15_000, 'seeder stop')).code).toBe(0)
  }, 60_000)
})
