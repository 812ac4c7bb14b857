// `get --timeout N` when the only source is a web seed that answers every range with an
// HTTP error: the command gives up after N seconds without piece data, exit 1, one line.
// WebTorrent's web seed re-announces a failed piece every 10 s; those protocol bytes once
// counted as progress, so the timeout never fired (--timeout 30 ran for over 10 minutes).
import { once } from 'node:events'
import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.js'
import { tempDir } from '../helpers/tmp.js'
import { fixtureMp3, makeTorrent } from './get-helpers.js'

const PIECE = 16384
/** Above WebTorrent's 10 s retry of a failed web seed piece: the retries fall inside it. */
const TIMEOUT_SECONDS = 15

interface FailingSeed { url: string, requests: () => number, close: () => Promise<void> }

/** A web seed answering `status` to every range, after serving the first `good` ranges properly. */
async function failingWebSeed (file: Buffer, status: number, good = 0): Promise<FailingSeed> {
  let requests = 0
  const server: Server = createServer((req, res) => {
    requests++
    const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '')
    if (requests <= good && range) {
      const start = Number(range[1])
      const end = Math.min(Number(range[2]), file.length - 1)
      res.writeHead(206, { 'content-range': `bytes ${start}-${end}/${file.length}`, 'content-length': end - start + 1 }).end(file.subarray(start, end + 1))
      return
    }
    res.writeHead(status, { 'content-type': 'text/plain' }).end(`error ${status}\n`)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}/episode.mp3`,
    requests: () => requests,
    close: () => new Promise<void>(resolve => { server.closeAllConnections(); server.close(() => resolve()) })
  }
}

describe('seedcast get --timeout with a failing web seed and no peers', () => {
  let dir: string
  let cleanup: () => Promise<void>
  let media: Buffer
  beforeAll(async () => {
    const tmp = await tempDir()
    dir = tmp.path
    cleanup = tmp.cleanup
    media = await readFile(fixtureMp3)
  })
  afterAll(async () => { await cleanup() })

  it('exits 1 with one line after --timeout when every range gets 404, and when ranges get 500 after a few good ones (kept)', async () => {
    const notFound = await failingWebSeed(media, 404)
    const serverError = await failingWebSeed(media, 500, 3)
    try {
      const torrent404 = join(dir, 'ep-404.torrent')
      const torrent500 = join(dir, 'ep-500.torrent')
      await makeTorrent(fixtureMp3, torrent404, { webSeeds: [notFound.url], pieceLength: PIECE })
      await makeTorrent(fixtureMp3, torrent500, { webSeeds: [serverError.url], pieceLength: PIECE })
      // The wait is only an upper bound so a regression fails instead of hanging.
      const run = (torrent: string, out: string) => runCli(['get', torrent, '--no-dht', '--timeout', String(TIMEOUT_SECONDS), '-o', join(dir, out)], { timeoutMs: (TIMEOUT_SECONDS * 3 + 20) * 1000 })
      const [with404, with500] = await Promise.all([run(torrent404, 'out-404'), run(torrent500, 'out-500')])
      for (const result of [with404, with500]) {
        expect(result.signal).toBeNull()
        expect(result.code).toBe(1)
        expect(result.stdout).toBe('')
        const lines = result.stderr.trim().split('\n')
        expect(lines).toHaveLength(1)
        expect(lines[0]).toMatch(new RegExp(`^seedcast: download stalled: no data for ${TIMEOUT_SECONDS} s from 0 peers and 1 web seed `))
      }
      // WebTorrent asked again after its retry delay: the case that used to run forever.
      expect(notFound.requests()).toBeGreaterThan(media.length / PIECE)
      // The pieces verified before the errors began are on disk for a resume.
      const partial = await readFile(join(dir, 'out-500', 'episode.mp3'))
      let kept = 0
      for (let offset = 0; offset < media.length; offset += PIECE) {
        const want = media.subarray(offset, offset + PIECE)
        if (partial.subarray(offset, offset + want.length).equals(want)) kept++
      }
      expect(kept).toBeGreaterThanOrEqual(1)
    } finally {
      await Promise.all([notFound.close(), serverError.close()])
    }
  }, 120_000)
})
