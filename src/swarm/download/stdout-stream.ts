import type { Readable } from 'node:stream'
import { fileError } from '../../errors.js'

/** The reader of our stdout went away (a player was closed): not an error of the download. */
export class OutputClosed extends Error {}

/** Write errors that mean the reader hung up, not that writing failed. */
const READER_GONE = new Set(['EPIPE', 'ECONNRESET', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END'])

/**
 * Copies a file's bytes, in order, into a writable such as process.stdout, honouring
 * back-pressure so a slow player does not make us buffer the whole episode. Resolves once
 * everything is written; rejects with OutputClosed when the reader hangs up (EPIPE, as
 * `cat | head` ends quietly), or with a one-line error naming standard output when
 * writing fails otherwise (ENOSPC on `> /dev/full`).
 *
 * While it runs, it is the target's only 'error' listener: oclif's listener on
 * process.stdout rethrows every error but EPIPE, which made ENOSPC an uncaught exception
 * with a stack trace. The other listeners are put back at the end.
 */
export async function streamInOrder (source: Readable, target: NodeJS.WritableStream): Promise<void> {
  let failed: NodeJS.ErrnoException | undefined
  let wake: (() => void) | undefined
  // Ends the read too: the next piece may be long in coming, and nobody wants it now.
  const onError = (error: NodeJS.ErrnoException): void => { failed ??= error; wake?.(); source.destroy() }
  const onProgress = (): void => { wake?.() }
  const others = target.listeners('error') as ((error: Error) => void)[]
  target.removeAllListeners('error')
  target.on('error', onError)
  target.on('drain', onProgress)
  target.on('close', onProgress)
  try {
    for await (const chunk of source) {
      if (failed) break
      if (!target.write(chunk as Uint8Array)) {
        // Waits for drain, an error or the end of the target; never rejects.
        await new Promise<void>(resolve => { wake = resolve })
        wake = undefined
      }
      if (failed) break
    }
  } catch (error) {
    // The source destroyed because the target failed ends the loop with a premature close.
    if (!failed) throw error
  } finally {
    target.off('error', onError)
    target.off('drain', onProgress)
    target.off('close', onProgress)
    // A late error of the write that failed must not reach oclif's rethrowing listener.
    target.on('error', () => {})
    for (const listener of others) target.on('error', listener)
    source.destroy()
  }
  if (failed) {
    if (READER_GONE.has(failed.code ?? '')) throw new OutputClosed(`stdout closed: ${failed.message}`)
    throw fileError(failed, 'standard output', 'write to')
  }
}
