// The stall timeout and the seed time end a download when they are due, not on the next
// progress tick: with the tick set to an hour, both still end the run (before, `--timeout N`
// gave up between N and N + 1 s after the last progress, at the 1 s tick's next turn).
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { download, type DownloadEvent } from '../../src/swarm/download/download.js'
import { freePort } from '../helpers/ports.js'
import { tempDir, withTemp } from '../helpers/tmp.js'
import { makeTorrent } from './get-helpers.js'

/** Longer than any of these tests may run: nothing here may wait for the tick. */
const HOUR_TICK_MS = 3_600_000

describe('download deadlines', () => {
  it('gives up on a magnet nobody serves after timeoutSeconds, without a progress tick', () => withTemp(tempDir(), async dir => {
    const events: DownloadEvent[] = []
    const infoHash = 'deadbeef'.repeat(5)
    // Its tracker a closed port (with none and the DHT off, download fails at once: get-bare-magnet).
    const failure = await download(`magnet:?xt=urn:btih:${infoHash}&tr=${encodeURIComponent(`http://127.0.0.1:${await freePort()}/announce`)}`, {
      outputDir: join(dir.path, 'out'), dht: false, timeoutSeconds: 1, progressIntervalMs: HOUR_TICK_MS, onEvent: event => events.push(event)
    }).then(() => undefined, (error: unknown) => error as { code?: string, message?: string })
    expect(failure).toMatchObject({ code: 'ENOPEERS', message: `no peers found for ${infoHash} within 1 s` })
    // No progress tick came (the closed tracker's warning aside).
    expect(events.map(event => event.event).filter(name => name !== 'warning')).toEqual(['started'])
  }), 30_000)

  it('stops seeding after seedTimeSeconds, without a progress tick', () => withTemp(tempDir(), async dir => {
    const out = join(dir.path, 'out')
    await mkdir(out)
    const content = randomBytes(200_000)
    await writeFile(join(out, 'episode.bin'), content)
    const torrent = join(dir.path, 'episode.torrent')
    await makeTorrent(join(out, 'episode.bin'), torrent, { pieceLength: 16384 })
    const events: DownloadEvent[] = []
    const result = await download(torrent, { outputDir: out, dht: false, seed: true, seedTimeSeconds: 1, timeoutSeconds: 600, progressIntervalMs: HOUR_TICK_MS, onEvent: event => events.push(event) })
    // Complete from the file already there, then seeded until the seed time was over.
    expect(result.resumedBytes).toBe(content.length)
    expect(result.seededSeconds).toBeGreaterThanOrEqual(1)
    expect(events.some(event => event.event === 'done')).toBe(true)
    expect(events.filter(event => event.event === 'seeding')).toEqual([])
    expect((await readFile(join(out, 'episode.bin'))).equals(content)).toBe(true)
  }), 30_000)
})
