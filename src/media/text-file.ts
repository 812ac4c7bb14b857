import { readFile } from 'node:fs/promises'
import { fileError } from '../errors.js'

/**
 * The text of a file a podcaster gives beside the media (show notes, a transcript, chapters),
 * UTF-8 without its byte order mark. A binary file given by mistake (the cover instead of
 * the .md) was read as text: its bytes became an episode's description, control characters
 * and all; a Latin-1 file had its accented letters turned into U+FFFD without a word.
 * `refuse(why)` makes the error the caller's option is known by.
 */
export async function readPodcasterText (path: string, refuse: (why: string) => Error): Promise<string> {
  const raw = await readFile(path).catch(error => { throw fileError(error, path, 'read') })
  if (raw.includes(0)) throw refuse('it is a binary file')
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw)
  } catch {
    throw refuse('it is not UTF-8 text; save it as UTF-8')
  }
}
