/*
 * One upload limit for a seed box that uploads from two processes: the seeder (TCP and
 * uTP peers) and its WebRTC child (webrtc/webrtc-seeding.ts). Each process has its own
 * WebTorrent upload throttle (a token bucket); the seeder owns the limit and re-splits it
 * between the two at every usage report of the child (UPLOAD_SHARE_INTERVAL_MS), from
 * what each side uploaded since the last one, so the two rates never add up to more than
 * the limit:
 * - a side that used (nearly) all of its share, or whose throttle holds answered blocks
 *   waiting for tokens (saturated), wants more; the other keeps what it uses
 *   plus headroom, and the rest goes to the side that wants more;
 * - an idle side keeps a small floor (UPLOAD_SHARE_FLOOR of the limit) to start from: the
 *   first report in which it uses that floor makes it hungry, and it gets its half at the
 *   next report;
 * - two hungry sides get half each;
 * - a share at most halves from one report to the next.
 * So one busy transport uploads at the limit less the floor while the other is idle (from
 * about two seconds after the other went quiet), and without a running child the
 * seeder's throttle holds the whole limit.
 */

/** How often the WebRTC child reports its bytes and the limit is split again. */
export const UPLOAD_SHARE_INTERVAL_MS = 500
/** What an idle side keeps, as a part of the limit. */
export const UPLOAD_SHARE_FLOOR = 0.05
/** A side that used at least this part of its share wants more. */
const HUNGRY = 0.85
/** Headroom over its measured rate kept by a side that is not hungry. */
const HEADROOM = 1.5

/**
 * One side's last interval: its share (bytes/s), the rate its peers' requests were answered
 * at, and whether its throttle was the bottleneck at the end of it (see uploadThrottleSaturated).
 */
export interface ShareUse { share: number, rate: number, saturated?: boolean }

/**
 * Splits `limit` (bytes/s) between two uploaders from their last interval's use; the two
 * shares are whole numbers adding up to `limit`, each at least the floor.
 */
export function splitUploadLimit (limit: number, a: ShareUse, b: ShareUse): [number, number] {
  const floor = shareFloor(limit)
  const want = (side: ShareUse) => side.saturated === true || side.rate >= side.share * HUNGRY ? Infinity : Math.max(floor, side.rate * HEADROOM)
  const wantA = want(a)
  const wantB = want(b)
  let shareA: number
  if (wantA + wantB <= limit) shareA = wantA + (limit - wantA - wantB) / 2 // both satisfied: split what is left
  else if (wantA <= wantB) shareA = Math.min(wantA, limit / 2) // the smaller want first, at most half
  else shareA = limit - Math.min(wantB, limit / 2)
  shareA = Math.min(limit - floor, Math.max(floor, Math.round(shareA)))
  return [shareA, limit - shareA]
}

/** The least share of a side (bytes/s, at least 1: a throttle at 0 would send nothing). */
export function shareFloor (limit: number): number {
  return Math.max(1, Math.min(Math.floor(limit / 2), Math.round(limit * UPLOAD_SHARE_FLOOR)))
}

/**
 * The largest slice each throttle may send at once: the floor, the smallest share either
 * side ever gets (see setUploadThrottle for why a slice must fit every later share).
 */
export function shareSlice (limit: number): number {
  return shareFloor(limit)
}

/**
 * The seeder's side of the shared limit. `setHere` sets this process's throttle (at once,
 * to the whole limit), `setChild` tells the child its share; `uploadedHere` counts this
 * process's bytes, `saturatedHere` says whether its throttle is the bottleneck now.
 */
export class UploadShare {
  private here: ShareUse
  private child?: ShareUse & { uploaded: number, at: number, hereUploaded: number }

  constructor (readonly limit: number, private readonly uploadedHere: () => number, private readonly setHere: (rate: number) => void, private readonly setChild: (rate: number) => void, private readonly saturatedHere: () => boolean = () => false) {
    this.here = { share: limit, rate: 0 }
    setHere(limit)
  }

  /**
   * A child starts (it loads for a second or more before it can upload): it gets the floor,
   * and more from its first report on. Returns its share, its throttle's start value.
   */
  childStarted (): number {
    const child = shareFloor(this.limit)
    this.child = { share: child, rate: 0, uploaded: 0, at: Date.now(), hereUploaded: this.uploadedHere() }
    this.apply(this.limit - child)
    return child
  }

  /**
   * The child's usage report: `uploaded` is every byte it has uploaded since it started;
   * `saturated`: its throttle is the bottleneck now.
   */
  childUsage (uploaded: number, saturated = false): void {
    const child = this.child
    if (!child) return
    const now = Date.now()
    const seconds = (now - child.at) / 1000
    if (seconds <= 0) return
    const hereUploaded = this.uploadedHere()
    this.here.rate = (hereUploaded - child.hereUploaded) / seconds
    this.here.saturated = this.saturatedHere()
    child.rate = (uploaded - child.uploaded) / seconds
    child.saturated = saturated
    child.uploaded = uploaded
    child.hereUploaded = hereUploaded
    child.at = now
    let childShare = splitUploadLimit(this.limit, this.here, child)[1]
    // A share at most halves per report: one quiet half second (a peer between requests, a
    // busy event loop) must not take a side from most of the limit to the floor at once.
    if (childShare < Math.floor(child.share / 2)) childShare = Math.floor(child.share / 2)
    if (this.limit - childShare < Math.floor(this.here.share / 2)) childShare = this.limit - Math.floor(this.here.share / 2)
    this.apply(this.limit - childShare)
    if (childShare !== child.share) {
      child.share = childShare
      this.setChild(childShare)
    }
  }

  /** The child is gone: this process has the whole limit again. */
  childGone (): void {
    this.child = undefined
    this.apply(this.limit)
  }

  /** What each side has now (bytes/s); `child` undefined without a running child. */
  shares (): { here: number, child?: number } {
    return { here: this.here.share, ...(this.child ? { child: this.child.share } : {}) }
  }

  private apply (share: number): void {
    if (share === this.here.share) return
    this.here.share = share
    this.setHere(share)
  }
}
