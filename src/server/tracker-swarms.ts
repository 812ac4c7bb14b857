import { Server } from 'bittorrent-tracker'

/*
 * bittorrent-tracker (11.2.3) finds a torrent's swarm in two asynchronous steps: getSwarm,
 * then, when there is none, createSwarm, which stores a new one unconditionally. With our
 * asynchronous filter (ServedInfoHashes stats the catalog), two peers announcing a torrent
 * nobody announced yet both find no swarm and both create one: the second replaces the
 * first, whose peer then sits in a swarm nobody sees. Its offers reach no one and no one is
 * told about it until its next announce (two minutes for a browser), which is how two
 * listeners joining at the same moment waited 2 min 20 s for each other. Creating a swarm
 * here keeps the one made meanwhile, so every announce of a torrent lands in one swarm.
 */

interface SwarmServer {
  torrents: Record<string, unknown>
  createSwarm: (infoHash: string | Uint8Array, cb: (err: Error | null, swarm?: unknown) => void) => void
}

type SwarmConstructor = new (infoHash: string, server: unknown) => unknown

/**
 * Makes `server` create at most one swarm per infohash. Returns false (server unchanged)
 * when the members this relies on are missing in the installed bittorrent-tracker.
 */
export function oneSwarmPerTorrent (server: Server): boolean {
  const target = server as unknown as SwarmServer
  const Swarm = (Server as unknown as { Swarm?: SwarmConstructor }).Swarm
  if (typeof Swarm !== 'function' || typeof target.createSwarm !== 'function' || typeof target.torrents !== 'object' || target.torrents === null) return false
  target.createSwarm = (infoHash, cb) => {
    const key = typeof infoHash === 'string' ? infoHash : Buffer.from(infoHash).toString('hex')
    // Asynchronous like the original, so callers see no change of timing.
    process.nextTick(() => {
      const swarm = target.torrents[key] ??= new Swarm(key, server)
      cb(null, swarm)
    })
  }
  return true
}
