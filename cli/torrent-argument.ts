import { SeedcastError } from '../src/errors.js'
import { fetchTorrent } from '../src/swarm/download/source.js'
import { parseMetainfo } from '../src/torrent/metainfo.js'
import { MAX_TORRENT_FILE_BYTES, tooLargeForATorrent } from '../src/torrent/read-torrent-file.js'

/** How long `info`, `magnet` and `verify` wait for a .torrent URL. */
const FETCH_TIMEOUT_MS = 30_000

/**
 * The .torrent a command was given as it reads it: a path (kept as a path, so errors name
 * it as before), `-` for standard input (`seedcast create x -o - | seedcast info -`), or an
 * http(s) URL, fetched with a time and size bound as `get` fetches one. A magnet link is
 * returned as it is. Bytes from standard input or a URL are checked here, so that a bad one
 * is named in its error line ("https://…: not a torrent: …").
 */
export async function readTorrentArgument (argument: string): Promise<Uint8Array | string> {
  if (/^magnet:/i.test(argument)) return argument
  if (/^https?:\/\//i.test(argument)) return checked(await fetchTorrent(argument, { fetchTimeoutMs: FETCH_TIMEOUT_MS }), argument)
  if (argument === '-') {
    if (process.stdin.isTTY) {
      throw new SeedcastError('standard input is a terminal, not a .torrent', { code: 'EUSAGE', hint: 'pipe one in, e.g. `seedcast create episode.mp3 -o - | seedcast info -`, or give a path' })
    }
    return checked(await readStandardInput(), 'standard input')
  }
  return argument
}

/**
 * Standard input, up to the size bound. As a stream: /dev/stdin cannot be opened when it is
 * a socket (ENXIO), which is what a parent process's spawn() gives.
 */
async function readStandardInput (): Promise<Buffer> {
  const chunks: Buffer[] = []
  let total = 0
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    total += chunk.length
    if (total > MAX_TORRENT_FILE_BYTES) {
      process.stdin.destroy()
      throw tooLargeForATorrent('standard input', MAX_TORRENT_FILE_BYTES)
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks, total)
}

function checked (bytes: Uint8Array, where: string): Uint8Array {
  try {
    parseMetainfo(bytes)
  } catch (error) {
    if (error instanceof SeedcastError) throw new SeedcastError(`${where}: ${error.message}`, { code: error.code, hint: error.hint, cause: error })
    throw error
  }
  return bytes
}
