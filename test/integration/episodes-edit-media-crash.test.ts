// `seedcast episodes edit --media` killed (SIGKILL, as a power cut would) at each step of the
// switch: the show is the old episode whole or the new one whole. Feeds, .torrent and catalog
// agree with the file they name (length, SHA-256, infohash), with no later command run to fix
// them. The files a killed run placed are swept by the next replace of the episode.
import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { inspectTorrent } from '../../src/torrent/inspect.ts'
import { binPath, runCliJson, runProcess } from '../helpers/cli.ts'
import { fixture, mp3Variant, readCatalogFile, tempShow } from './publish-helpers.ts'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

const killHook = fileURLToPath(new URL('../helpers/kill-at-fs.mjs', import.meta.url))

/** Runs the CLI with the hook that SIGKILLs it at `at` ("rename:<suffix>" or "rm:<suffix>"). */
const runKilledAt = (at: string, args: string[]) =>
  runProcess(process.execPath, ['--import', killHook, binPath, ...args], { env: { SEEDCAST_TEST_KILL_AT: at } })

/** Every episode's files, and its items in rss.xml and p2p.xml, are what its catalog entry says. */
async function expectConsistent (show: string): Promise<void> {
  const catalog = await readCatalogFile(show)
  const rss = await readFile(join(show, 'public', 'rss.xml'), 'utf8')
  const p2p = await readFile(join(show, 'public', 'p2p.xml'), 'utf8')
  const item = (feed: string, guid: string) => feed.split('<item>').find(part => part.includes(`>${guid}</guid>`)) ?? ''
  for (const episode of catalog.episodes) {
    const bytes = await readFile(join(show, 'public', episode.mediaPath))
    const sha256 = createHash('sha256').update(bytes).digest('base64')
    expect({ slug: episode.slug, length: episode.length, sha256: episode.sha256 }).toEqual({ slug: episode.slug, length: bytes.length, sha256 })
    const torrent = inspectTorrent(await readFile(join(show, 'public', episode.torrentPath)))
    expect(torrent).toMatchObject({ infoHash: episode.infoHash, length: bytes.length })
    for (const feed of [rss, p2p]) {
      const text = item(feed, episode.guid)
      expect(text).toContain(`length="${bytes.length}"`)
      expect(text).toContain(`/${episode.mediaPath}"`)
      expect(text).toContain(`sha256-${sha256}`)
      expect(text).toContain(`urn:btih:${episode.infoHash}`)
    }
  }
}

describe('seedcast episodes edit --media killed midway', { timeout: 240_000 }, () => {
  it('leaves the old episode or the new one whole, never a mix', async () => {
    const tmp = await tempShow()
    cleanups.push(tmp.cleanup)
    const { show } = tmp
    const first = await runCliJson<{ episode: { slug: string, sha256: string, mediaPath: string, torrentPath: string } }>(['publish', fixture('episode.mp3'), '--show', show, '--title', 'Rough cut'])
    expect(first.result.code, first.result.stderr).toBe(0)
    const { slug, sha256: original } = first.json.episode
    const edit = (media: string) => ['episodes', 'edit', slug, '--show', show, '--media', media]
    const named = async () => (await readCatalogFile(show)).episodes[0]!

    // Killed before the catalog is written (the new files placed; at the stale-feeds marker,
    // then at the catalog's own rename): the old episode, its files untouched.
    for (const [at, media] of [['rename:/.seedcast/feeds-stale', fixture('episode-2.mp3')], ['rename:/episodes.json', await mp3Variant(join(tmp.path, 'variant.mp3'), 1)]] as const) {
      const killed = await runKilledAt(at, edit(media))
      expect(killed.signal, `${at}: ${killed.stderr}`).toBe('SIGKILL')
      expect(await named()).toMatchObject({ sha256: original, mediaPath: first.json.episode.mediaPath, torrentPath: first.json.episode.torrentPath })
      await expectConsistent(show)
    }
    // Each run swept the files of the one killed before it: one killed run's media is left.
    const orphans = (await readdir(join(show, 'public', 'media'))).filter(name => name !== `${slug}.mp3`)
    expect(orphans).toEqual([expect.stringMatching(new RegExp(`^${slug}\\.[0-9a-f]{12}\\.mp3$`))])

    // Killed after the catalog and feeds are written, as the old media is deleted: the new episode.
    const killed = await runKilledAt(`rm:/${first.json.episode.mediaPath}`, edit(fixture('video.webm')))
    expect(killed.signal, killed.stderr).toBe('SIGKILL')
    const now = await named()
    expect(now.sha256).toBe(createHash('sha256').update(await readFile(fixture('video.webm'))).digest('base64'))
    expect(now.mediaPath).toMatch(new RegExp(`^media/${slug}\\.[0-9a-f]{12}\\.webm$`))
    await expectConsistent(show)
    // The killed runs' files went with this run's sweep; left are the catalog's media and the
    // first cut's file, whose deletion the kill came before (an orphan no sweep names).
    expect((await readdir(join(show, 'public', 'media'))).sort()).toEqual([`${slug}.mp3`, now.mediaPath.slice('media/'.length)].sort())
    expect((await readdir(join(show, 'public', 'torrents'))).sort()).toEqual([`${slug}.torrent`, now.torrentPath.slice('torrents/'.length)].sort())
  })
})
