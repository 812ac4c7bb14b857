import { stat } from 'node:fs/promises'
import { SeedcastError } from '../errors.js'
import type { PeerStatus } from './seed/events.js'
import { defaultStateDir } from './state-dir.js'
import { readStatuses } from './status-file.js'
import { readMetainfo } from '../torrent/inspect.js'

export interface PeersReport {
  infoHash: string
  name: string
  /** Pids of the seeders seeding it. */
  seeders: number[]
  uploaded: number
  peers: PeerStatus[]
  byTransport: Record<string, number>
}

/**
 * The peers connected to a torrent (infohash or .torrent path) across the running
 * seeders of a state folder; undefined when none seeds it.
 */
export async function findPeers (torrent: string, options: { stateDir?: string } = {}): Promise<PeersReport | undefined> {
  const infoHash = await toInfoHash(torrent)
  const statuses = await readStatuses(options.stateDir ?? defaultStateDir())
  let report: PeersReport | undefined
  for (const status of statuses) {
    const entry = status.torrents.find(t => t.infoHash === infoHash)
    if (!entry) continue
    report ??= { infoHash, name: entry.name, seeders: [], uploaded: 0, peers: [], byTransport: {} }
    report.seeders.push(status.pid)
    report.uploaded += entry.uploaded
    report.peers.push(...entry.peerList)
  }
  if (report) {
    // A stable listing: by transport, then address (the seeders list them as they connected).
    report.peers.sort((a, b) => a.transport.localeCompare(b.transport) || (a.address ?? '').localeCompare(b.address ?? ''))
    for (const peer of report.peers) report.byTransport[peer.transport] = (report.byTransport[peer.transport] ?? 0) + 1
  }
  return report
}

async function toInfoHash (torrent: string): Promise<string> {
  if (/^[0-9a-f]{40}$/i.test(torrent)) {
    const isFile = await stat(torrent).then(info => info.isFile(), () => false)
    if (!isFile) return torrent.toLowerCase()
  }
  const exists = await stat(torrent).then(() => true, () => false)
  if (!exists) throw new SeedcastError(`${torrent}: not an infohash (40 hex characters) and no such file`, { code: 'EUSAGE', hint: 'give the torrent\'s infohash or its .torrent file' })
  return readMetainfo(torrent).infoHash
}
