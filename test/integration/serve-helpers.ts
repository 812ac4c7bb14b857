// Helpers shared by the serve-*.test.ts files: a published show in a temp folder and
// raw HTTP requests whose paths nothing normalises first.
import { request } from 'node:http'
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
