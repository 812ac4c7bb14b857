import type { TorrentOptions } from 'webtorrent'

/**
 * Per-torrent webtorrent options for seeding verified data. See
 * test/bench/swarm-seed.bench.ts for the measurements behind them.
 */
export function seedTorrentOptions (): TorrentOptions {
  return {}
}
