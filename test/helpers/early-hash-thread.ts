import { Worker } from 'node:worker_threads'
import { startHashWorkerThread } from '../../src/torrent/hash-worker-thread.js'

/**
 * Whether the thread startHashWorkerThread gives now is one started before this call
 * (startHashWorkerEarly's): a thread started in between (a marker) has a higher threadId
 * than an early one and a lower one than a new one. Both threads are stopped after.
 */
export async function takesEarlyThread (): Promise<boolean> {
  const marker = new Worker('', { eval: true })
  const taken = startHashWorkerThread()
  const early = taken.threadId < marker.threadId
  await Promise.all([marker.terminate(), taken.terminate()])
  return early
}
