import { createRequire } from 'node:module'
import type http from 'node:http'

/**
 * The `fetch` bittorrent-tracker's HTTP tracker announces with, in a download-only process
 * (`get`; lean-imports.ts): a GET over node:http or node:https. Node's own fetch is undici,
 * which its first call loads: about 80 ms of CPU and 15 MiB of a `get` that announces to an
 * HTTP tracker and fetches nothing else. It does what the tracker client reads of fetch's
 * answer (status, arrayBuffer), follows redirects as fetch does, and answers abort signals;
 * past fetch, the body is bounded (a tracker answer is a small bencoded dictionary: one
 * that never ends must not fill the memory) and read whole before the answer is given, so
 * an error in the body rejects this call, which the tracker client handles, and never its
 * later arrayBuffer(), which it does not. A request given an undici dispatcher (an announce
 * bound to an address, outgoing-host.ts) goes to Node's fetch, which takes it.
 */
export default async function trackerFetch (url: string, options: TrackerFetchOptions = {}): Promise<TrackerResponse> {
  if (options.dispatcher !== undefined) return await globalThis.fetch(url, options as RequestInit) as unknown as TrackerResponse
  options.signal?.throwIfAborted()
  let target = new URL(url)
  for (let redirects = 0; ; redirects++) {
    const answer = await get(target, options)
    if (answer.location === undefined) return answer.response
    if (redirects >= MAX_REDIRECTS) throw new TypeError(`fetch failed: more than ${MAX_REDIRECTS} redirects from ${url}`)
    target = new URL(answer.location, target)
  }
}

export interface TrackerFetchOptions {
  signal?: AbortSignal
  headers?: Record<string, string>
  /** An undici dispatcher: the request then goes to Node's fetch. */
  dispatcher?: unknown
  agent?: unknown
}

export interface TrackerResponse {
  status: number
  /** The tracker client subscribes to `body.on('error')` when there is one: never here. */
  body: object
  arrayBuffer: () => Promise<ArrayBuffer>
}

/** fetch's own limit. */
const MAX_REDIRECTS = 20
/** A tracker's answer larger than this is refused (a full peer list of 200 peers is under 20 KiB). */
export const MAX_TRACKER_ANSWER = 4 * 1024 * 1024

const require = createRequire(import.meta.url)

/** One GET: the response read whole, or where a redirect points. */
function get (url: URL, options: TrackerFetchOptions): Promise<{ response: TrackerResponse, location?: undefined } | { location: string }> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return Promise.reject(new TypeError(`fetch failed: unsupported protocol ${url.protocol}`))
  // Required, not imported: an ES import of node:http would load undici (lean-imports.ts).
  const client = require(url.protocol === 'https:' ? 'node:https' : 'node:http') as typeof http
  return new Promise((resolve, reject) => {
    const signal = options.signal
    const request = client.get(url, { headers: { ...options.headers, connection: 'close' } })
    const onAbort = () => request.destroy(signal?.reason instanceof Error ? signal.reason : new DOMException('This operation was aborted', 'AbortError'))
    signal?.addEventListener('abort', onAbort, { once: true })
    const settle = () => signal?.removeEventListener('abort', onAbort)
    request.once('error', error => { settle(); reject(error) })
    request.once('response', response => {
      const status = response.statusCode ?? 0
      const location = response.headers.location
      if (status >= 300 && status < 400 && status !== 304 && location !== undefined) {
        response.resume()
        settle()
        request.destroy()
        resolve({ location })
        return
      }
      const chunks: Buffer[] = []
      let length = 0
      response.on('data', (chunk: Buffer) => {
        length += chunk.length
        if (length > MAX_TRACKER_ANSWER) request.destroy(new Error(`tracker answer larger than ${MAX_TRACKER_ANSWER} bytes`))
        else chunks.push(chunk)
      })
      response.once('error', error => { settle(); reject(error) })
      response.once('end', () => {
        settle()
        const body = Buffer.concat(chunks)
        const bytes = body.buffer.slice(body.byteOffset, body.byteOffset + body.length) as ArrayBuffer
        resolve({ response: { status, body: {}, arrayBuffer: () => Promise.resolve(bytes) } })
      })
    })
  })
}
