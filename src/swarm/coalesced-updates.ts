import { fastPathCounts } from './fast-path-counts.js'

/** The member of webtorrent's Torrent.prototype coalesceTorrentUpdates replaces. */
export interface UpdatingTorrentProto { _update: (this: UpdatingTorrent) => void }
interface UpdatingTorrent extends UpdatingTorrentProto {
  destroyed?: boolean
  [QUEUED]?: boolean
}

const QUEUED = Symbol('seedcast.updateQueued')

/**
 * WebTorrent runs its request scheduler (`_update`: every wire, the piece selection, a
 * rate estimate per candidate piece) once per received block, each time from a microtask
 * of its own, and also on every have, bitfield, unchoke... A read from a fast peer carries
 * about sixteen blocks, so the scheduler ran sixteen times in a row, each run finding one
 * free request slot and walking the pieces in flight to fill it. Here a call while a run is
 * already queued is dropped: the one queued run (at the end of the microtasks queued so far,
 * so still before the next I/O) sees every slot the blocks freed and fills them in one walk.
 * What it decides is what the last of those runs would have decided; it runs a microtask
 * later than the first of them would have. Applied by webtorrent-internals.ts, which checks
 * the member exists first.
 */
export function coalesceTorrentUpdates (proto: UpdatingTorrentProto): void {
  const update = proto._update
  proto._update = function () {
    if (this[QUEUED]) {
      fastPathCounts.coalescedUpdates++
      return
    }
    this[QUEUED] = true
    queueMicrotask(() => {
      this[QUEUED] = false
      if (!this.destroyed) update.call(this)
    })
  }
}
