// Helpers shared by the serve-*.test.ts files: a published show in a temp folder and
// raw HTTP requests whose paths nothing normalises first.
import { request } from 'node:http'
import { connect } from 'node:net'
import { fileURLToPath } from 'node:url'
import { initShow } from '../../src/show/init.js'
import { publish } from '../../src/show/publish.js'

export const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url))

/** initShow with `baseUrl` and no trackers, then publish each fixture (by file name). */
export async function makePublishedShow (dir: string, baseUrl: string, media: string[], title = 'Served Show'): Promise<void> {
  await initShow(dir, {
    title, description: 'A show served in the tests', author: 'Tester', ownerName: 'Tester',
    ownerEmail: 'tester@example.org', language: 'en', category: 'Technology', baseUrl,
    image: fixture('cover.jpg'), trackers: []
  })
  for (const [index, name] of media.entries()) {
    await publish(dir, fixture(name), { date: `2026-11-0${index + 1}T09:00:00Z`, episode: index + 1 })
  }
}

export interface RawResponse { status: number, headers: Record<string, string | string[] | undefined>, body: Buffer }

/**
 * One HTTP request with `path` sent exactly as given (fetch and URL would resolve "..",
 * "%2e%2e" and backslashes before sending, hiding what a hostile client can send).
 */
export function rawRequest (port: number, path: string, options: { method?: string, headers?: Record<string, string> } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers, agent: false }, res => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
      res.on('error', reject)
    })
    req.setTimeout(10_000, () => req.destroy(new Error(`${path}: no answer in 10 s`)))
    req.on('error', reject)
    req.end()
  })
}

/**
 * Sends `head` (request line and headers, CRLF-separated, without the final blank line)
 * byte for byte on a new connection and returns everything the server sent until it
 * closed the connection (the request asks for Connection: close), for requests no HTTP
 * client library would send: two Host headers, an absolute-form target.
 */
export function rawExchange (port: number, head: string): Promise<{ status: number, text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`${head}\r\nConnection: close\r\n\r\n`))
    const chunks: Buffer[] = []
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer in 10 s')))
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', reject)
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1')
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text })
    })
  })
}
