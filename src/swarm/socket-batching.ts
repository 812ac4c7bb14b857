import { Socket } from 'node:net'
import { fastPathCounts } from './fast-path-counts.js'
import { releaseFramedBlock } from './seed/store.js'

const BATCHED = Symbol.for('seedcast.socketBatching')

type WriteWithCallback = (this: Socket, chunk: Uint8Array, cb: (err?: Error | null) => void) => boolean

/**
 * Upload batching for TCP peers. A leecher such as aria2c pipelines many block requests;
 * they arrive together in one socket read, and webtorrent answers each with its own
 * socket.write, i.e. one write(2) of 16 KiB per block - over loopback the syscalls were
 * most of the seeder's CPU time (profile of test/bench/swarm-seed.bench.ts). Corking the
 * socket on the first write of an event-loop turn and uncorking it in setImmediate sends
 * every block answered in that turn with one writev(2). `highWaterMark` lets a batch hold
 * more than the stream default before the pipe waits for 'drain'. Written blocks go back
 * to SeedStore's buffer pool (releaseFramedBlock). webtorrent-internals.ts finds the
 * socket under a wire (socketOfWire).
 */
export function batchSocketWrites (socket: Socket, highWaterMark: number): void {
  const tagged = socket as Socket & { [BATCHED]?: true, _writableState?: { highWaterMark: number } }
  if (tagged[BATCHED]) return
  tagged[BATCHED] = true
  if (tagged._writableState && tagged._writableState.highWaterMark < highWaterMark) tagged._writableState.highWaterMark = highWaterMark
  const write = socket.write
  let corked = false
  const flush = () => {
    corked = false
    fastPathCounts.batchFlushes++
    if (!socket.destroyed) socket.uncork()
  }
  socket.write = function (this: Socket, ...args: Parameters<Socket['write']>) {
    if (!corked && !socket.destroyed && socket.writable) {
      corked = true
      socket.cork()
      setImmediate(flush)
    }
    fastPathCounts.batchedWrites++
    const [chunk] = args
    // A lone block (how the wire pipe writes): once written, its buffer is free for reuse.
    if (args.length === 1 && chunk instanceof Uint8Array) {
      return (write as WriteWithCallback).call(this, chunk, err => { if (!err) releaseFramedBlock(chunk) })
    }
    return write.apply(this, args)
  } as Socket['write']
}

/** True for a TCP socket (what batchSocketWrites can batch). */
export function isTcpSocket (conn: unknown): conn is Socket {
  return conn instanceof Socket
}
