// WebTorrent's upload throttle (speed-limiter's ThrottleGroup), set and read through members
// webtorrent does not document: the seeder's upload limit and its share between peers
// (seed/upload-share.ts) rest on these.

/**
 * Sets WebTorrent's upload throttle to `rate` bytes per second (a whole number, at least
 * 1), cut into slices of at most `sliceBytes`. speed-limiter's token bucket holds one
 * second of the rate, and a slice waiting for tokens fails when the rate is lowered below
 * its size: its stream errors and the peer is dropped. With speed-limiter's own slices (a
 * tenth of the rate), a share of the upload limit cut by more than ten times at once
 * (upload-share.ts: 95 % to 5 %) dropped the peer being served. Slices no larger than the
 * smallest share make every later rate big enough for a slice already waiting. Returns
 * false, having set the rate only, when speed-limiter's ThrottleGroup has no
 * setRate(rate, chunksize) / getChunksize().
 */
export function setUploadThrottle (client: object, rate: number, sliceBytes: number): boolean {
  interface Group { setRate?: (rate: number, chunksize?: number) => void, getChunksize?: () => number }
  const swarm = client as { throttleUpload: (rate: number) => unknown, throttleGroups?: { up?: Group } }
  swarm.throttleUpload(rate)
  const up = swarm.throttleGroups?.up
  if (typeof up?.setRate !== 'function' || typeof up.getChunksize !== 'function') return false
  const slice = Math.max(1, Math.min(sliceBytes, Math.floor(rate / 10)))
  up.setRate(Math.round(rate), slice)
  return up.getChunksize() === slice
}

/**
 * True when WebTorrent's upload throttle is what holds uploads back: its token bucket,
 * brought up to now, holds less than one slice, so blocks already answered wait in the
 * throttle for tokens. A side's new bytes alone cannot tell this: a peer whose requests
 * are all answered sends no new ones while those answers drain, and its side looks idle
 * (upload-share.ts then took its share away, and the answers drained at the floor rate).
 * False without a throttle or when speed-limiter's bucket (limiter's TokenBucket) is not there.
 */
export function uploadThrottleSaturated (client: object): boolean {
  interface Bucket { drip?: () => void, content?: number }
  const up = (client as { throttleGroups?: { up?: { getEnabled?: () => boolean, getChunksize?: () => number, bucket?: Bucket } } }).throttleGroups?.up
  const bucket = up?.bucket
  if (!up?.getEnabled?.() || typeof up.getChunksize !== 'function' || typeof bucket?.drip !== 'function' || typeof bucket.content !== 'number') return false
  bucket.drip()
  return bucket.content < up.getChunksize()
}

/** WebTorrent's upload throttle as configured (-1: no limit). */
export function uploadThrottle (client: object): number {
  const up = (client as { throttleGroups?: { up?: { getEnabled?: () => boolean, getRate?: () => number } } }).throttleGroups?.up
  if (!up?.getEnabled || !up.getRate) return (client as { _uploadLimit?: number })._uploadLimit ?? -1
  return up.getEnabled() ? up.getRate() : -1
}
