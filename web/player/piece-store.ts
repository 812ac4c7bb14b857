/**
 * The episode's verified pieces, in memory (ARCHITECTURE.md: re-verifying an OPFS store was
 * the main start-up cost, and a tab shares only while it is open anyway). Only verified data
 * is ever put here, whichever path it came by, so everything read from it is the episode's.
 * Changes are announced on `changes` so waiting readers re-decide at once.
 */
export class PieceStore {
  private readonly pieces: Array<Uint8Array | undefined>
  readonly changes = new EventTarget()
  held = 0

  constructor (readonly pieceCount: number) {
    this.pieces = new Array<Uint8Array | undefined>(pieceCount)
  }

  has (index: number): boolean { return this.pieces[index] !== undefined }
  get (index: number): Uint8Array | undefined { return this.pieces[index] }

  put (index: number, data: Uint8Array): boolean {
    if (this.pieces[index]) return false
    this.pieces[index] = data
    this.held++
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
}
