import http, { type IncomingMessage } from 'node:http'
import https from 'node:https'

export interface HttpGetOptions {
  headers?: Record<string, string>
  signal?: AbortSignal
}

/** fetch's own limit. */
const MAX_REDIRECTS = 20

/**
 * A GET over node:http(s) that follows redirects as fetch does, resolving with the final
 * URL and the response, its body not yet read (a Node stream: the caller reads it, or
 * calls resume() to drop it).
 *
 * Why not fetch: Node's fetch (its bundled undici 7) crashes the whole process with an
 * uncatchable "AssertionError: assert(!this.paused)" when a host closes the connection
 * while the body waits for a slow reader (undici issue 5360, fixed in undici 8 only). A
 * download to disk is such a reader, and hosts that close after each answer (HTTP/1.0,
 * `Connection: close`) are common: `seedcast mirror` of a feed on Python's http.server
 * died that way in about one run in two. Node's own HTTP client pauses the socket instead.
 * Network failures reject with an Error whose cause is the system error, as fetch's do.
 */
export async function httpGet (url: string, options: HttpGetOptions = {}): Promise<{ url: string, response: IncomingMessage }> {
  let target = new URL(url)
  for (let redirects = 0; ; redirects++) {
    const response = await getOnce(target, options)
    const location = response.headers.location
    if ([301, 302, 303, 307, 308].includes(response.statusCode ?? 0) && location !== undefined) {
      response.resume()
      if (redirects >= MAX_REDIRECTS) throw new Error('request failed', { cause: new Error(`more than ${MAX_REDIRECTS} redirects`) })
      target = new URL(location, target)
      continue
    }
    return { url: target.href, response }
  }
}

function getOnce (url: URL, options: HttpGetOptions): Promise<IncomingMessage> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return Promise.reject(new Error('request failed', { cause: new Error(`unsupported protocol ${url.protocol}`) }))
  }
  const client = url.protocol === 'https:' ? https : http
  return new Promise((resolve, reject) => {
    const request = client.get(url, { headers: options.headers, ...(options.signal ? { signal: options.signal } : {}) })
    request.once('error', error => reject(new Error('request failed', { cause: error })))
    request.once('response', response => {
      // Past this point a failure (a cut, an abort) is an error of the body the caller reads.
      request.removeAllListeners('error')
      request.on('error', () => {})
      resolve(response)
    })
  })
}
