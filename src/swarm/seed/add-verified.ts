import type { Torrent, TorrentOptions } from 'webtorrent'
import type { Metainfo } from '../../torrent/metainfo.js'
import type { SwarmClient } from '../client.js'
import { webTorrentInput } from '../webtorrent-input.js'

/**
 * Adds data seedcast has just verified (or trusts by fast resume): webtorrent must not
 * hash it again. The torrent goes in as `get` gives it (webTorrentInput, from seedcast's
 * reader), and the store is told the metainfo, so it reads each file at its safe path and
 * serves pad files as zeros.
 * The torrent's web seeds are left out: a seeder holds every piece and never downloads,
 * yet WebTorrent opens a 'webSeed' connection to each, which `peers`, the stats and the
 * status file counted as a peer (under `serve --seed` the seed box's own HTTP server).
 * Peers never learn web seeds from us (ut_metadata sends the info dictionary only), so
 * nothing else changes.
 */
export function addVerified (client: SwarmClient, metainfo: Metainfo, dataPath: string, options: TorrentOptions): Promise<Torrent> {
  return new Promise((resolve, reject) => {
    const torrent = client.add({ ...webTorrentInput(metainfo), urlList: [] }, { ...options, storeOpts: { ...options.storeOpts, metainfo }, path: dataPath, skipVerify: true })
    const timer = setTimeout(() => { cleanup(); reject(new Error('not ready after 30 s')) }, 30_000)
    const onReady = () => { cleanup(); resolve(torrent) }
    const onError = (err: Error) => { cleanup(); reject(err) }
    const cleanup = () => { clearTimeout(timer); torrent.removeListener('ready', onReady); torrent.removeListener('error', onError) }
    if (torrent.ready) return onReady()
    torrent.once('ready', onReady)
    torrent.once('error', onError)
  })
}
