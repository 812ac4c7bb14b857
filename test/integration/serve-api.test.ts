// The token API of `seedcast serve`: tokens made by the CLI (only hashes stored), the
// contract of /api/shows/<id>/episodes (GET, POST multipart, PATCH, DELETE), 401 without a
// valid token and 429 after repeated failures, uploads that are oversized, truncated,
// malformed or not media leaving nothing behind, and the API's rate limit.
import { readdir, readFile } from 'node:fs/promises'
import { get, type IncomingHttpHeaders } from 'node:http'
import { connect } from 'node:net'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { basename, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveShows, type RunningServer } from '../../src/server/serve.js'
import type { Episode } from '../../src/model/show.js'
import { runCliJson } from '../helpers/cli.js'
import { tempDir } from '../helpers/tmp.js'
import { mp3Variant } from './publish-helpers.js'
import { fixture, makePublishedShow } from './serve-helpers.js'

let tmp: Awaited<ReturnType<typeof tempDir>>
let running: RunningServer
let showDir: string
let token: string
let id: string
const api = (path: string) => new URL(`api/shows/${id}${path}`, running.url).href
const auth = (value = token) => ({ authorization: `Bearer ${value}` })

beforeAll(async () => {
  tmp = await tempDir('seedcast-serve-api-')
  showDir = join(tmp.path, 'field-notes')
  id = basename(showDir)
  await makePublishedShow(showDir, 'http://127.0.0.1:8080/', ['episode.mp3'])
  const created = await runCliJson<{ token: string, id: string }>(['token', 'create', '--show', showDir, '--name', 'ci'])
  expect(created.result.code).toBe(0)
  token = created.json.token
  running = await serveShows({ shows: [showDir], port: 0, host: '127.0.0.1', maxUploadBytes: 200_000 })
})

afterAll(async () => {
  await running?.close()
  await tmp?.cleanup()
})

async function mediaFiles (): Promise<string[]> {
  return (await readdir(join(showDir, 'public', 'media'))).sort()
}

async function leftovers (): Promise<string[]> {
  return readdir(join(showDir, '.seedcast', 'uploads')).catch(() => [])
}

async function upload (file: Buffer, name: string, fields: Record<string, string> = {}, headers: Record<string, string> = auth()): Promise<Response> {
  const form = new FormData()
  for (const [key, value] of Object.entries(fields)) form.append(key, value)
  form.append('file', new Blob([new Uint8Array(file)], { type: 'audio/mpeg' }), name)
  return fetch(api('/episodes'), { method: 'POST', body: form, headers })
}

describe('tokens', () => {
  it('stores only the hash, lists and revokes', async () => {
    const stored = await readFile(join(showDir, '.seedcast', 'tokens.json'), 'utf8')
    expect(stored).not.toContain(token)
    expect(token).toMatch(/^sct_[0-9a-f]{8}_/)
    const list = await runCliJson<{ tokens: Array<{ id: string, name: string }> }>(['token', 'list', '--show', showDir])
    expect(list.json.tokens).toEqual([expect.objectContaining({ id: token.slice(4, 12), name: 'ci' })])
    const other = await runCliJson<{ token: string, id: string }>(['token', 'create', '--show', showDir, '--name', 'laptop'])
    expect((await fetch(api('/episodes'), { headers: auth(other.json.token) })).status).toBe(200)
    const revoked = await runCliJson(['token', 'revoke', other.json.id, '--show', showDir])
    expect(revoked.result.code).toBe(0)
    // The running server refuses it at once.
    const refused = await fetch(api('/episodes'), { headers: auth(other.json.token) })
    expect(refused.status).toBe(401)
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer/)
  })
})

describe('the episodes API', () => {
  it('lists the shows with their ids', async () => {
    const response = await fetch(new URL('api/shows', running.url))
    const body = await response.json() as { shows: Array<{ id: string, title: string, episodes: number }> }
    expect(body.shows).toEqual([expect.objectContaining({ id, title: 'Served Show', episodes: 1 })])
  })

  it('publishes an upload with a token: 201, the episode as `episodes show --json` prints it, served at once', async () => {
    const media = await readFile(fixture('episode-2.mp3'))
    expect((await upload(media, 'second.mp3', {}, {})).status).toBe(401)
    expect((await upload(media, 'second.mp3', {}, auth('sct_00000000_wrongwrongwrongwrongwrongwrongwrongwrongwro'))).status).toBe(401)
    const response = await upload(media, 'second.mp3', { title: 'Uploaded over HTTP', season: '2', episode: '7', date: '2026-11-20T10:00:00Z' })
    expect(response.status).toBe(201)
    const shown = await response.json() as { episode: Episode, mediaUrl: string, torrentUrl: string, magnet: string }
    const cli = await runCliJson<{ episode: Episode }>(['episodes', 'show', shown.episode.slug, '--show', showDir])
    expect(shown).toEqual(cli.json)
    expect(shown.episode).toMatchObject({ title: 'Uploaded over HTTP', season: 2, episode: 7, draft: false, length: media.length })
    const served = await fetch(new URL(shown.episode.mediaPath, running.url))
    expect(Buffer.from(await served.arrayBuffer()).equals(media)).toBe(true)
    expect(await (await fetch(new URL('rss.xml', running.url))).text()).toContain('Uploaded over HTTP')
    expect(await leftovers()).toEqual([])
  })

  it('keeps drafts out of the list without a token and shows them with one', async () => {
    const media = await readFile(fixture('video.webm'))
    const response = await upload(media, 'draft.webm', { title: 'Draft over HTTP', draft: 'true' })
    expect(response.status).toBe(201)
    const draft = (await response.json() as { episode: Episode }).episode
    expect(draft.draft).toBe(true)
    const anonymous = await (await fetch(api('/episodes'))).json() as { episodes: Episode[] }
    expect(anonymous.episodes.map(episode => episode.slug)).not.toContain(draft.slug)
    const withToken = await (await fetch(api('/episodes'), { headers: auth() })).json() as { episodes: Episode[] }
    expect(withToken.episodes.map(episode => episode.slug)).toContain(draft.slug)
    expect((await fetch(new URL(draft.mediaPath, running.url))).status).toBe(404)
  })

  it('answers one episode at GET .../episodes/<slug> with the list\'s token rules (the dashboard\'s edit form reads it)', async () => {
    const { episodes } = await (await fetch(api('/episodes'), { headers: auth() })).json() as { episodes: Episode[] }
    const draft = episodes.find(episode => episode.title === 'Draft over HTTP')!
    const published = episodes.find(episode => !episode.draft)!
    const one = await fetch(api(`/episodes/${draft.slug}`), { headers: auth() })
    expect(one.status).toBe(200)
    expect(one.headers.get('cache-control')).toBe('private, no-store')
    const body = await one.json() as { episode: Episode, mediaUrl: string, torrentUrl: string, magnet: string }
    expect(body.episode).toEqual(draft)
    const cli = await runCliJson<{ episode: Episode }>(['episodes', 'show', draft.slug, '--show', showDir])
    expect(body).toEqual(cli.json)
    // Without a token: published episodes only; a draft is not there. A wrong token: 401.
    expect((await fetch(api(`/episodes/${draft.slug}`))).status).toBe(404)
    expect((await (await fetch(api(`/episodes/${published.slug}`))).json() as { episode: Episode }).episode.slug).toBe(published.slug)
    expect((await fetch(api(`/episodes/${draft.slug}`), { headers: auth('not-a-token') })).status).toBe(401)
    const missing = await fetch(api('/episodes/no-such-episode'), { headers: auth() })
    expect(missing.status).toBe(404)
    expect(await missing.json()).toMatchObject({ message: expect.stringContaining('no episode "no-such-episode" in this show') })
  })

  it('edits with PATCH and removes with DELETE', async () => {
    const { episodes } = await (await fetch(api('/episodes'), { headers: auth() })).json() as { episodes: Episode[] }
    const target = episodes.find(episode => episode.title === 'Draft over HTTP')!
    expect((await fetch(api(`/episodes/${target.slug}`), { method: 'PATCH', body: JSON.stringify({ draft: false }), headers: { 'content-type': 'application/json' } })).status).toBe(401)
    const patched = await fetch(api(`/episodes/${target.slug}`), { method: 'PATCH', body: JSON.stringify({ title: 'Published over HTTP', draft: false, season: null }), headers: { ...auth(), 'content-type': 'application/json' } })
    expect(patched.status).toBe(200)
    const edited = (await patched.json() as { episode: Episode }).episode
    expect(edited).toMatchObject({ slug: target.slug, title: 'Published over HTTP', draft: false })
    expect((await fetch(new URL(target.mediaPath, running.url))).status).toBe(200)
    const bad = await fetch(api(`/episodes/${target.slug}`), { method: 'PATCH', body: JSON.stringify({ colour: 'red' }), headers: { ...auth(), 'content-type': 'application/json' } })
    expect(bad.status).toBe(400)
    const missing = await fetch(api('/episodes/no-such-episode'), { method: 'PATCH', body: JSON.stringify({ title: 'x' }), headers: { ...auth(), 'content-type': 'application/json' } })
    expect(missing.status).toBe(404)
    const removed = await fetch(api(`/episodes/${target.slug}`), { method: 'DELETE', headers: auth() })
    expect(removed.status).toBe(204)
    expect((await fetch(new URL(target.mediaPath, running.url))).status).toBe(404)
    expect(await (await fetch(new URL('rss.xml', running.url))).text()).not.toContain('Published over HTTP')
  })
})

describe('the same upload sent twice at once (a double-clicked form)', () => {
  it('publishes one episode under the bare slug; the other answer names it as a duplicate (5 pairs)', async () => {
    // Before, the two uploads (one process) did not see each other's claim: about one pair
    // in ten ended with its one episode under the slug <title>-2.
    for (let pair = 1; pair <= 5; pair++) {
      const media = await readFile(await mp3Variant(join(tmp.path, `twice-${pair}.mp3`), 40 + pair))
      const answers = await Promise.all([1, 2].map(() => upload(media, 'twice.mp3', { title: `Sent twice ${pair}` })))
      expect(answers.map(answer => answer.status).sort()).toEqual([200, 201])
      const bodies = await Promise.all(answers.map(async answer => await answer.json() as { episode: Episode }))
      expect(bodies.map(body => body.episode.slug)).toEqual([`sent-twice-${pair}`, `sent-twice-${pair}`])
    }
    const { episodes } = await (await fetch(api('/episodes'), { headers: auth() })).json() as { episodes: Episode[] }
    expect(episodes.filter(episode => episode.title.startsWith('Sent twice')).map(episode => episode.slug).sort()).toEqual([1, 2, 3, 4, 5].map(pair => `sent-twice-${pair}`))
    expect(await readdir(join(showDir, '.seedcast', 'reservations'))).toEqual([])
  })
})

describe('uploads that fail leave nothing behind', () => {
  it('refuses a file past the limit with 413', async () => {
    const before = await mediaFiles()
    const response = await upload(Buffer.alloc(300_000, 1), 'huge.mp3')
    expect(response.status).toBe(413)
    expect(await mediaFiles()).toEqual(before)
    expect(await leftovers()).toEqual([])
  })

  it('refuses a text field past 64 KiB with 413 instead of publishing it cut', async () => {
    const before = await mediaFiles()
    const response = await upload(await readFile(fixture('video.webm')), 'video.webm', { title: 'T'.repeat(70_000) })
    expect(response.status).toBe(413)
    expect((await response.json() as { message: string }).message).toBe('the field "title" is longer than 65536 bytes')
    expect(await mediaFiles()).toEqual(before)
    expect(await leftovers()).toEqual([])
  })

  it('refuses a file that is not media with 415 and the publish error', async () => {
    const before = await mediaFiles()
    const response = await upload(await readFile(fixture('not-audio.mp3')), 'not-audio.mp3')
    expect(response.status).toBe(415)
    const body = await response.json() as { message: string, code: string }
    expect(body.code).toBe('ENOTMEDIA')
    expect(await mediaFiles()).toEqual(before)
    expect(await leftovers()).toEqual([])
  })

  it('answers malformed multipart with 400 and a non-multipart body with 415', async () => {
    const malformed = await fetch(api('/episodes'), { method: 'POST', headers: { ...auth(), 'content-type': 'multipart/form-data; boundary=xyz' }, body: '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.mp3"\r\n\r\nnot closed' })
    expect(malformed.status).toBe(400)
    const json = await fetch(api('/episodes'), { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: '{}' })
    expect(json.status).toBe(415)
    expect(await leftovers()).toEqual([])
  })

  it('forgets an upload cut off mid-body', async () => {
    const before = await mediaFiles()
    const media = await readFile(fixture('episode-2.mp3'))
    const boundary = 'cutcutcut'
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cut.mp3"\r\nContent-Type: audio/mpeg\r\n\r\n`
    await new Promise<void>((resolve, reject) => {
      const socket = connect(running.port, '127.0.0.1', () => {
        socket.write(`POST /api/shows/${id}/episodes HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${head.length + media.length + 100}\r\n\r\n`)
        socket.write(head)
        // Half the media, then the connection drops.
        socket.write(media.subarray(0, media.length >> 1), () => setTimeout(() => { socket.destroy(); resolve() }, 200))
      })
      socket.on('error', reject)
    })
    // The server notices the cut and removes the partial upload.
    for (let attempt = 0; attempt < 50 && (await leftovers()).length > 0; attempt++) await new Promise(resolve => setTimeout(resolve, 100))
    expect(await leftovers()).toEqual([])
    expect(await mediaFiles()).toEqual(before)
    expect((await fetch(new URL('rss.xml', running.url))).status).toBe(200)
  })
})

describe('abuse', () => {
  it('compresses its JSON for a client that asks (the dashboard polls /stats every 2 s), and only the API\'s', async () => {
    const raw = (path: string, encoding: string) => new Promise<{ headers: IncomingHttpHeaders, body: Buffer }>((resolve, reject) => {
      get(new URL(path, running.url), { headers: { ...auth(), 'accept-encoding': encoding } }, response => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => resolve({ headers: response.headers, body: Buffer.concat(chunks) })).on('error', reject)
      }).on('error', reject)
    })
    const path = `api/shows/${id}/episodes`
    // A list of more than 1 kB (the threshold) whatever the tests before this one left.
    const [first] = (await (await fetch(api('/episodes'), { headers: auth() })).json() as { episodes: Episode[] }).episodes
    const patched = await fetch(api(`/episodes/${first!.slug}`), { method: 'PATCH', headers: { ...auth(), 'content-type': 'application/json' }, body: JSON.stringify({ description: 'Tea and torrents. '.repeat(100) }) })
    expect(patched.status).toBe(200)
    const plain = await raw(path, 'identity')
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.body.length).toBeGreaterThan(1024)
    const listed = JSON.parse(plain.body.toString())
    const br = await raw(path, 'gzip, br')
    expect([br.headers['content-encoding'], br.headers.vary]).toEqual(['br', 'accept-encoding'])
    expect(br.body.length).toBeLessThan(plain.body.length / 2)
    expect(JSON.parse(brotliDecompressSync(br.body).toString())).toEqual(listed)
    const gzip = await raw(path, 'gzip')
    expect(gzip.headers['content-encoding']).toBe('gzip')
    expect(JSON.parse(gunzipSync(gzip.body).toString())).toEqual(listed)
    const stats = await raw(`api/shows/${id}/stats`, 'br')
    expect(stats.headers['content-encoding'] === 'br' || stats.body.length <= 1024).toBe(true)
    // Media is never compressed here: the web seed's bytes are the torrent's.
    const media = await raw(listed.episodes[0].mediaPath, 'br, gzip')
    expect(media.headers['content-encoding']).toBeUndefined()
    expect(media.body).toEqual(await readFile(join(showDir, 'public', listed.episodes[0].mediaPath)))
  })

  it('backs off after repeated wrong tokens (429 with Retry-After) and rate-limits the API', async () => {
    const server = await serveShows({ shows: [showDir], port: 0, host: '127.0.0.1', apiRateLimitPerMinute: 12 })
    try {
      const url = new URL(`api/shows/${id}/episodes`, server.url)
      const statuses: number[] = []
      for (let attempt = 0; attempt < 7; attempt++) {
        const response = await fetch(url, { headers: { authorization: 'Bearer sct_00000000_guessguessguessguessguessguessguessguessgue' } })
        statuses.push(response.status)
        if (response.status === 429) expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0)
      }
      expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401])
      expect(statuses.slice(5)).toEqual([429, 429])
      // Even the right token waits out the backoff from this address.
      expect((await fetch(url, { headers: auth() })).status).toBe(429)
      const limited: number[] = []
      for (let attempt = 0; attempt < 5; attempt++) limited.push((await fetch(new URL('api/shows', server.url))).status)
      expect(limited).toContain(429)
      // Files are not rate-limited.
      expect((await fetch(new URL('rss.xml', server.url))).status).toBe(200)
    } finally {
      await server.close()
    }
  })
})
