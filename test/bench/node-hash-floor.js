// The floor of any Node program that makes a .torrent's piece hashes (issue 13), run by the
// torrent bench beside `seedcast create` and `mktorrent -t2`: this thread and one worker per
// other core claim batches of pieces from a shared counter and hash them as seedcast's lanes do
// (positioned reads into one reused buffer, crypto.hash), with nothing else: no CLI, no
// modules but Node's own, no .torrent written. What it costs over mktorrent is Node's own
// start and a worker's boot; seedcast create can only add to it.
// Plain JavaScript: a .ts file would load Node's type stripper into every thread (+25 MiB RSS,
// +60-160 ms of CPU measured), which is no part of hashing.
// node test/bench/node-hash-floor.js FILE PIECE_LENGTH → prints the SHA-1 of the piece hashes.
import { hash } from 'node:crypto'
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { Worker, isMainThread, workerData } from 'node:worker_threads'

const BATCH = 4

/** @param {{ path: string, pieceLength: number, next: SharedArrayBuffer, digests: SharedArrayBuffer }} job */
function lane ({ path, pieceLength, next, digests }) {
  const counter = new Int32Array(next)
  const out = new Uint8Array(digests)
  const fd = openSync(path, 'r')
  const size = fstatSync(fd).size
  const pieces = Math.ceil(size / pieceLength)
  const buffer = Buffer.allocUnsafe(pieceLength * BATCH)
  try {
    for (let first = Atomics.add(counter, 0, BATCH); first < pieces; first = Atomics.add(counter, 0, BATCH)) {
      const start = first * pieceLength
      const got = readSync(fd, buffer, 0, Math.min(BATCH * pieceLength, size - start), start)
      for (let at = 0; at < got; at += pieceLength) {
        out.set(hash('sha1', buffer.subarray(at, Math.min(at + pieceLength, got)), 'buffer'), (first + at / pieceLength) * 20)
      }
    }
  } finally {
    closeSync(fd)
  }
}

if (isMainThread) {
  const [path, pieceLength] = [process.argv[2], Number(process.argv[3])]
  const fd = openSync(path, 'r')
  const size = fstatSync(fd).size
  closeSync(fd)
  const job = { path, pieceLength, next: new SharedArrayBuffer(4), digests: new SharedArrayBuffer(Math.ceil(size / pieceLength) * 20) }
  const workers = Array.from({ length: availableParallelism() - 1 }, () => new Worker(new URL(import.meta.url), { workerData: job }))
  const exited = workers.map(worker => new Promise((resolve, reject) => { worker.on('exit', resolve).on('error', reject) }))
  lane(job)
  await Promise.all(exited)
  process.stdout.write(hash('sha1', Buffer.from(job.digests)) + '\n')
} else {
  lane(workerData)
}
