// What the swarm benchmarks (swarm-get, swarm-seed) share: a local http tracker, a big
// random file, process exits, medians. Not a benchmark itself (run.ts runs *.bench.ts).
import { type ChildProcess } from 'node:child_process'
import { randomFillSync } from 'node:crypto'
import { closeSync, openSync, writeSync } from 'node:fs'
import { createServer } from 'node:net'
import { Server } from 'bittorrent-tracker'

export const mib = (bytes: number) => bytes / 1048576

export function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

export async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', () => resolve()))
  const { port } = server.address() as { port: number }
  await new Promise<void>(resolve => server.close(() => resolve()))
  return port
}

/** An http-only tracker on 127.0.0.1 with a 60 s interval; close() also drops keep-alive connections. */
export async function startTracker (): Promise<{ url: string, close: () => Promise<void> }> {
  const server = new Server({ http: true, ws: false, udp: false, stats: false, interval: 60_000 })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', () => resolve()))
  server.on('warning', () => {})
  const { port } = server.http!.address() as { port: number }
  return { url: `http://127.0.0.1:${port}/announce`, close: () => new Promise(resolve => { server.close(() => resolve()); server.http!.closeAllConnections() }) }
}

/**
 * The exit code once the process has exited. 'exit', not 'close': a child whose unread
 * stderr pipe is never consumed (the seeders here) would never 'close'.
 */
export function waitExit (child: ChildProcess): Promise<number | null> {
  return new Promise(resolve => { if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode); else child.once('exit', code => resolve(code)) })
}

/** Writes `size` random bytes to `path` in 8 MiB chunks. */
export function makeBigFile (path: string, size: number): void {
  const fd = openSync(path, 'w')
  const chunk = Buffer.allocUnsafe(8 * 1024 * 1024)
  for (let written = 0; written < size; written += chunk.length) {
    randomFillSync(chunk)
    writeSync(fd, chunk, 0, Math.min(chunk.length, size - written))
  }
  closeSync(fd)
}
