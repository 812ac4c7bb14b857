import { SeedcastError } from '../../errors.js'
import { charsetOf, decodeFeed } from './decode-feed.js'
import { discoveredFeed, isHtmlPage } from './feed-discovery.js'
import { MAX_FEED_BYTES } from './podcast-feed.js'
import { parseRetryAfter, withRetryAfter } from './retry-after.js'

export interface FeedValidators {
  etag?: string
  lastModified?: string
}

export interface FetchFeedOptions extends FeedValidators {
  timeoutMs?: number
  maxBytes?: number
  userAgent?: string
  signal?: AbortSignal
}

export type FetchedFeed = {
  /** The URL the body came from after redirects. */
  url: string
  /** Set when every redirect on the way was permanent (301/308): the feed's new home. */
  movedTo?: string
  /** Bytes received (headers not counted). */
  bytes: number
} & ({ notModified: true } | { notModified: false, xml: string, etag?: string, lastModified?: string })

const MAX_REDIRECTS = 5

/**
 * GETs a feed, conditionally when validators from the last fetch are given (304 → notModified).
 * Redirects are followed by hand (at most 5) so a permanent move can be remembered;
 * the body is read up to maxBytes; every failure is one SeedcastError line. An HTML page
 * that names its feed (feed-discovery.ts) leads to that feed, once: the feed's address is
 * then `movedTo`, for the caller to keep instead of the page's.
 */
export async function fetchFeed (url: string, options: FetchFeedOptions = {}): Promise<FetchedFeed> {
  const maxBytes = options.maxBytes ?? MAX_FEED_BYTES
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 30_000)
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout
  let current = checkUrl(url, url)
  let permanent = true
  let discovered = false
  for (let hop = 0; ; hop++) {
    const headers: Record<string, string> = { 'user-agent': options.userAgent ?? 'seedcast', accept: 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1' }
    // The validators are the page's or the feed's it was given for; not the discovered feed's.
    if (options.etag && !discovered) headers['if-none-match'] = options.etag
    if (options.lastModified && !discovered) headers['if-modified-since'] = options.lastModified
    let response: Response
    try {
      response = await fetch(current, { headers, redirect: 'manual', signal })
    } catch (err) {
      const why = timeout.aborted ? `no answer within ${Math.round((options.timeoutMs ?? 30_000) / 1000)} s` : networkReason(err)
      throw new SeedcastError(`${url}: cannot fetch the feed: ${why}`, { code: 'EFETCH', cause: err, hint: 'check the URL and the network' })
    }
    if ([301, 302, 303, 307, 308].includes(response.status)) {
      await response.body?.cancel()
      const location = response.headers.get('location')
      if (!location) throw new SeedcastError(`${url}: redirect ${response.status} without a Location`, { code: 'EFETCH' })
      if (hop >= MAX_REDIRECTS) throw new SeedcastError(`${url}: more than ${MAX_REDIRECTS} redirects`, { code: 'EFETCH', hint: 'the host redirects in a loop' })
      if (response.status !== 301 && response.status !== 308) permanent = false
      current = checkUrl(new URL(location, current).href, url)
      continue
    }
    const movedTo = (permanent || discovered) && current !== url ? current : undefined
    if (response.status === 304) {
      await response.body?.cancel()
      return { url: current, ...(movedTo ? { movedTo } : {}), bytes: 0, notModified: true }
    }
    if (!response.ok) {
      await response.body?.cancel()
      const gone = response.status === 410 ? ' (gone: the host says the feed will not come back)' : ''
      const error = new SeedcastError(`${url}: HTTP ${response.status} ${response.statusText}${gone}`, { code: response.status === 410 ? 'EGONE' : 'EHTTP', hint: response.status === 404 || response.status === 410 ? 'check the feed URL' : 'the host may be down for a while; try again later' })
      throw response.status === 429 || response.status === 503 ? withRetryAfter(error, parseRetryAfter(response.headers.get('retry-after'))) : error
    }
    const declared = Number(response.headers.get('content-length'))
    if (declared > maxBytes) {
      await response.body?.cancel()
      throw new SeedcastError(`${url}: the feed is ${declared} bytes, more than the ${maxBytes} allowed`, { code: 'ETOOBIG' })
    }
    let body: Uint8Array
    try {
      body = await readLimited(response, maxBytes, url)
    } catch (err) {
      // The headers came but the body did not, in full: a stalled or cut connection. The
      // caller's own abort (Ctrl-C) stays as it is, for the caller to report.
      if (err instanceof SeedcastError || options.signal?.aborted) throw err
      const why = timeout.aborted ? `the body did not arrive within ${Math.round((options.timeoutMs ?? 30_000) / 1000)} s` : `the body was cut: ${networkReason(err)}`
      throw new SeedcastError(`${url}: cannot fetch the feed: ${why}`, { code: 'EFETCH', cause: err, hint: 'check the URL and the network' })
    }
    const text = decodeFeed(body, url, charsetOf(response.headers.get('content-type')))
    const feedUrl = !discovered && isHtmlPage(text) ? discoveredFeed(text, current) : undefined
    if (feedUrl) {
      if (hop >= MAX_REDIRECTS) throw new SeedcastError(`${url}: more than ${MAX_REDIRECTS} redirects`, { code: 'EFETCH', hint: 'the host redirects in a loop' })
      discovered = true
      current = checkUrl(feedUrl, url)
      continue
    }
    return {
      url: current,
      ...(movedTo ? { movedTo } : {}),
      bytes: body.length,
      notModified: false,
      xml: text,
      ...(response.headers.get('etag') ? { etag: response.headers.get('etag')! } : {}),
      ...(response.headers.get('last-modified') ? { lastModified: response.headers.get('last-modified')! } : {})
    }
  }
}

function checkUrl (value: string, original: string): string {
  let parsed: URL
  try {
    parsed = new URL(value)
  } catch {
    throw new SeedcastError(`${original}: not a URL`, { code: 'EUSAGE', hint: 'give the feed\'s http(s) address' })
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new SeedcastError(`${original}: only http(s) feeds can be fetched${value !== original ? ` (redirected to ${parsed.protocol})` : ''}`, { code: 'EUSAGE', hint: 'give the feed\'s http(s) address' })
  }
  return parsed.href
}

async function readLimited (response: Response, maxBytes: number, url: string): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  let total = 0
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.length
    if (total > maxBytes) {
      await response.body?.cancel().catch(() => {})
      throw new SeedcastError(`${url}: the feed is more than ${maxBytes} bytes`, { code: 'ETOOBIG' })
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

export function networkReason (err: unknown): string {
  const cause = (err as { cause?: { code?: string, message?: string } }).cause
  return cause?.code ? `${cause.code}${cause.message ? ` (${cause.message})` : ''}` : cause?.message ?? (err as Error).message
}
