import { createSocket } from 'node:dgram'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'

/**
 * A port free for TCP and for UDP on every local address, for what cannot listen on port 0
 * itself: a show whose base URL must name the server's port before it starts, libtorrent
 * told its port, a closed port to fail against. Not for aria2c: give it ARIA2_LISTEN_PORTS
 * (helpers/aria2.ts), from which it binds a free one itself.
 *
 * Nothing holds the port between this check and its use, often seconds later (a show made
 * and published first, a process started). So it is taken below the kernel's ephemeral
 * range (32768-60999 by default), where no socket of any process lands by itself (listening
 * on port 0, connecting, a UDP socket sending), and in a slice of that space of this test
 * worker's own (VITEST_POOL_ID), so two test files running at once never pick the same one.
 * Of the ephemeral range, the port a kernel found free was taken in between by any other
 * process's port-0 socket in the suite: a serve failed with EADDRINUSE, a closed port answered.
 *
 * UDP too, because most users bind that number for UDP as well (libtorrent and WebTorrent
 * for uTP, serve's --udp-tracker).
 */
export async function freePort (): Promise<number> {
  const range = workerRange()
  for (let tries = 0; tries < 50; tries++) {
    const port = range ? range.from + Math.floor(Math.random() * (range.to - range.from)) : await kernelPort()
    if (handedOut.has(port)) continue
    if (await tcpFree(port) && await udpFree(port)) {
      handedOut.add(port)
      return port
    }
  }
  throw new Error(`no port free for both TCP and UDP in 50 tries${range ? ` in ${range.from}-${range.to - 1}` : ''}`)
}

/** Above aria2c's 6881-6999, npm start's 8080 and duplicate-connections.test.ts's 20000-21100. */
const FIRST_PORT = 22_000
/** Slices of the space below the ephemeral range: one per test worker (vitest's maxWorkers is 2). */
const SLICES = 8
/** Ports handed out by this process: each once, even if it is not bound yet. */
const handedOut = new Set<number>()

/** This worker's slice of [FIRST_PORT, the ephemeral range's first port), or undefined if there is no room. */
function workerRange (): { from: number, to: number } | undefined {
  let ephemeralFirst: number
  try {
    ephemeralFirst = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0])
  } catch {
    return undefined
  }
  const size = Math.floor((ephemeralFirst - FIRST_PORT) / SLICES)
  if (!(size >= 100)) return undefined
  const slice = ((Number(process.env.VITEST_POOL_ID) || 1) - 1) % SLICES
  return { from: FIRST_PORT + slice * size, to: FIRST_PORT + (slice + 1) * size }
}

/** A port the kernel finds free for TCP (no room below the ephemeral range on this machine). */
function kernelPort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.on('error', reject)
    server.listen(0, '0.0.0.0', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

function tcpFree (port: number): Promise<boolean> {
  return new Promise(resolve => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)))
  })
}

function udpFree (port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = createSocket('udp4')
    socket.once('error', () => { socket.close(); resolve(false) })
    socket.bind(port, '0.0.0.0', () => socket.close(() => resolve(true)))
  })
}
