// SHA-1 of pieces claimed from a shared cursor. Runs as the hasher's worker thread and is
// also imported by the calling thread, which claims from the same cursor: whichever thread
// gets the CPU does the work, so a thread descheduled on a busy machine does not stall
// the other. Self-contained (only node: imports) so it runs compiled and from source.
import { hash } from 'node:crypto'
import { parentPort, workerData } from 'node:worker_threads'

/** One chunk of whole pieces in shared memory, and where its digests go. */
export interface ChunkJob {
  /** The chunk's bytes. */
  memory: SharedArrayBuffer
  /** Bytes in the chunk (the last piece may be short). */
  length: number
  pieceLength: number
  /** Shared Int32Array of claim cursors, one per chunk slot; `slot` is this chunk's. */
  cursors: SharedArrayBuffer
  slot: number
  /** Pieces claimed per step. */
  batch: number
  /** 20 bytes per piece of the whole torrent; this chunk starts at `firstPiece`. */
  digests: SharedArrayBuffer
  firstPiece: number
}

/** Claims batches of the chunk's pieces until none are left; returns how many it hashed. */
export function hashClaimedPieces (job: ChunkJob): number {
  let hashed = 0
  for (let count = hashOneBatch(job); count > 0; count = hashOneBatch(job)) hashed += count
  return hashed
}

/** Claims and hashes one batch of the chunk's pieces; 0 when none are left. */
export function hashOneBatch (job: ChunkJob): number {
  const pieceCount = Math.ceil(job.length / job.pieceLength)
  const first = Atomics.add(new Int32Array(job.cursors), job.slot, job.batch)
  if (first >= pieceCount) return 0
  const last = Math.min(first + job.batch, pieceCount)
  const digests = new Uint8Array(job.digests)
  for (let piece = first; piece < last; piece++) {
    const start = piece * job.pieceLength
    const end = Math.min(start + job.pieceLength, job.length)
    digests.set(hash('sha1', new Uint8Array(job.memory, start, end - start), 'buffer'), (job.firstPiece + piece) * 20)
  }
  return last - first
}

/** Marks the hasher's own worker; the main thread (or someone else's worker) imports this module too. */
export const HASH_WORKER_ROLE = 'seedcast-hash-worker'

if (parentPort && (workerData as { role?: string } | undefined)?.role === HASH_WORKER_ROLE) {
  const port = parentPort
  port.on('message', (message: { id: number, job: ChunkJob }) => {
    port.postMessage({ id: message.id, hashed: hashClaimedPieces(message.job) })
  })
}
