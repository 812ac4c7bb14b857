// `seedcast seed` of a show folder in which one episode's .torrent is damaged (not bencode)
// and another's was replaced by a third episode's torrent: each is one warning naming the
// file and the episode, and the show's good episode seeds. Before, the damaged file stopped
// the whole seed box at start ("not a torrent", exit 1), and the replaced one read as "same
// torrent listed twice". Real files; the seeder runs for 2 s on 127.0.0.1.
import { copyFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli, runCliJson } from '../helpers/cli.ts'
import { fixture, tempShow } from './publish-helpers.ts'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

describe('seedcast seed of a show with damaged .torrent files', () => {
  it('warns for each damaged or replaced .torrent and seeds the other episodes', async () => {
    const tmp = await tempShow()
    cleanups.push(tmp.cleanup)
    const published = []
    for (const [file, title] of [['episode.mp3', 'Good'], ['episode-2.mp3', 'Replaced'], ['video.webm', 'Damaged']]) {
      published.push((await runCliJson(['publish', fixture(file!), '--show', tmp.show, '--title', title!])).json.episode)
    }
    const [good, replaced, damaged] = published
    const publicDir = join(tmp.show, 'public')
    await copyFile(join(publicDir, good.torrentPath), join(publicDir, replaced.torrentPath))
    await writeFile(join(publicDir, damaged.torrentPath), 'not bencode at all')

    const result = await runCli(['seed', tmp.show, '--no-dht', '--no-lsd', '--no-webrtc', '--host', '127.0.0.1', '--state', join(tmp.path, 'state'), '--duration', '2', '--json'], { timeoutMs: 60_000 })
    expect(result.code, result.stderr).toBe(0)
    const events = result.stdout.trim().split('\n').map(line => JSON.parse(line))
    expect(events.filter(event => event.event === 'seeding').map(event => event.infoHash)).toEqual([good.infoHash])
    expect(events.filter(event => event.event === 'warning')).toEqual([
      { event: 'warning', code: 'ECORRUPT', input: tmp.show, message: `${join(publicDir, replaced.torrentPath)}: its infohash is ${good.infoHash}, the catalog says ${replaced.infoHash} for episode replaced (replaced by another torrent?); not seeding it` },
      { event: 'warning', code: 'ETORRENT', input: tmp.show, message: expect.stringMatching(new RegExp(`^${join(publicDir, damaged.torrentPath)}: not a torrent: .*; not seeding episode damaged$`)) }
    ])
  })
})
