import type { IncomingMessage } from 'node:http'

/** Bytes held here for a slow consumer before the connection is paused. */
const HELD_MAX = 8 * 1024 * 1024

/** What holdReceived gives: the chunks to consume, and the error that cut the body, if one did. */
export interface ReceivedBody {
  chunks: AsyncGenerator<Buffer>
  cut: () => unknown
}

/**
 * Takes a response body's chunks as they arrive, from now on (listening at once, before
 * any other await of the caller), and holds them until the consumer takes them.
 * node:http destroys a response whose connection ends short of its Content-Length, and
 * with it what it had buffered: a consumer slower than the network at that moment (a disk
 * write under load) lost up to its buffer's worth of bytes already received (65,409 of
 * 100,000 kept, measured), so the next Range request fetched them again, and "every byte
 * received is kept" did not hold. Reading is paused only past HELD_MAX bytes held (a disk
 * far slower than the network); then what node:http buffers can still be lost, as before.
 * `chunks` ends at the body's end or at its cut (then `cut()` says why).
 */
export function holdReceived (body: IncomingMessage): ReceivedBody {
  const held: Buffer[] = []
  let heldBytes = 0
  let over = false
  let cutBy: unknown
  let wake: (() => void) | undefined
  const notify = () => { const resolve = wake; wake = undefined; resolve?.() }
  const onData = (chunk: Buffer) => {
    held.push(chunk)
    heldBytes += chunk.length
    if (heldBytes > HELD_MAX) body.pause()
    notify()
  }
  const onEnd = () => { over = true; notify() }
  const onError = (error: unknown) => { cutBy ??= error; over = true; notify() }
  const stopListening = () => {
    body.off('data', onData)
    body.off('end', onEnd)
    body.off('error', onError)
    body.off('close', onEnd)
  }
  if (body.errored) onError(body.errored)
  else if (body.destroyed || body.readableEnded) onEnd()
  else {
    body.on('data', onData)
    body.once('end', onEnd)
    body.once('error', onError)
    // Destroyed without an error (by the caller): nothing more will come.
    body.once('close', onEnd)
  }
  async function * chunks (): AsyncGenerator<Buffer> {
    try {
      for (let next = 0; ;) {
        if (next < held.length) {
          const chunk = held[next]!
          held[next++] = EMPTY
          heldBytes -= chunk.length
          // Compacted now and then, so the array does not grow with the whole download.
          if (next > 1024) { held.splice(0, next); next = 0 }
          if (body.isPaused() && heldBytes <= HELD_MAX / 2 && !over) body.resume()
          yield chunk
          continue
        }
        if (over) return
        await new Promise<void>(resolve => { wake = resolve })
      }
    } finally {
      stopListening()
    }
  }
  return { chunks: chunks(), cut: () => cutBy }
}

const EMPTY = Buffer.alloc(0)
