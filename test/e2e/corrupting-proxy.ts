// An HTTP proxy in front of `seedcast serve` that returns wrong bytes for chosen ranges of the media: a bad web seed.
import { createServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface CorruptingProxy {
  origin: string
  server: Server
  /** Bytes of `/media/…` bodies sent to clients so far (the egress a web seed pays). */
  mediaBytesSent: () => number
  close: () => Promise<void>
}

/**
 * Forwards every request to 127.0.0.1:`targetPort` unchanged, except that in answers for
 * `/media/…` every byte whose file offset falls in one of `badRanges` ([start, end) pairs) is
 * inverted, so the answer has the right length and headers but wrong content. With no bad
 * range it only counts the media bytes it sends.
 */
export async function startCorruptingProxy (targetPort: number, badRanges: Array<[number, number]>): Promise<CorruptingProxy> {
  let mediaBytesSent = 0
  const server = createServer((req, res) => {
    const upstream = request({ host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: { ...req.headers, host: `127.0.0.1:${targetPort}` } }, answer => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      const corrupt = req.url?.startsWith('/media/') ?? false
      let offset = Number(/^bytes (\d+)-/.exec(String(answer.headers['content-range'] ?? ''))?.[1] ?? 0)
      answer.on('data', (chunk: Buffer) => {
        if (corrupt) {
          for (const [start, end] of badRanges) {
            for (let i = Math.max(start, offset); i < Math.min(end, offset + chunk.length); i++) chunk[i - offset] = 255 - chunk[i - offset]!
          }
        }
        offset += chunk.length
        if (corrupt) mediaBytesSent += chunk.length
        // As a server would: no more read from upstream than the client takes (Chromium's
        // element pauses its reads once it has buffered enough).
        if (!res.write(chunk)) { answer.pause(); res.once('drain', () => answer.resume()) }
      })
      res.on('close', () => answer.destroy())
      answer.on('end', () => res.end())
      answer.on('error', () => res.destroy())
    })
    upstream.on('error', () => res.destroy())
    req.pipe(upstream)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    server,
    mediaBytesSent: () => mediaBytesSent,
    close: () => new Promise(resolve => { server.closeAllConnections(); server.close(() => resolve()) })
  }
}
