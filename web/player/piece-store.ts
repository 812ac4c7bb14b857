/**
 * The episode's verified pieces, in memory (ARCHITECTURE.md: re-verifying an OPFS store was
 * the main start-up cost, and a tab shares only while it is open anyway). Only verified data
 * is ever put here, whichever path it came by, so everything read from it is the episode's.
 * Changes are announced on `changes` so waiting readers re-decide at once.
 *
 * Bounded: past `maxBytes` (a long video would otherwise fill the tab's memory), the pieces
 * farthest from the play position go, those every connected peer already has first (the
 * swarm no longer needs them from this tab), those behind the play position before those
 * ahead. The pieces around the play position (`keep`) and the file's first bytes (an MP4's
 * index, read again on every seek) stay. A piece that went is fetched again if it is wanted.
 */
export interface Retention {
  /** The piece at the play position. */
  playhead: () => number
  /** Pieces kept past the play position (what is being read ahead). */
  keepAhead: () => number
  /** Whether no connected peer lacks piece `index` (true with no peer). */
  spare: (index: number) => boolean
}

/** The file's first pieces are never evicted, up to this many bytes (MP4 moov, WebM header). */
const KEEP_HEAD_BYTES = 256 * 1024

export class PieceStore {
  private readonly pieces: Array<Uint8Array | undefined>
  readonly changes = new EventTarget()
  held = 0
  /** Bytes held now, the most ever held, and pieces evicted so far (diagnostics, tests). */
  bytes = 0
  peakBytes = 0
  evicted = 0
  retention: Retention = { playhead: () => 0, keepAhead: () => Infinity, spare: () => true }

  constructor (readonly pieceCount: number, readonly pieceLength = Infinity, readonly maxBytes = Infinity) {
    this.pieces = new Array<Uint8Array | undefined>(pieceCount)
  }

  has (index: number): boolean { return this.pieces[index] !== undefined }
  get (index: number): Uint8Array | undefined { return this.pieces[index] }

  put (index: number, data: Uint8Array): boolean {
    if (this.pieces[index]) return false
    this.pieces[index] = data
    this.held++
    this.bytes += data.length
    this.shrink(index)
    this.peakBytes = Math.max(this.peakBytes, this.bytes)
    this.changes.dispatchEvent(new CustomEvent('piece', { detail: index }))
    return true
  }

  /** Resolves on the next change of anything a reader decides on (a piece, the play position, peers) or after `ms`. */
  nextChange (ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise(resolve => {
      const done = (): void => {
        clearTimeout(timer)
        this.changes.removeEventListener('piece', done)
        this.changes.removeEventListener('nudge', done)
        signal?.removeEventListener('abort', done)
        resolve()
      }
      const timer = setTimeout(done, ms)
      this.changes.addEventListener('piece', done)
      this.changes.addEventListener('nudge', done)
      signal?.addEventListener('abort', done)
    })
  }

  /** Wakes waiting readers (the play position moved, a peer arrived). */
  nudge (): void { this.changes.dispatchEvent(new Event('nudge')) }

  /** Evicts pieces (never `justPut`) until the store is within maxBytes or only kept pieces are left. */
  private shrink (justPut: number): void {
    if (this.bytes <= this.maxBytes) return
    const at = this.retention.playhead()
    const lastKept = at + Math.max(1, this.retention.keepAhead())
    const head = Math.ceil(KEEP_HEAD_BYTES / this.pieceLength)
    const candidates: Array<{ index: number, spare: boolean, distance: number }> = []
    for (let index = head; index < this.pieceCount; index++) {
      if (!this.pieces[index] || index === justPut || (index >= at - 1 && index <= lastKept)) continue
      // Behind the play position counts double: listeners go on more than they go back.
      candidates.push({ index, spare: this.retention.spare(index), distance: index < at ? 2 * (at - index) : index - at })
    }
    candidates.sort((a, b) => Number(b.spare) - Number(a.spare) || b.distance - a.distance)
    for (const { index } of candidates) {
      if (this.bytes <= this.maxBytes) break
      this.bytes -= this.pieces[index]!.length
      this.pieces[index] = undefined
      this.held--
      this.evicted++
    }
  }
}
