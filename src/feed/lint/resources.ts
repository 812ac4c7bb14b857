import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream, existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, sep } from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { SeedcastError } from '../../errors.js'

export type FetchFunction = typeof globalThis.fetch

export interface ResourceOptions {
  /** How to fetch HTTP(S) URLs; false never touches the network. Default: the global fetch. */
  fetch?: FetchFunction | false
  /** A feed read from disk: URLs under `baseUrl` are read from `dir` (the public folder) instead of fetched. */
  local?: { dir: string, baseUrl: string }
  /** Per request, ms. Default 30 s. */
  timeoutMs?: number
}

/** A media file to check, on disk: the published file itself, or a download in a temp folder. */
export interface LocalCopy { path: string, sha256: string, cleanup: () => Promise<void> }

/**
 * Loads what a feed points at (torrents, chapters, media), from the show's public folder
 * when the feed was read from disk and the file is there, else over HTTP(S).
 */
export class Resources {
  private readonly cache = new Map<string, Promise<Buffer>>()

  constructor (private readonly options: ResourceOptions = {}) {}

  /**
   * True when `url` can be read: it maps into the local folder and is there, or it is
   * outside that folder and fetching is allowed. A file missing from the local folder is
   * not fetched instead (the folder is what is served; see checkLocalFiles).
   */
  canLoad (url: string): boolean {
    const local = this.localPath(url)
    if (local !== undefined) return existsSync(local)
    return this.options.fetch !== false && /^https?:\/\//i.test(url)
  }

  /** True when `url` names a file of the local folder that is not there. */
  isMissingLocally (url: string): boolean {
    const local = this.localPath(url)
    return local !== undefined && !existsSync(local)
  }

  /** `url` as a path below the local folder, e.g. media/ep-1.mp3. */
  localName (url: string): string {
    const local = this.options.local
    return local && url.startsWith(local.baseUrl) ? decodeURIComponent(url.slice(local.baseUrl.length).replace(/[?#].*$/, '')) : url
  }

  /** The local folder, for messages. */
  localDir (): string {
    return this.options.local?.dir ?? ''
  }

  /** The bytes of a small resource (at most `maxBytes`), cached by URL. */
  bytes (url: string, maxBytes = 16 * 1024 * 1024): Promise<Buffer> {
    let pending = this.cache.get(url)
    if (!pending) {
      pending = this.load(url, maxBytes)
      this.cache.set(url, pending)
    }
    return pending
  }

  /** The media at `url` as a file on disk with its SHA-256 (base64); downloads go to a temp folder that cleanup removes. */
  async file (url: string): Promise<LocalCopy> {
    const local = await this.existingLocalPath(url)
    if (local) return { path: local, sha256: await sha256OfFile(local), cleanup: async () => {} }
    const response = await this.get(url)
    const dir = await mkdtemp(join(tmpdir(), 'seedcast-lint-'))
    const path = join(dir, 'media')
    const hash = createHash('sha256')
    try {
      const hashing = new Transform({ transform (chunk: Buffer, _encoding, done) { hash.update(chunk); done(null, chunk) } })
      await pipeline(Readable.fromWeb(response.body! as import('node:stream/web').ReadableStream), hashing, createWriteStream(path))
    } catch (error) {
      await rm(dir, { recursive: true, force: true })
      throw new SeedcastError(`cannot download ${url}: ${(error as Error).message}`, { code: 'EFETCH', cause: error })
    }
    return { path, sha256: hash.digest('base64'), cleanup: () => rm(dir, { recursive: true, force: true }) }
  }

  private async load (url: string, maxBytes: number): Promise<Buffer> {
    const local = await this.existingLocalPath(url)
    if (local) {
      const size = (await stat(local)).size
      if (size > maxBytes) throw new SeedcastError(`${local} is ${size} bytes, more than the ${maxBytes} expected`, { code: 'ETOOBIG' })
      return readFile(local)
    }
    const response = await this.get(url)
    const declared = Number(response.headers.get('content-length') ?? 0)
    if (declared > maxBytes) {
      await response.body?.cancel()
      throw new SeedcastError(`${url} is ${declared} bytes, more than the ${maxBytes} expected`, { code: 'ETOOBIG' })
    }
    const body = Buffer.from(await response.arrayBuffer())
    if (body.length > maxBytes) throw new SeedcastError(`${url} is more than ${maxBytes} bytes`, { code: 'ETOOBIG' })
    return body
  }

  private async get (url: string): Promise<Response> {
    if (this.isMissingLocally(url)) throw new SeedcastError(`${this.localName(url)} is missing from ${this.localDir()}`, { code: 'ENOENT' })
    const fetch = this.options.fetch
    if (fetch === false || !/^https?:\/\//i.test(url)) {
      throw new SeedcastError(`${url}: not fetched (fetching is off or it is not an HTTP(S) URL)`, { code: 'EFETCH' })
    }
    let response: Response
    try {
      response = await (fetch ?? globalThis.fetch)(url, { signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000), redirect: 'follow' })
    } catch (error) {
      const reason = (error as Error).name === 'TimeoutError' ? 'timed out' : ((error as Error & { cause?: Error }).cause?.message ?? (error as Error).message)
      throw new SeedcastError(`cannot fetch ${url}: ${reason}`, { code: 'EFETCH', cause: error })
    }
    if (!response.ok) {
      await response.body?.cancel()
      throw new SeedcastError(`cannot fetch ${url}: HTTP ${response.status} ${response.statusText}`.trim(), { code: 'EFETCH' })
    }
    return response
  }

  private localPath (url: string): string | undefined {
    const local = this.options.local
    if (!local || !url.startsWith(local.baseUrl)) return undefined
    const relative = url.slice(local.baseUrl.length).replace(/[?#].*$/, '')
    let segments: string[]
    try {
      segments = relative.split('/').filter(Boolean).map(segment => decodeURIComponent(segment))
    } catch {
      return undefined
    }
    if (segments.length === 0 || segments.some(segment => segment === '..' || segment.includes(sep))) return undefined
    return join(local.dir, ...segments)
  }

  private async existingLocalPath (url: string): Promise<string | undefined> {
    const path = this.localPath(url)
    if (!path) return undefined
    const found = await stat(path).catch(() => undefined)
    return found?.isFile() ? path : undefined
  }
}

async function sha256OfFile (path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer)
  return hash.digest('base64')
}
