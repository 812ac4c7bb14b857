// `get` reads a TCP peer's socket into one buffer that every read reuses (direct-receive.ts):
// a message left half-read at the end of a read, or one the wire keeps (a bitfield, an
// extended handshake), must survive the next read overwriting that buffer. A seeder on a
// raw socket (bittorrent-protocol's own Wire, answering every request) sends its bytes cut
// at awkward places, one slice per write with a pause between, so that get's reads end
// inside length prefixes, message ids, piece headers and blocks. Every piece is SHA-1
// checked by get; the file must come out whole with no hash failure.
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { createServer, type Socket } from 'node:net'
import { join } from 'node:path'
import Wire from 'bittorrent-protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { download } from '../../src/swarm/download/download.js'
import { fastPathCounts, snapshotFastPathCounts } from '../../src/swarm/fast-path-counts.js'
import { createTorrent } from '../../src/torrent/create.js'
import { announceFrom } from '../helpers/hostile-peer.js'
import { tempDir } from '../helpers/tmp.js'
import { startTracker } from '../helpers/tracker.js'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

const PIECE_LENGTH = 32 * 1024
/** Slice sizes, in turn: inside a length prefix, at a message id, inside a piece header, around a block. */
const SLICES = [1, 2, 3, 4, 5, 9, 13, 17, 100, 4096, 16384, 16397, 16398, 30000]

interface SeederWire {
  on: (event: string, listener: (...args: any[]) => void) => void
  once: (event: string, listener: (...args: any[]) => void) => void
  write: (chunk: Uint8Array) => void
  handshake: (infoHash: string, peerId: string, extensions?: object) => void
  setInfoHash: (infoHash: string) => void
  bitfield: (bitfield: Uint8Array) => void
  unchoke: () => void
  destroy: () => void
}

/**
 * Writes what `wire` sends into `socket` cut into SLICES, one write per slice, a millisecond
 * apart. Resolves `drained` whenever everything so far is written.
 */
function writeInSlices (wire: SeederWire, socket: Socket): { drained: () => Promise<void> } {
  const pending: Uint8Array[] = []
  let pumping: Promise<void> | undefined
  let turn = 0
  const pump = async () => {
    while (pending.length > 0 && !socket.destroyed) {
      let size = SLICES[turn++ % SLICES.length]!
      const parts: Uint8Array[] = []
      while (size > 0 && pending.length > 0) {
        const head = pending[0]!
        const part = head.subarray(0, size)
        parts.push(part)
        size -= part.length
        if (part.length === head.length) pending.shift()
        else pending[0] = head.subarray(part.length)
      }
      socket.write(Buffer.concat(parts))
      await new Promise(resolve => setTimeout(resolve, 1))
    }
    pumping = undefined
  }
  wire.on('data', (chunk: Uint8Array) => {
    pending.push(chunk)
    pumping ??= pump()
  })
  return { drained: async () => { while (pumping) await pumping } }
}

/** A bitfield message for `pieces` pieces, all present. */
function bitfieldMessage (pieces: number): Buffer {
  const bits = Buffer.alloc(Math.ceil(pieces / 8), 0xff)
  bits[bits.length - 1] = (0xff << (bits.length * 8 - pieces)) & 0xff
  const head = Buffer.alloc(5)
  head.writeUInt32BE(1 + bits.length, 0)
  head[4] = 5
  return Buffer.concat([head, bits])
}

/** An honest seeder of `content` that cuts everything it sends (see writeInSlices). */
async function startSlicingSeeder (infoHash: string, content: Buffer, pieces: number) {
  const wires: SeederWire[] = []
  const server = createServer(socket => {
    socket.setNoDelay(true)
    socket.on('error', () => {})
    // PE allowed, as webtorrent's own peers: get may open with an encrypted handshake.
    const wire = new (Wire as unknown as new (type: string, pe: number) => SeederWire)('tcpIncoming', 1)
    wires.push(wire)
    wire.on('error', () => {})
    socket.on('data', (chunk: Uint8Array) => wire.write(chunk))
    socket.on('close', () => wire.destroy())
    const sliced = writeInSlices(wire, socket)
    wire.once('crypto-infohash', () => wire.setInfoHash(infoHash))
    wire.once('handshake', () => {
      wire.handshake(infoHash, '2d5853303030312d' + randomBytes(12).toString('hex'), { dht: false })
      // The bitfield whole, in a write of its own once the handshakes are through: it is read
      // into the shared buffer at a message boundary, and the wire keeps it (a copy must).
      void sliced.drained().then(() => new Promise(resolve => setTimeout(resolve, 50))).then(() => {
        socket.write(bitfieldMessage(pieces))
        wire.unchoke()
      })
    })
    wire.on('request', (index: number, offset: number, length: number, respond: (error: Error | null, block?: Uint8Array) => void) => {
      const start = index * PIECE_LENGTH + offset
      respond(null, content.subarray(start, start + length))
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  return { port, close: () => new Promise<void>(resolve => { for (const wire of wires) wire.destroy(); server.close(() => resolve()) }) }
}

describe('get from a peer whose bytes arrive cut at every kind of place', () => {
  it('reads them through the reused buffer and writes the file whole, every piece verified', async () => {
    const dir = await tempDir('seedcast-split-reads-')
    cleanups.push(dir.cleanup)
    const tracker = await startTracker({ ws: false, interval: 1000 })
    cleanups.push(tracker.close)
    const media = join(dir.path, 'media')
    await mkdir(media)
    // Not a whole number of pieces or blocks: the last block is short.
    const content = randomBytes(20 * PIECE_LENGTH + 5000)
    await writeFile(join(media, 'episode.bin'), content)
    const { torrent, infoHash } = await createTorrent(join(media, 'episode.bin'), { announce: [[tracker.httpUrl]], pieceLength: PIECE_LENGTH })
    const torrentPath = join(dir.path, 'episode.torrent')
    await writeFile(torrentPath, torrent)
    const pieces = Math.ceil(content.length / PIECE_LENGTH)
    const seeder = await startSlicingSeeder(infoHash, content, pieces)
    cleanups.push(seeder.close)
    await announceFrom(tracker.httpUrl, infoHash, seeder.port, '127.0.0.1')

    const before = snapshotFastPathCounts()
    const out = join(dir.path, 'out')
    const result = await download(torrentPath, { outputDir: out, dht: false, timeoutSeconds: 30 })
    expect(result.hashFailures).toBe(0)
    expect((await readFile(join(out, 'episode.bin'))).equals(content)).toBe(true)
    // The socket was read into the shared buffer, in many reads; messages straddled reads
    // (kept over in the wire's carry buffers), and the bitfield was handed over as a copy.
    const reads = fastPathCounts.straightReads - before.straightReads
    expect(reads).toBeGreaterThan(SLICES.length)
    expect(fastPathCounts.joinedMessages - before.joinedMessages).toBeGreaterThan(0)
    expect(fastPathCounts.copiedLentMessages - before.copiedLentMessages).toBeGreaterThan(0)
    expect(fastPathCounts.unzeroedPieces - before.unzeroedPieces).toBe(pieces)
  })
})
