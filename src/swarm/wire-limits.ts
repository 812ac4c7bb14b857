/*
 * How long a BitTorrent message may be, by type. bittorrent-protocol reads a message's
 * 4-byte length prefix and then buffers that many bytes, concatenating every chunk that
 * arrives: a peer that announced 1 GiB and kept sending froze a seed box (CPU spent on
 * ever larger copies, HTTP answers past 10 s, +139 MiB kept). A message longer than its
 * type can legally be is refused before anything is buffered, and the peer dropped and
 * banned (webtorrent-internals.ts applies this to every wire).
 */

/** Largest block accepted in a piece message: 16 KiB is the norm; libtorrent and aria2 allow up to 128 KiB. */
export const MAX_BLOCK = 128 * 1024
/** Largest extended (BEP 10) message: ut_metadata sends 16 KiB blocks plus a small dictionary; ut_pex lists stay far below. */
export const MAX_EXTENDED = 1024 * 1024
/** Largest message of a type bittorrent-protocol does not know (BEP 52 hash messages and the like). */
export const MAX_UNKNOWN = 16 * 1024 + 64
/** A bitfield before the torrent's piece count is known (a magnet link): 8 M pieces. */
export const MAX_BITFIELD_UNKNOWN = 1024 * 1024 + 1

/** Exact lengths (id byte included) of the fixed-size messages. */
const FIXED: Record<number, number> = {
  0: 1, // choke
  1: 1, // unchoke
  2: 1, // interested
  3: 1, // not interested
  4: 5, // have
  6: 13, // request
  8: 13, // cancel
  9: 3, // port (BEP 5)
  0x0D: 5, // suggest (BEP 6)
  0x0E: 1, // have all
  0x0F: 1, // have none
  0x10: 13, // reject
  0x11: 5 // allowed fast
}

const BITFIELD = 5
const PIECE = 7
const EXTENDED = 20

export interface MessageBounds { min: number, max: number }

/** Smallest and largest legal length (id byte included) of message `id`; `pieces` when the torrent is known. */
export function messageBounds (id: number, pieces?: number): MessageBounds {
  const fixed = FIXED[id]
  if (fixed !== undefined) return { min: fixed, max: fixed }
  if (id === PIECE) return { min: 9, max: 9 + MAX_BLOCK }
  if (id === BITFIELD) return { min: 1, max: pieces ? Math.ceil(pieces / 8) + 1 : MAX_BITFIELD_UNKNOWN }
  if (id === EXTENDED) return { min: 2, max: 2 + MAX_EXTENDED }
  return { min: 1, max: MAX_UNKNOWN }
}

/** The largest message of any type: what a length prefix may say before its id byte has arrived. */
export function largestMessage (pieces?: number): number {
  return Math.max(9 + MAX_BLOCK, 2 + MAX_EXTENDED, messageBounds(BITFIELD, pieces).max)
}

const NAMES: Record<number, string> = { 0: 'choke', 1: 'unchoke', 2: 'interested', 3: 'not interested', 4: 'have', 5: 'bitfield', 6: 'request', 7: 'piece', 8: 'cancel', 9: 'port', 0x0D: 'suggest', 0x0E: 'have all', 0x0F: 'have none', 0x10: 'reject', 0x11: 'allowed fast', 20: 'extended' }

/** "a piece message", "a message of unknown type 42", "a message" (id not yet known). */
export function describeMessage (id: number | undefined): string {
  if (id === undefined) return 'a message'
  return NAMES[id] ? `a ${NAMES[id]} message` : `a message of unknown type ${id}`
}

/** How long a peer that broke the protocol stays banned (its IP address, for this process). */
export const BAN_MS = 60 * 60 * 1000

/**
 * Addresses (IPs, not ip:port: a hostile peer picks any port) refused for a while. One list
 * per process: every torrent of the process refuses a banned peer, and so does the listening
 * port before any handshake is read.
 */
export class BanList {
  private readonly until = new Map<string, number>()

  constructor (private readonly now: () => number = Date.now) {}

  ban (ip: string, ms = BAN_MS): void {
    this.until.set(normalizeIp(ip), this.now() + ms)
  }

  has (ip: string | undefined): boolean {
    if (!ip) return false
    const key = normalizeIp(ip)
    const until = this.until.get(key)
    if (until === undefined) return false
    if (until > this.now()) return true
    this.until.delete(key)
    return false
  }

  get size (): number {
    return this.until.size
  }

  clear (): void {
    this.until.clear()
  }
}

/** "::ffff:1.2.3.4" → "1.2.3.4"; "[::1]" → "::1". */
export function normalizeIp (ip: string): string {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip
  return bare.startsWith('::ffff:') && bare.includes('.') ? bare.slice(7) : bare
}

/** The IP of "1.2.3.4:6881" or "[::1]:6881". */
export function ipOfAddress (address: string): string {
  if (address.startsWith('[')) return normalizeIp(address.slice(0, address.indexOf(']') + 1))
  const colon = address.lastIndexOf(':')
  return normalizeIp(colon > 0 && address.indexOf(':') === colon ? address.slice(0, colon) : address)
}
