import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join, relative } from 'node:path'
import { readdir } from 'node:fs/promises'

export interface HostedFile { body: Buffer, type: string }

export interface HostRequest { method: string, path: string, range?: string, ifNoneMatch?: string, status: number, bytes: number }

/**
 * A podcast host for tests on 127.0.0.1: files from memory with ETag/If-None-Match and
 * single Range requests (what web seeds and resumed downloads need), redirects, and a
 * log of every request. `hold(path, bytes)` sends only the first `bytes` of a file and
 * then keeps the connection open until `release()`, so a test can kill a client mid-file.
 */
export class FeedHost {
  readonly files = new Map<string, HostedFile>()
  readonly redirects = new Map<string, { status: number, location: string }>()
  /** Paths answered with this status and headers (no body), e.g. 429 with Retry-After. */
  readonly statuses = new Map<string, { status: number, headers?: Record<string, string> }>()
  readonly log: HostRequest[] = []
  private held = new Map<string, number>()
  private drops = new Map<string, number>()
  private delayed = new Set<string>()
  private resumes: Array<() => void> = []
  private waiting: Array<() => void> = []
  private server!: Server
  base = ''

  async start (): Promise<this> {
    this.server = createServer((req, res) => {
      const requested = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
      if (this.delayed.has(requested)) {
        this.resumes.push(() => this.server.emit('request', req, res))
        this.log.push({ method: req.method ?? 'GET', path: requested, status: 0, bytes: 0 })
        return
      }
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
      const entry: HostRequest = { method: req.method ?? 'GET', path, ...(req.headers.range ? { range: req.headers.range } : {}), ...(req.headers['if-none-match'] ? { ifNoneMatch: String(req.headers['if-none-match']) } : {}), status: 0, bytes: 0 }
      this.log.push(entry)
      const finish = (status: number, headers: Record<string, string | number> = {}, body?: Buffer) => {
        entry.status = status
        entry.bytes = body?.length ?? 0
        res.writeHead(status, headers).end(req.method === 'HEAD' ? undefined : body)
      }
      const redirect = this.redirects.get(path)
      if (redirect) return finish(redirect.status, { location: redirect.location })
      const answer = this.statuses.get(path)
      if (answer) return finish(answer.status, answer.headers)
      const file = this.files.get(path)
      if (!file) return finish(404)
      const etag = `"${createHash('sha1').update(file.body).digest('hex').slice(0, 16)}"`
      if (req.headers['if-none-match'] === etag) return finish(304, { etag })
      let start = 0
      let end = file.body.length - 1
      let status = 200
      const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '')
      if (range && (range[1] || range[2])) {
        start = range[1] ? Number(range[1]) : file.body.length - Number(range[2])
        end = range[1] && range[2] ? Math.min(Number(range[2]), end) : end
        if (start > end || start >= file.body.length) return finish(416, { 'content-range': `bytes */${file.body.length}` })
        status = 206
      }
      const body = file.body.subarray(start, end + 1)
      const headers: Record<string, string | number> = { 'content-type': file.type, etag, 'accept-ranges': 'bytes', 'content-length': body.length, ...(status === 206 ? { 'content-range': `bytes ${start}-${end}/${file.body.length}` } : {}) }
      const drop = this.drops.get(path)
      if (drop !== undefined && req.method !== 'HEAD') {
        // Once: the first `drop` bytes, then the connection is closed (FIN, after those bytes:
        // the client has them all) short of the Content-Length: a network failure mid-file.
        this.drops.delete(path)
        entry.status = status
        entry.bytes = Math.min(drop, body.length)
        res.writeHead(status, headers)
        res.write(body.subarray(0, drop), () => res.socket?.end())
        return
      }
      const hold = this.held.get(path)
      if (hold !== undefined && req.method !== 'HEAD') {
        entry.status = status
        entry.bytes = Math.min(hold, body.length)
        res.writeHead(status, headers)
        res.write(body.subarray(0, hold))
        this.waiting.push(() => res.destroy())
        return
      }
      finish(status, headers, body)
    })
    await new Promise<void>(resolve => this.server.listen(0, '127.0.0.1', resolve))
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
    return this
  }

  url (path: string): string {
    return `${this.base}${path}`
  }

  put (path: string, body: Buffer | string, type = 'application/octet-stream'): void {
    this.files.set(path, { body: Buffer.from(body), type })
  }

  /** Serves a folder (a show's public/) under `prefix`. */
  async putFolder (prefix: string, folder: string): Promise<void> {
    for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue
      const full = join(entry.parentPath, entry.name)
      const type = full.endsWith('.xml') ? 'application/rss+xml' : full.endsWith('.torrent') ? 'application/x-bittorrent' : full.endsWith('.mp3') ? 'audio/mpeg' : 'application/octet-stream'
      this.put(`${prefix}/${relative(folder, full).split('\\').join('/')}`, await readFile(full), type)
    }
  }

  hold (path: string, bytes: number): void {
    this.held.set(path, bytes)
  }

  /** The next GET of `path` sends its first `bytes` and then the connection is cut. */
  dropAfter (path: string, bytes: number): void {
    this.drops.set(path, bytes)
  }

  /** Requests for `path` wait (logged with status 0) until undelay(), then are answered as usual. */
  delay (path: string): void {
    this.delayed.add(path)
  }

  undelay (): void {
    this.delayed.clear()
    for (const resume of this.resumes.splice(0)) resume()
  }

  release (): void {
    this.held.clear()
    for (const end of this.waiting.splice(0)) end()
  }

  requests (path: string): HostRequest[] {
    return this.log.filter(entry => entry.path === path)
  }

  close (): Promise<void> {
    this.release()
    this.undelay()
    this.server.closeAllConnections()
    return new Promise(resolve => this.server.close(() => resolve()))
  }
}
