// `seedcast seed` of a show whose media is cut behind its back while it seeds (a careless
// `truncate`, a half-finished copy over it): the block a peer asks for past the cut cannot
// be read, so instead of leaving the peer waiting without a word the seeder says which file
// changed, stops seeding that episode, and keeps serving the others. Real files, a raw
// BitTorrent peer on 127.0.0.1.
import { readFile, truncate } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { requestBlock } from '../helpers/block-peer.ts'
import { binPath, runCliJson } from '../helpers/cli.ts'
import { startJsonProcess, waitForLines } from '../helpers/json-process.ts'
import { fixture, tempShow } from './publish-helpers.ts'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

describe('seedcast seed when an episode\'s media changes while it seeds', () => {
  it('warns which file changed (ECORRUPT), stops seeding that episode and goes on serving the others', async () => {
    const tmp = await tempShow()
    cleanups.push(tmp.cleanup)
    const cut = (await runCliJson(['publish', fixture('episode.mp3'), '--show', tmp.show, '--title', 'Cut'])).json.episode
    const kept = (await runCliJson(['publish', fixture('episode-2.mp3'), '--show', tmp.show, '--title', 'Kept'])).json.episode
    const seeder = startJsonProcess([binPath, 'seed', tmp.show, '--no-dht', '--no-lsd', '--no-webrtc', '--host', '127.0.0.1', '--state', join(tmp.path, 'state'), '--json'])
    cleanups.push(seeder.kill)
    await waitForLines('both episodes seeded', 60_000, () => seeder.lines.filter(line => line.event === 'seeding').length === 2, [seeder])
    const port = seeder.lines.find(line => line.event === 'started')!.port as number

    const media = join(tmp.show, 'public', cut.mediaPath)
    await truncate(media, 100_000)
    // Piece 10 starts at 163 840, past the cut: never sent, and the seeder says why.
    const past = await requestBlock(port, cut.infoHash, 10, 0, 16_384, 30_000)
    await waitForLines('the warning', 30_000, () => seeder.lines.some(line => line.event === 'warning'), [seeder])
    // The peer is let go when the episode stops, not left waiting for a block that never comes.
    expect(past).toBe('closed')
    expect(seeder.lines.filter(line => line.event === 'warning')).toEqual([{
      event: 'warning',
      code: 'ECORRUPT',
      infoHash: cut.infoHash,
      name: 'cut.mp3',
      input: tmp.show,
      message: `cut.mp3: ${media}: shorter than the torrent says (the file was cut or replaced); stopped seeding it (check the file, then seed it again)`
    }])
    // The other episode is served as it was published.
    const kept0 = await requestBlock(port, kept.infoHash, 0, 0, 16_384, 30_000)
    expect(kept0).toEqual((await readFile(join(tmp.show, 'public', kept.mediaPath))).subarray(0, 16_384))
  }, 120_000)
})
