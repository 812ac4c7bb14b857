import { randomBytes } from 'node:crypto'
import { connect } from 'node:net'

export interface ProbeResult {
  /** The remote answered our handshake with its own for the same infohash. */
  handshake: boolean
  /** Message ids received after the handshake, in order (5 = bitfield, 20 = extended). */
  messages: number[]
  /** Bytes received in all. */
  bytes: number
  /** The remote closed the connection (rather than our timeout ending the probe). */
  closedByRemote: boolean
}

/**
 * A minimal BitTorrent peer: connects to 127.0.0.1:`port`, sends a handshake for
 * `infoHash` and records what comes back for at most `ms` (or until `enough` says so):
 * what a leecher asking for that torrent would get.
 */
export function probePeer (port: number, infoHash: string, ms: number, enough: (result: ProbeResult) => boolean = result => result.messages.includes(5)): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    const result: ProbeResult = { handshake: false, messages: [], bytes: 0, closedByRemote: false }
    let buffer = Buffer.alloc(0)
    let finished = false
    const socket = connect(port, '127.0.0.1')
    const finish = () => {
      if (finished) return
      finished = true
      clearTimeout(timer)
      socket.destroy()
      resolve(result)
    }
    const timer = setTimeout(finish, ms)
    socket.on('connect', () => {
      const reserved = Buffer.alloc(8)
      reserved[5] = 0x10 // extension protocol, as every modern client says
      socket.write(Buffer.concat([Buffer.from([19]), Buffer.from('BitTorrent protocol'), reserved, Buffer.from(infoHash, 'hex'), randomBytes(20)]))
    })
    socket.on('data', (chunk: Buffer) => {
      result.bytes += chunk.length
      buffer = Buffer.concat([buffer, chunk])
      if (!result.handshake) {
        if (buffer.length < 68) return
        result.handshake = buffer.subarray(28, 48).toString('hex') === infoHash
        buffer = buffer.subarray(68)
      }
      while (buffer.length >= 4) {
        const length = buffer.readUInt32BE(0)
        if (buffer.length < 4 + length) break
        if (length > 0) result.messages.push(buffer[4]!)
        buffer = buffer.subarray(4 + length)
      }
      if (enough(result)) finish()
    })
    socket.on('close', () => { result.closedByRemote = !finished; finish() })
    socket.on('error', error => { if ((error as NodeJS.ErrnoException).code === 'ECONNRESET') return; if (!finished) { finished = true; clearTimeout(timer); reject(error) } })
  })
}
