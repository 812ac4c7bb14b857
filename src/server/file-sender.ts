import type { FileHandle } from 'node:fs/promises'
import type { ServerResponse } from 'node:http'

/** Size of the reusable read buffers: a web seed's or player's 1 MiB range is one read and one write. */
const BUFFER_BYTES = 1024 * 1024
/** Buffers kept for reuse between responses (16 MiB): enough for 16 responses in flight. */
const POOL_SIZE = 16
const pool: Buffer[] = []

function takeBuffer (): Buffer {
  return pool.pop() ?? Buffer.allocUnsafeSlow(BUFFER_BYTES)
}

function giveBuffer (buffer: Buffer): void {
  if (pool.length < POOL_SIZE) pool.push(buffer)
}

/**
 * Writes bytes start..end (inclusive) of an open file to a response whose head is already
 * set, then closes the file. The lean path for media: reads of 1 MiB into buffers reused
 * across responses (no allocation, no stream objects per request), each written straight
 * to the socket, the next read starting once the socket took the previous one, so a slow
 * client holds one buffer and a stalled one is dropped by the socket timeout. Resolves
 * when done or when the client went away, with the bytes the socket took.
 */
export async function sendFileRange (res: ServerResponse, handle: FileHandle, start: number, end: number): Promise<number> {
  let buffer: Buffer | undefined = takeBuffer()
  let delivered = 0
  // A client may leave while the file is being opened: its response is already destroyed
  // and will emit no 'close' for us, nor call a write's callback (end()'s waits for a
  // 'finish' that never comes). Waiting on either held the file and a buffer until GC
  // closed the descriptor (193 "closing file descriptor on garbage collection" in a
  // 200-client soak of 200 s).
  let gone = res.destroyed
  let onGone = () => {}
  const onClose = () => { gone = true; onGone() }
  res.once('close', onClose)
  try {
    let position = start
    while (position <= end && !gone) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(BUFFER_BYTES, end - position + 1), position)
      // A file cut short under us: the client gets a short body and a closed connection.
      if (bytesRead === 0 || gone) break
      position += bytesRead
      const chunk: Buffer = buffer.subarray(0, bytesRead)
      const flushed = await new Promise<boolean>(resolve => {
        // The callback comes once the socket took the bytes; a client gone first ends the wait
        // (its write may still hold the buffer, which is then not reused).
        onGone = () => resolve(false)
        const done = (error?: Error | null) => resolve(!error)
        if (position > end) res.end(chunk, done)
        else res.write(chunk, done)
      })
      onGone = () => {}
      if (!flushed) {
        buffer = undefined
        break
      }
      delivered += bytesRead
    }
    if (position > end && !res.writableEnded) res.end()
    else if (position <= end && !res.destroyed) res.destroy()
  } finally {
    res.removeListener('close', onClose)
    if (buffer) giveBuffer(buffer)
    await handle.close().catch(() => {})
  }
  return delivered
}
