import { SeedcastError } from '../../errors.js'
import { closeClient, createClient, isLoopback, type ClientOptions, type SwarmClient } from '../client.js'
import { peerPortAddress } from '../listen-host.js'

/**
 * Random peer ports tried before giving up. WebTorrent opens TCP on a free port, then uTP
 * (UDP) on the same number, which another program's UDP socket (a DHT node, a tracker,
 * another BitTorrent client) may hold: the TCP port was free, the UDP one was not.
 */
export const RANDOM_PORT_ATTEMPTS = 8

/** How long the peer port may take to open. */
const LISTEN_TIMEOUT_MS = 10_000

/**
 * A client made by createClient(`options`) whose peer port listens: TCP and, unless
 * `utp: false`, uTP on the same port number. With no `torrentPort` (any free port), a port
 * whose UDP number is taken is given up for another one, up to RANDOM_PORT_ATTEMPTS; the
 * clients of the ports given up stay open until the end, so the kernel cannot hand the
 * same TCP port out again. A chosen `torrentPort` that is taken is an error at once.
 * Throws a SeedcastError (EADDRINUSE or ELISTEN).
 */
export async function openPeerPort (options: ClientOptions): Promise<SwarmClient> {
  const anyPort = !options.torrentPort
  const givenUp: SwarmClient[] = []
  try {
    for (let attempt = 1; ; attempt++) {
      const client = createClient(options)
      try {
        await waitListening(client)
        checkPeerPortAddress(client, options.host)
        return client
      } catch (err) {
        const retry = anyPort && attempt < RANDOM_PORT_ATTEMPTS && (err as SeedcastError).code === 'EADDRINUSE'
        if (!retry) {
          await closeClient(client)
          throw err
        }
        // WebTorrent goes on over TCP alone after a uTP error and may emit more errors:
        // without a listener an 'error' event would end the process.
        client.on('error', () => {})
        givenUp.push(client)
      }
    }
  } finally {
    await Promise.all(givenUp.map(client => closeClient(client)))
  }
}

function waitListening (client: SwarmClient): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new SeedcastError(`the peer port did not open within ${LISTEN_TIMEOUT_MS / 1000} s`, { code: 'ELISTEN' })), LISTEN_TIMEOUT_MS)
    const onListening = (): void => done()
    // The first error wins: a uTP bind failure is followed by 'listening' (TCP alone).
    const onError = (err: NodeJS.ErrnoException): void => done(new SeedcastError(`cannot listen for peers: ${err.message}`, {
      code: err.code === 'EADDRINUSE' ? 'EADDRINUSE' : 'ELISTEN',
      hint: err.code === 'EADDRINUSE' ? 'choose another `torrentPort`' : undefined
    }))
    function done (error?: SeedcastError): void {
      clearTimeout(timer)
      client.off('listening', onListening)
      client.off('error', onError)
      if (error) reject(error)
      else resolve()
    }
    if (client.listening) return done()
    client.on('listening', onListening)
    client.on('error', onError)
  })
}

/** With a `host`, the peer port must be on it and nowhere else (see constructListeningOn). */
function checkPeerPortAddress (client: SwarmClient, host: string | undefined): void {
  if (!host) return
  const address = peerPortAddress(client)
  const same = address === host.replace(/^\[|\]$/g, '') || (host === 'localhost' && address !== undefined && isLoopback(address))
  if (!same) throw new SeedcastError(`cannot listen for peers on ${host}: the peer port opened on ${address ?? 'an unknown address'}`, { code: 'ELISTEN', hint: 'check the pinned webtorrent version' })
}
