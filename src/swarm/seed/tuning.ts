import type { TorrentOptions } from 'webtorrent'
import { SeedStore } from './store.js'
import { applyWebTorrentInternals } from '../webtorrent-internals.js'

/**
 * Per-torrent webtorrent options for seeding verified data, from profiling uploads to
 * aria2c over loopback (test/bench/swarm-seed.bench.ts):
 * - storeCacheSlots 0: webtorrent's default LRU keeps 20 whole pieces in memory and,
 *   with 1 MiB pieces, that cache plus the blocks sliced from it held 70-90 MiB of
 *   ArrayBuffers at peak; reading each requested block straight from the file (the
 *   page cache does the caching) cut that to 20-60 MiB at no CPU cost.
 * - store SeedStore: read-only, one positioned read per block into a buffer that also
 *   carries the message header (see seed-store.ts and wire-framing.ts, applied with the
 *   other WebTorrent patches by webtorrent-internals.ts).
 * - verification is never redone here: seedcast checked the data (or trusted its fast-
 *   resume record) before adding it, so the seeder adds with skipVerify.
 */
export function seedTorrentOptions (): TorrentOptions {
  applyWebTorrentInternals()
  return { storeCacheSlots: 0, store: SeedStore }
}
