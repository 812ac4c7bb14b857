import { once } from 'node:events'
import type { Readable } from 'node:stream'

/** The reader of our stdout went away (a player was closed): not an error of the download. */
export class OutputClosed extends Error {}

/**
 * Copies a file's bytes, in order, into a writable such as process.stdout, honouring
 * back-pressure so a slow player does not make us buffer the whole episode. Resolves once
 * everything is written; rejects with OutputClosed when the reader hangs up (EPIPE).
 */
export async function streamInOrder (source: Readable, target: NodeJS.WritableStream): Promise<void> {
  let closed: Error | undefined
  const onError = (error: NodeJS.ErrnoException) => { closed = error }
  target.on('error', onError)
  try {
    for await (const chunk of source) {
      if (closed) break
      if (!target.write(chunk as Uint8Array)) {
        await Promise.race([once(target, 'drain'), once(target, 'error').catch(() => undefined), once(target, 'close')])
      }
    }
    if (closed) throw new OutputClosed(`stdout closed: ${closed.message}`)
  } finally {
    target.off('error', onError)
    source.destroy()
  }
}
