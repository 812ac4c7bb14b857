// Feeds served while another process rewrites them (publish, edit, remove replace each feed
// by rename): every response is one whole version of the feed, its length what
// Content-Length said, in identity and in brotli. Before the fix, @fastify/send stat'ed by
// path and opened by path, and 1 to 5 of every ~6,000 bodies were cut or mixed.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliDecompressSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveShows, type RunningServer } from '../../src/server/serve.js'
import { tempDir } from '../helpers/tmp.js'
import { fixture, makePublishedShow } from './serve-helpers.js'
import { request, Agent } from 'node:http'

const REQUESTS = 20_000
const CONCURRENCY = 16

let tmp: Awaited<ReturnType<typeof tempDir>>
let running: RunningServer
let showDir: string

beforeAll(async () => {
  tmp = await tempDir('seedcast-serve-race-')
  showDir = join(tmp.path, 'show')
  await makePublishedShow(showDir, 'http://127.0.0.1:8080/', ['episode.mp3'])
  running = await serveShows({ shows: [showDir], port: 0, host: '127.0.0.1' })
})

afterAll(async () => {
  await running?.close()
  await tmp?.cleanup()
})

interface Answer { status: number, length: number | undefined, encoding: string | undefined, body: Buffer, error?: string }

function get (agent: Agent, path: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise(resolve => {
    const req = request({ host: '127.0.0.1', port: running.port, path, agent, headers }, res => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({
        status: res.statusCode ?? 0,
        length: res.headers['content-length'] === undefined ? undefined : Number(res.headers['content-length']),
        encoding: res.headers['content-encoding'],
        body: Buffer.concat(chunks)
      }))
      res.on('error', error => resolve({ status: res.statusCode ?? 0, length: undefined, encoding: undefined, body: Buffer.alloc(0), error: error.message }))
    })
    req.setTimeout(10_000, () => req.destroy(new Error('no answer in 10 s')))
    req.on('error', error => resolve({ status: 0, length: undefined, encoding: undefined, body: Buffer.alloc(0), error: error.message }))
    req.end()
  })
}

/** Why a feed response is not one whole version of the feed, or undefined when it is. */
function badness (feed: string, answer: Answer): string | undefined {
  if (answer.error) return answer.error
  if (answer.status !== 200) return `status ${answer.status}`
  if (answer.length !== answer.body.length) return `Content-Length ${answer.length}, body ${answer.body.length}`
  let text: string
  try {
    text = (answer.encoding === 'br' ? brotliDecompressSync(answer.body) : answer.body).toString('utf8')
  } catch (error) {
    return `does not decode: ${(error as Error).message}`
  }
  const start = feed.endsWith('.json') ? '{' : '<?xml'
  const end = feed === 'rss.xml' || feed === 'p2p.xml' ? '</rss>' : feed === 'atom.xml' ? '</feed>' : '}'
  if (!text.startsWith(start) || !text.trimEnd().endsWith(end)) return `not a whole feed (${text.length} characters, ends ${JSON.stringify(text.slice(-40))})`
  if (feed.endsWith('.json')) {
    try { JSON.parse(text) } catch { return 'not JSON' }
  }
  return undefined
}

describe('feeds rewritten while served', () => {
  it(`answers ${REQUESTS} feed requests during publishes, edits and removals with whole feeds only`, async () => {
    const writer = spawn(process.execPath, [fileURLToPath(new URL('../helpers/feed-churn.ts', import.meta.url)), showDir, fixture('episode-2.mp3')], { stdio: ['pipe', 'pipe', 'pipe'] })
    let rounds = 0
    let stderr = ''
    writer.stdout.setEncoding('utf8').on('data', (chunk: string) => { rounds += chunk.split('\n').filter(Boolean).length })
    writer.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
    const writerDone = new Promise<number | null>(resolve => writer.on('close', code => resolve(code)))
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY })
    const feeds = ['rss.xml', 'p2p.xml', 'atom.xml', 'feed.json']
    const bad: string[] = []
    let sent = 0
    let bodies = 0
    try {
      await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
        while (sent < REQUESTS) {
          const index = sent++
          const feed = feeds[index % feeds.length]!
          const headers: Record<string, string> = index % 2 === 0 ? { 'accept-encoding': 'br' } : {}
          const answer = await get(agent, `/${feed}`, headers)
          const why = badness(feed, answer)
          if (why) bad.push(`${feed}: ${why}`)
          else bodies++
        }
      }))
    } finally {
      agent.destroy()
      writer.stdin.end()
    }
    const code = await writerDone
    expect(stderr).toBe('')
    expect(code).toBe(0)
    // The writer really changed the feeds while they were read.
    expect(rounds).toBeGreaterThan(0)
    expect(bad.slice(0, 5)).toEqual([])
    expect(bodies).toBe(REQUESTS)
  }, 300_000)
})
