import type { TorrentOptions } from 'webtorrent'

/**
 * Per-torrent webtorrent options for seeding verified data, from profiling a 256 MiB
 * upload to aria2c over loopback (test/bench/swarm-seed.bench.ts):
 * - storeCacheSlots 0: webtorrent's default LRU keeps 20 whole pieces in memory and,
 *   with 1 MiB pieces, that cache plus the blocks sliced from it held 70-90 MiB of
 *   ArrayBuffers at peak; reading each requested 16 KiB block straight from the file
 *   (the page cache does the caching) cut peak ArrayBuffers to 20-60 MiB and used no
 *   more CPU (0.9-1.2 s against 1.2-1.4 s with 4 or 20 cached pieces).
 * - verification is never redone here: seedcast checked the data (or trusted its fast-
 *   resume record) before adding it, so the seeder adds with skipVerify.
 */
export function seedTorrentOptions (): TorrentOptions {
  return { storeCacheSlots: 0 }
}
