import { randomBytes } from 'node:crypto'
import { connect } from 'node:net'

/**
 * A leecher that asks for one block: handshake for `infoHash` on 127.0.0.1:`port`,
 * "interested" once the remote's handshake came, then, once unchoked, a request for `length` bytes at `offset` of piece
 * `index`. Resolves with the block, or with 'closed' when the remote closes first, or
 * 'no answer' after `ms` (a request a seeder cannot serve is simply never answered).
 */
export function requestBlock (port: number, infoHash: string, index: number, offset: number, length: number, ms: number): Promise<Buffer | 'closed' | 'no answer'> {
  return new Promise((resolve, reject) => {
    let buffer = Buffer.alloc(0)
    let shook = false
    let settled = false
    const settle = (value: Buffer | 'closed' | 'no answer') => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      resolve(value)
    }
    const timer = setTimeout(() => settle('no answer'), ms)
    const message = (id: number, payload = Buffer.alloc(0)) => {
      const head = Buffer.alloc(5)
      head.writeUInt32BE(1 + payload.length)
      head[4] = id
      return Buffer.concat([head, payload])
    }
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(Buffer.concat([Buffer.from([19]), Buffer.from('BitTorrent protocol'), Buffer.alloc(8), Buffer.from(infoHash, 'hex'), randomBytes(20)]))
    })
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk])
      if (!shook) {
        if (buffer.length < 68) return
        shook = true
        buffer = buffer.subarray(68)
        // Only after the remote's handshake: sent with ours, it came before the remote had
        // found the torrent, and was not seen.
        socket.write(message(2))
      }
      while (buffer.length >= 4) {
        const size = buffer.readUInt32BE(0)
        if (buffer.length < 4 + size) break
        const body = buffer.subarray(4, 4 + size)
        buffer = buffer.subarray(4 + size)
        if (body[0] === 1) { // unchoke
          const request = Buffer.alloc(12)
          request.writeUInt32BE(index, 0)
          request.writeUInt32BE(offset, 4)
          request.writeUInt32BE(length, 8)
          socket.write(message(6, request))
        } else if (body[0] === 7 && body.readUInt32BE(1) === index && body.readUInt32BE(5) === offset) {
          settle(Buffer.from(body.subarray(9)))
        }
      }
    })
    socket.on('close', () => settle('closed'))
    socket.on('error', error => { if ((error as NodeJS.ErrnoException).code !== 'ECONNRESET' && !settled) { settled = true; clearTimeout(timer); reject(error) } })
  })
}
