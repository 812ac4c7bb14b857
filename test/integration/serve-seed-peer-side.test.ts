// Issue 10, defect 11: with --seed the peer side follows the operator. Under --host
// 127.0.0.1 every socket the process listens on (HTTP, the peer port over TCP and uTP) is on
// 127.0.0.1, read from the kernel's own tables (/proc/net/*, matched to this process's
// descriptors); LSD is off; serve takes seed's peer flags, and they reach WebTorrent
// (read back in the started event); --max-conns 1 lets one peer in and refuses a second.
import { readdir, readFile, readlink } from 'node:fs/promises'
import { connect, type Socket } from 'node:net'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { binPath } from '../helpers/cli.js'
import { startJsonProcess, waitForLines, within, type JsonProcess } from '../helpers/json-process.js'
import { handshake, tryHandshake } from '../helpers/hostile-peer.js'
import { tempDir } from '../helpers/tmp.js'
import { makePublishedShow } from './serve-helpers.js'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => { for (const cleanup of cleanups.splice(0).reverse()) await cleanup() })

async function serveSeed (args: string[]): Promise<{ proc: JsonProcess, started: Record<string, any>, infoHash: string }> {
  const tmp = await tempDir('seedcast-peer-side-')
  cleanups.push(tmp.cleanup)
  const show = join(tmp.path, 'show')
  await makePublishedShow(show, 'http://127.0.0.1:8080/', ['episode.mp3'], 'Peer Side Show')
  const proc = startJsonProcess([binPath, 'serve', show, '--port', '0', '--seed', '--no-dht', '--host', '127.0.0.1', '--state', join(tmp.path, 'state'), ...args, '--json'])
  cleanups.push(proc.kill)
  await waitForLines('serve --seed: seeding', 30_000, () => proc.lines.some(line => line.event === 'seeding'), [proc])
    .catch((error: Error) => { throw new Error(`${error.message}; stderr: ${proc.stderr()}`) })
  return { proc, started: proc.lines.find(line => line.event === 'started')!, infoHash: proc.lines.find(line => line.event === 'seeding')!.infoHash }
}

interface Bound { protocol: string, address: string, port: number }

/** The sockets `pid` listens on (TCP in LISTEN state, bound UDP), from /proc/<pid>/net/* and its descriptors. */
async function listeningSockets (pid: number): Promise<Bound[]> {
  const inodes = new Set<string>()
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')
    const match = /^socket:\[(\d+)\]$/.exec(target)
    if (match) inodes.add(match[1]!)
  }
  const found: Bound[] = []
  for (const protocol of ['tcp', 'tcp6', 'udp', 'udp6']) {
    const table = await readFile(`/proc/${pid}/net/${protocol}`, 'utf8')
    for (const row of table.trim().split('\n').slice(1)) {
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
      const fields = row.trim().split(/\s+/)
      const [local, state, inode] = [fields[1]!, fields[3], fields[9]!]
      if (!inodes.has(inode)) continue
      if (protocol.startsWith('tcp') && state !== '0A') continue // only LISTEN
      const [hex, port] = local.split(':')
      found.push({ protocol, address: decodeAddress(hex!), port: parseInt(port!, 16) })
    }
  }
  return found
}

/** /proc/net's hex address (little-endian words) as text. */
function decodeAddress (hex: string): string {
  if (hex.length === 8) return Buffer.from(hex, 'hex').reverse().join('.')
  const words = hex.match(/.{8}/g)!.map(word => Buffer.from(word, 'hex').reverse())
  const bytes = Buffer.concat(words)
  if (bytes.subarray(0, 10).every(byte => byte === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return [...bytes.subarray(12)].join('.')
  return bytes.toString('hex').match(/.{4}/g)!.join(':')
}

describe('serve --seed: the peer side follows --host and the peer flags', () => {
  it('listens on 127.0.0.1 only (HTTP, peer TCP, uTP), LSD off, and --max-conns 1 lets one peer in and refuses a second', async () => {
    const { proc, started, infoHash } = await serveSeed(['--max-conns', '1'])
    expect(started.peers).toEqual({ host: '127.0.0.1', uploadLimit: -1, maxConns: 1, lsd: false, utp: true, dht: false, webrtc: true })
    const sockets = await listeningSockets(proc.child.pid!)
    const url = new URL(proc.lines[0]!.url as string)
    // What is expected is there (so the reading works), and nothing listens anywhere else.
    expect(sockets).toContainEqual({ protocol: 'tcp', address: '127.0.0.1', port: Number(url.port) })
    expect(sockets).toContainEqual({ protocol: 'tcp', address: '127.0.0.1', port: started.port })
    expect(sockets).toContainEqual({ protocol: 'udp', address: '127.0.0.1', port: started.port })
    expect(sockets.filter(socket => socket.address !== '127.0.0.1')).toEqual([])
    expect(sockets.some(socket => socket.port === 6771)).toBe(false) // LSD's multicast port

    // --max-conns 1: one peer is let in and keeps its slot; a second one is refused.
    const first: Socket = connect({ port: started.port, host: '127.0.0.1' }, () => first.write(handshake(infoHash)))
    cleanups.push(() => { first.destroy() })
    first.on('error', () => {})
    await within(new Promise(resolve => first.once('data', resolve)), 10_000, 'the first peer answered')
    expect(await tryHandshake(started.port, infoHash, '127.0.0.1')).toBe('refused')
    expect(first.destroyed).toBe(false)
    proc.child.kill('SIGTERM')
    expect((await within(proc.exited, 15_000, 'serve stop')).code).toBe(0)
  })

  it('--no-utp --no-webrtc --upload-limit: no UDP socket at all, WebTorrent runs without them, its upload throttle set', async () => {
    const { proc, started } = await serveSeed(['--no-utp', '--no-webrtc', '--upload-limit', '64k'])
    expect(started.peers).toMatchObject({ host: '127.0.0.1', uploadLimit: 64 * 1024, maxConns: 55, lsd: false, utp: false, webrtc: false })
    const sockets = await listeningSockets(proc.child.pid!)
    expect(sockets.filter(socket => socket.protocol.startsWith('udp'))).toEqual([])
    expect(sockets).toContainEqual({ protocol: 'tcp', address: '127.0.0.1', port: started.port })
    expect(sockets.filter(socket => socket.address !== '127.0.0.1')).toEqual([])
  })
})
