// Worker thread of the piece hasher. Self-contained (only node: imports) so it runs both
// compiled (dist/…/hash-worker.js) and from source under Node's type stripping.
import { hash } from 'node:crypto'
import { parentPort } from 'node:worker_threads'

interface PieceJob { id: number, memory: SharedArrayBuffer, offset: number, length: number, pieceLength: number }

parentPort?.on('message', (job: PieceJob) => {
  parentPort?.postMessage({ id: job.id, digests: sha1Pieces(job) })
})

/** SHA-1 of each `pieceLength` slice of the range (the last may be shorter), concatenated. */
function sha1Pieces (job: PieceJob): Uint8Array {
  const count = Math.ceil(job.length / job.pieceLength)
  const digests = new Uint8Array(count * 20)
  for (let i = 0; i < count; i++) {
    const start = job.offset + i * job.pieceLength
    const end = Math.min(start + job.pieceLength, job.offset + job.length)
    digests.set(hash('sha1', new Uint8Array(job.memory, start, end - start), 'buffer'), i * 20)
  }
  return digests
}
