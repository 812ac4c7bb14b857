// A hostile BitTorrent peer on a raw socket: a valid handshake for a served infohash, then
// a message whose length prefix says 1 GiB, then a stream of bytes (issue 10, defect 1).
import { connect, createServer, type Server, type Socket } from 'node:net'
import { randomBytes } from 'node:crypto'

export const GIB = 1024 * 1024 * 1024

export function handshake (infoHash: string): Buffer {
  return Buffer.concat([Buffer.from([19]), Buffer.from('BitTorrent protocol'), Buffer.alloc(8), Buffer.from(infoHash, 'hex'), Buffer.from('-XX0001-' + randomBytes(6).toString('hex'))])
}

/** 1 GiB length prefix and a piece message id: what the attack sends right after the handshake. */
export function hugeMessageHead (): Buffer {
  const head = Buffer.alloc(5)
  head.writeUInt32BE(GIB, 0)
  head[4] = 7
  return head
}

export interface AttackResult {
  /** Bytes written after the handshake before the other side closed (or `limit` if it never did). */
  sentAfterHandshake: number
  /** Bytes the other side sent us (its handshake, bitfield...). */
  received: number
  /** True when the other side closed the connection. */
  closed: boolean
}

/**
 * Streams the attack into `socket` (already connected, handshake already written) until the
 * other side closes it or `limit` bytes have gone, honouring back-pressure.
 */
export function streamAttack (socket: Socket, limit: number): Promise<AttackResult> {
  return new Promise(resolve => {
    let sent = 0
    let received = 0
    let done = false
    const chunk = Buffer.alloc(64 * 1024, 0x41)
    const finish = (closed: boolean) => {
      if (done) return
      done = true
      socket.destroy()
      resolve({ sentAfterHandshake: sent, received, closed })
    }
    socket.on('data', (data: Buffer) => { received += data.length })
    socket.on('close', () => finish(true))
    socket.on('error', () => finish(true))
    const pump = () => {
      while (!done && sent < limit) {
        const piece = sent === 0 ? Buffer.concat([hugeMessageHead(), chunk]) : chunk
        sent += piece.length
        if (!socket.write(piece)) { socket.once('drain', pump); return }
      }
      if (!done && sent >= limit) finish(false)
    }
    pump()
  })
}

/** Connects from `localAddress` to a peer port, sends a handshake for `infoHash`, then the attack. */
export function attackPeerPort (port: number, infoHash: string, options: { localAddress: string, limit: number }): Promise<AttackResult> {
  return new Promise((resolve, reject) => {
    let connected = false
    const socket = connect({ port, host: '127.0.0.1', localAddress: options.localAddress }, () => {
      connected = true
      socket.write(handshake(infoHash))
      streamAttack(socket, options.limit).then(resolve, reject)
    })
    socket.on('error', error => { if (!connected) reject(error) })
  })
}

/**
 * Connects from `localAddress` and sends a handshake; resolves with what happened: 'refused'
 * when the connection is closed before any byte comes back, 'answered' when the peer sends
 * its handshake.
 */
export function tryHandshake (port: number, infoHash: string, localAddress: string, ms = 10_000): Promise<'refused' | 'answered'> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress }, () => socket.write(handshake(infoHash)))
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`no answer and no close within ${ms} ms`)) }, ms)
    socket.on('data', () => { clearTimeout(timer); socket.destroy(); resolve('answered') })
    socket.on('close', () => { clearTimeout(timer); resolve('refused') })
    socket.on('error', () => {})
  })
}

/**
 * A fake seeder for `get`: listens on `host`, answers every connection with a handshake for
 * `infoHash` and then the attack. Resolves `attacked` with the first attack's result.
 */
export async function startHostileSeeder (host: string, infoHash: string, limit: number): Promise<{ port: number, attacks: AttackResult[], server: Server, close: () => Promise<void> }> {
  const attacks: AttackResult[] = []
  const server = createServer(socket => {
    socket.on('error', () => {})
    socket.write(handshake(infoHash))
    void streamAttack(socket, limit).then(result => attacks.push(result))
  })
  await new Promise<void>(resolve => server.listen(0, host, resolve))
  const port = (server.address() as { port: number }).port
  return { port, attacks, server, close: () => new Promise(resolve => server.close(() => resolve())) }
}

/** Announces `port` for `infoHash` to an HTTP tracker from `localAddress` (the tracker takes the address it sees). */
export async function announceFrom (trackerUrl: string, infoHash: string, port: number, localAddress: string): Promise<void> {
  const { request } = await import('node:http')
  const hash = Buffer.from(infoHash, 'hex')
  const escape = (bytes: Buffer) => [...bytes].map(byte => '%' + byte.toString(16).padStart(2, '0')).join('')
  const url = new URL(trackerUrl)
  const path = `${url.pathname}?info_hash=${escape(hash)}&peer_id=${escape(Buffer.from('-XX0001-' + randomBytes(6).toString('hex')))}&port=${port}&uploaded=0&downloaded=0&left=0&event=started&compact=1`
  await new Promise<void>((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, localAddress, agent: false }, res => {
      res.resume()
      res.on('end', () => res.statusCode === 200 ? resolve() : reject(new Error(`announce: HTTP ${res.statusCode}`)))
    })
    req.setTimeout(5_000, () => req.destroy(new Error('announce: no answer in 5 s')))
    req.on('error', reject)
    req.end()
  })
}

/** Resident memory of a process, bytes (Linux). */
export async function residentBytes (pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises')
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]) * 1024
}
