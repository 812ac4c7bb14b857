// A draft is not public: while `serve` runs, `publish --draft` puts nothing reachable at any
// URL (media, .torrent, chapters, page), `episodes edit --no-draft` makes it all answer, and
// `episodes edit --draft` hides it again. The podcaster's own flow, through the CLI.
import { copyFile, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveShows, type RunningServer } from '../../src/server/serve.js'
import type { Episode } from '../../src/model/show.js'
import { runCliJson } from '../helpers/cli.js'
import { tempDir } from '../helpers/tmp.js'
import { fixture, makePublishedShow, rawRequest } from './serve-helpers.js'

let tmp: Awaited<ReturnType<typeof tempDir>>
let running: RunningServer
let showDir: string

beforeAll(async () => {
  tmp = await tempDir('seedcast-serve-drafts-')
  showDir = join(tmp.path, 'show')
  await makePublishedShow(showDir, 'http://127.0.0.1:8080/', ['episode.mp3'])
  running = await serveShows({ shows: [showDir], port: 0, host: '127.0.0.1' })
})

afterAll(async () => {
  await running?.close()
  await tmp?.cleanup()
})

const filesOf = (episode: Episode) => [episode.mediaPath, episode.torrentPath, ...(episode.chaptersPath ? [episode.chaptersPath] : [])]

describe('drafts while serving', () => {
  it('answers 404 for every file of a draft until it is published, and again once it is a draft', async () => {
    const { result, json } = await runCliJson<{ episode: Episode }>(['publish', fixture('episode-2.mp3'), '--show', showDir, '--draft', '--title', 'Secret Draft'])
    expect(result.code).toBe(0)
    const draft = json.episode
    expect(draft.draft).toBe(true)
    const paths = filesOf(draft)
    expect(paths.length).toBeGreaterThanOrEqual(2)
    for (const path of paths) {
      // The bytes are on disk, under public/...
      expect((await readFile(join(showDir, 'public', path))).length, path).toBeGreaterThan(0)
      // ...and unreachable, by GET, HEAD and Range.
      for (const options of [{}, { method: 'HEAD' }, { headers: { range: 'bytes=0-9' } }]) {
        const response = await rawRequest(running.port, `/${path}`, options)
        expect(response.status, `${path} ${JSON.stringify(options)}`).toBe(404)
      }
    }
    // Its page's URL without the slash is no redirect that would tell the draft exists.
    expect((await rawRequest(running.port, `/episodes/${draft.slug}`)).status).toBe(404)
    const published = await runCliJson<Episode>(['episodes', 'edit', draft.slug, '--no-draft', '--show', showDir])
    expect(published.result.code).toBe(0)
    for (const path of paths) {
      const response = await rawRequest(running.port, `/${path}`)
      expect(response.status, path).toBe(200)
      expect(response.body.equals(await readFile(join(showDir, 'public', path))), path).toBe(true)
    }
    const hidden = await runCliJson<Episode>(['episodes', 'edit', draft.slug, '--draft', '--show', showDir])
    expect(hidden.result.code).toBe(0)
    for (const path of paths) expect((await rawRequest(running.port, `/${path}`)).status, path).toBe(404)
  })

  it('does not serve files in media/ or torrents/ that no catalog entry names (a publish before its catalog write)', async () => {
    // What publish places before it adds the catalog entry, copied by hand.
    await copyFile(fixture('episode-2.mp3'), join(showDir, 'public', 'media', 'in-progress.mp3'))
    await copyFile(join(showDir, 'public', 'rss.xml'), join(showDir, 'public', 'torrents', 'in-progress.torrent'))
    for (const path of ['/media/in-progress.mp3', '/torrents/in-progress.torrent']) {
      expect((await rawRequest(running.port, path)).status, path).toBe(404)
    }
    // Files at the root of public/ are the show's own and are served.
    expect((await rawRequest(running.port, '/cover.jpg')).status).toBe(200)
  })
})
